import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers/cli.js";
import { startLocalTarget, type LocalTarget } from "../src/target/local.js";

const run = promisify(execFile);

/** The package as users get it: packed, installed into an empty folder, run through npx. */
describe("the packed package", () => {
  let folder: string;
  let target: LocalTarget;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "lgwc-pack-"));
    const [packed] = await Promise.all([
      run("npm", ["pack", "--ignore-scripts", "--pack-destination", folder], { cwd: ROOT }),
      startLocalTarget().then((t) => (target = t)),
    ]);
    const tarball = packed.stdout.trim().split("\n").pop()!;
    await writeFile(join(folder, "package.json"), JSON.stringify({ name: "user-project", private: true }));
    await run("npm", ["install", "--no-audit", "--no-fund", join(folder, tarball)], { cwd: folder, timeout: 240_000 });
  }, 300_000);

  afterAll(async () => {
    await target?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const npx = (args: string[]) =>
    run("npx", ["--no-install", "lg-webhook-conformance", ...args], { cwd: folder, timeout: 120_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it("answers --help", async () => {
    const result = await npx(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--target URL/);
  });

  it("certifies a running server with --target", async () => {
    const result = await npx(["--target", target.url, "--only", "thread-run,stateless-batch", "--report-dir", "out"]);
    expect(result.code, result.stderr).toBe(0);
    const cert = JSON.parse(await readFile(join(folder, "out", "certification.json"), "utf8")) as { verdict: string; summary: { passed: number } };
    expect(cert.verdict).toBe("conformant");
    expect(cert.summary.passed).toBe(2);
  });

  it("says in one sentence what to install for --local", async () => {
    const result = await npx(["--local"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--local needs the LangGraph server packages: run `npm install @langchain\/langgraph-cli@1\.5\.1 .*` in this folder, or use --target URL\./);
  });
});
