// Runs before `npm test`: the HTML report is tested in Debian's Chromium (never a browser
// download). Installs it with apt-get when it is missing and we may; otherwise says what to do.
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";

const CHROMIUM = "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() !== 0) {
    console.error(`npm test needs Debian's Chromium at ${CHROMIUM}: run \`sudo apt-get install chromium\` and try again.`);
    process.exit(2);
  }
  console.error(`Installing Debian's chromium (needed by the HTML report test) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: ["ignore", "ignore", "inherit"], env });
}
console.error(execFileSync(CHROMIUM, ["--version"]).toString().trim());
