import { describe, expect, it } from "vitest";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCli } from "./helpers/cli.js";
import { SERVER_CLI } from "../src/local/server-install.js";

/** A user's keys for the deployments they certify, set where the suite runs. */
const KEYS = { LANGGRAPH_API_KEY: "lgwc-secret-langgraph", LANGSMITH_API_KEY: "lgwc-secret-langsmith", LANGCHAIN_API_KEY: "lgwc-secret-langchain" };

/** What a child the suite started saw in its environment, written by the stand-in at `dump`. */
async function seen(dump: string): Promise<Record<string, string>> {
  return JSON.parse(await readFile(dump, "utf8")) as Record<string, string>;
}

describe("the children the suite starts for --local do not inherit the user's deployment keys", () => {
  it("the embedded server", { timeout: 60_000 }, async () => {
    const folder = await mkdtemp(join(tmpdir(), "lgwc-child-env-"));
    try {
      const dump = join(folder, "server-env.json");
      // A cached install whose "server" writes its environment and exits, so the suite reports it never started.
      const home = join(folder, "cache", "server-2.0.0");
      await mkdir(dirname(join(home, SERVER_CLI)), { recursive: true });
      await writeFile(join(home, SERVER_CLI), `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(dump)}, JSON.stringify(process.env));\nprocess.exit(1);\n`);
      await writeFile(join(home, ".lgwc-complete"), "");
      const run = await runCli(["--local", "--server-version", "2.0.0", "--report-dir", join(folder, "reports")], {
        env: { ...KEYS, LGWC_CACHE_DIR: join(folder, "cache"), LGWC_MARK: "inherited" },
        timeoutMs: 50_000,
      });
      expect(run.code, run.stderr).not.toBe(0);
      const env = await seen(dump);
      expect(env.LGWC_MARK).toBe("inherited");
      for (const name of Object.keys(KEYS)) expect(env[name], name).toBeUndefined();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("the npm install of the server", { timeout: 60_000 }, async () => {
    const folder = await mkdtemp(join(tmpdir(), "lgwc-child-env-"));
    try {
      const dump = join(folder, "npm-env.json");
      // An npm first on PATH that writes its environment and fails, so nothing is installed.
      const bin = join(folder, "bin");
      await mkdir(bin);
      await writeFile(join(bin, "npm"), `#!${process.execPath}\nrequire("node:fs").writeFileSync(${JSON.stringify(dump)}, JSON.stringify(process.env));\nprocess.exit(1);\n`);
      await chmod(join(bin, "npm"), 0o755);
      const run = await runCli(["install-server"], {
        env: { ...KEYS, LGWC_CACHE_DIR: join(folder, "cache"), LGWC_MARK: "inherited", PATH: `${bin}:${process.env.PATH ?? ""}` },
        timeoutMs: 50_000,
      });
      expect(run.code, run.stderr).not.toBe(0);
      const env = await seen(dump);
      expect(env.LGWC_MARK).toBe("inherited");
      for (const name of Object.keys(KEYS)) expect(env[name], name).toBeUndefined();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
