/**
 * Review 29b (hostile review). Each test asserts the correct behaviour and fails on the code reviewed (97709c4).
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boundedRun, NO_PROXY_ENV, runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), "lgwc-r29b-"));

describe("review 29b finding 1: a proxy variable without a scheme (proxy.corp:3128, as curl accepts) is exit 4 'internal error'", () => {
  for (const [name, value] of [
    ["http_proxy", "proxy.corp:3128"],
    ["HTTPS_PROXY", "localhost:3128"],
    ["HTTP_PROXY", "file:///etc/passwd"],
  ] as const) {
    it(`${name}=${value}, even with the target in no_proxy: one sentence naming the variable, exit 2`, { timeout: 60_000 }, async () => {
      const target = await startTestTarget();
      try {
        const env = { ...NO_PROXY_ENV, [name]: value, no_proxy: "127.0.0.1,localhost", NO_PROXY: "127.0.0.1,localhost" };
        const run = await runCli(["--target", target.url, "--preflight-only", "--no-canary", "--report-dir", join(await tmp(), "r")], { env, timeoutMs: 30_000 });
        expect(run.stderr).not.toMatch(/LGWC_INTERNAL|internal error/);
        expect(run.stderr).toMatch(new RegExp(name, "i"));
        expect(run.code).toBe(2);
        const cleanup = await runCli(["cleanup", "--target", target.url], { env, timeoutMs: 30_000 });
        expect(cleanup.stderr).not.toMatch(/LGWC_INTERNAL|internal error/);
        expect(cleanup.code).toBe(2);
      } finally {
        await target.close();
      }
    });
  }
});

describe("review 29b finding 2: a file flag naming a pipe or a device hangs with Ctrl-C ignored, or eats memory until the process aborts", () => {
  for (const flag of ["--ca", "--sign-key", "--expect-failures"]) {
    it(`${flag} FIFO that is never written (--ca /dev/stdin at a terminal, <(a stalled command)): Ctrl-C still ends the run`, { timeout: 60_000 }, async () => {
      const dir = await tmp();
      const fifo = join(dir, "fifo");
      execFileSync("mkfifo", [fifo]);
      const run = await boundedRun(["--target", "http://127.0.0.1:9", flag, fifo, "--preflight-only", "--report-dir", join(dir, "r")], { sigintAtMs: 2_000, killAtMs: 15_000, maxRssMb: 512 });
      // readFileSync blocks the event loop: the SIGINT handler never runs, so nothing but SIGKILL ends it.
      expect(run.code, run.stderr).not.toBe("killed");
    });

    it(`${flag} /dev/zero: refused in one sentence (exit 2), not read into memory until the process aborts`, { timeout: 60_000 }, async () => {
      const dir = await tmp();
      const run = await boundedRun(["--target", "http://127.0.0.1:9", flag, "/dev/zero", "--preflight-only", "--report-dir", join(dir, "r")], { killAtMs: 15_000, maxRssMb: 512 });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(flag);
    });
  }

  it("cleanup --ca FIFO: Ctrl-C still ends it", { timeout: 60_000 }, async () => {
    const dir = await tmp();
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const run = await boundedRun(["cleanup", "--target", "http://127.0.0.1:9", "--ca", fifo], { sigintAtMs: 2_000, killAtMs: 15_000, maxRssMb: 512 });
    expect(run.code, run.stderr).not.toBe("killed");
  });
});

describe("review 29b finding 3: --ca holding a CERTIFICATE block that is not a certificate", () => {
  it("is named as a bad --ca, not 'pass --ca FILE' to a user who did", { timeout: 60_000 }, async () => {
    const dir = await tmp();
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const bad = join(dir, "bad.pem");
    execFileSync("sh", ["-c", `printf -- '-----BEGIN CERTIFICATE-----\\nnot base64!!\\n-----END CERTIFICATE-----\\n' > '${bad}'`]);
    const target = await startTestTarget({ tls: { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") } });
    try {
      const run = await runCli(["--target", target.url, "--ca", bad, "--preflight-only", "--no-canary", "--report-dir", join(dir, "r")], { env: NO_PROXY_ENV, timeoutMs: 30_000 });
      expect(run.stderr).not.toMatch(/pass --ca FILE/);
      expect(run.stderr).toMatch(/--ca/);
      expect(run.code).toBe(2);
    } finally {
      await target.close();
    }
  });
});
