import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers/cli.js";
import { startLocalTarget, type LocalTarget } from "../src/local/local.js";

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

  const npx = (args: string[], env: NodeJS.ProcessEnv = {}, timeout = 120_000) =>
    run("npx", ["--no-install", "lg-webhook-conformance", ...args], { cwd: folder, timeout, env: { ...process.env, ...env } }).then(
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

  it("runs --local from the installed package: the server is installed into the cache on first use, and reused offline after", { timeout: 420_000 }, async () => {
    const cache = join(folder, "cache");
    const first = Date.now();
    const cold = await npx(["--local", "--only", "thread-run,thread-run-text", "--report-dir", "cold"], { LGWC_CACHE_DIR: cache }, 360_000);
    const coldMs = Date.now() - first;
    expect(cold.code, cold.stderr).toBe(0);
    expect(cold.stderr).toMatch(/Installing the LangGraph API server 1\.5\.1 into .*cache\/server-1\.5\.1 \(4 packages/);
    expect(cold.stderr).toMatch(/Installed the LangGraph API server 1\.5\.1: \d+ MB in /);
    // Warm: no install, and no registry reachable at all.
    const second = Date.now();
    const warm = await npx(["--local", "--only", "thread-run", "--report-dir", "warm"], { LGWC_CACHE_DIR: cache, npm_config_registry: "http://127.0.0.1:9/", npm_config_offline: "true" }, 120_000);
    const warmMs = Date.now() - second;
    expect(warm.code, warm.stderr).toBe(0);
    expect(warm.stderr).not.toMatch(/Installing/);
    // The figures for the note: the first start includes the install.
    console.log(`--local from the packed package: first run ${(coldMs / 1000).toFixed(1)} s (install included), second ${(warmMs / 1000).toFixed(1)} s`);
  });

  it("install-server ahead of time, and an install that fails leaves nothing behind and says how to retry", { timeout: 120_000 }, async () => {
    const cache = join(folder, "cache-failing");
    // Offline, with an empty npm cache: npm cannot get a single package.
    const failed = await npx(["install-server"], { LGWC_CACHE_DIR: cache, npm_config_offline: "true", npm_config_cache: join(folder, "empty-npm-cache") }, 100_000);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/Installing the LangGraph API server 1\.5\.1 failed \(.*\); nothing was left half-installed\. Check the network to the npm registry and run `lg-webhook-conformance install-server` again\./);
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(cache)).toEqual([]);
  });
});
