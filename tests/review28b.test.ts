/**
 * Review 28b (hostile review). Each test asserts the correct behaviour and fails on the code reviewed.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), "lgwc-r28b-"));

describe("review 28b finding 1: cleanup cannot reach a private-CA https target the run itself certified", () => {
  it("cleanup takes --ca as the run does, so the command every leftover message prints can be obeyed", { timeout: 60_000 }, async () => {
    const dir = await tmp();
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const target = await startTestTarget({ tls: { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") } });
    try {
      // The run reaches it with --ca ...
      const run = await runCli(["--target", target.url, "--ca", cert, "--preflight-only", "--no-canary", "--report-dir", join(dir, "r")]);
      expect(run.code, run.stderr).toBe(0);
      // ... and so must the cleanup of what such a run leaves.
      const cleanup = await runCli(["cleanup", "--target", target.url, "--ca", cert]);
      expect(cleanup.stderr).not.toMatch(/Unknown option '--ca'/);
      expect(cleanup.code, cleanup.stderr).toBe(0);
      expect(cleanup.stdout).toMatch(/Removed 0 cron\(s\) and 0 thread\(s\)/);
      // Without it, the hint must not name a flag that cleanup refuses.
      const bare = await runCli(["cleanup", "--target", target.url]);
      expect(bare.code).toBe(3);
      if (/pass --ca FILE/.test(bare.stderr)) {
        const obeyed = await runCli(["cleanup", "--target", target.url, "--ca", cert]);
        expect(obeyed.code, obeyed.stderr).toBe(0);
      }
    } finally {
      await target.close();
    }
  });
});

describe("review 28b finding 2: a malformed proxy variable is reported as a bug in the suite (exit 4)", () => {
  for (const [name, value] of [
    ["HTTP_PROXY", "notaurl"],
    ["https_proxy", "http://[::1"],
    ["HTTP_PROXY", "http://127.0.0.1:99999"],
  ] as const) {
    it(`${name}=${value}: one sentence naming the variable, exit 2, not "internal error: Invalid URL" exit 4`, { timeout: 60_000 }, async () => {
      // Unset (a child ignores undefined), not empty: undici reads an empty http_proxy as "no proxy" before HTTP_PROXY.
      const env = { HTTP_PROXY: undefined, HTTPS_PROXY: undefined, http_proxy: undefined, https_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined, [name]: value };
      const run = await runCli(["--target", "http://127.0.0.1:9", "--preflight-only", "--report-dir", join(await tmp(), "r")], { env });
      expect(run.stderr).not.toMatch(/LGWC_INTERNAL|internal error/);
      expect(run.stderr).toMatch(new RegExp(name, "i"));
      expect(run.code).toBe(2);
      const cleanup = await runCli(["cleanup", "--target", "http://127.0.0.1:9"], { env });
      expect(cleanup.stderr).not.toMatch(/LGWC_INTERNAL|internal error/);
      expect(cleanup.code).toBe(2);
    });
  }
});
