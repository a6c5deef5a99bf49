import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, startCliUntil } from "./helpers/cli.js";
import { certifyTestTarget } from "./helpers/certify.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import type { Certification } from "../src/report/certification.js";

let base: string;
let share: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "lgwc-small-"));
  share = join(base, "share");
  const target = await startTestTarget({ cronIntervalMs: 600_000 });
  try {
    const run = await runCli(["--target", target.url, "--only", "thread-run", "--settle-ms", "300", "--shard", "1/1", "--report-dir", share]);
    expect(run.code, run.stderr).toBe(0);
  } finally {
    await target.close();
  }
}, 60_000);
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const QUICK = ["--settle-ms", "300", "--timeout-ms", "3000"];

describe("merge takes only intact shares and usable keys (exit 2, one sentence)", () => {
  it("refuses a share edited after it was written, instead of sealing it as intact", async () => {
    const dir = join(base, "edited");
    const copy = await runCli(["merge", share, "--report-dir", dir]);
    expect(copy.code, copy.stderr).toBe(0);
    const edited = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as Certification;
    edited.verdict = "non-conformant";
    await writeFile(join(dir, "certification.json"), JSON.stringify(edited));
    const run = await runCli(["merge", dir, "--report-dir", join(base, "out-edited")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/certification\.json is not intact \(its content changed after it was written .*\), so it cannot be merged/);
  }, 60_000);

  it("refuses a share that gives a key twice, the forged value first (review 17)", async () => {
    const dir = join(base, "twice");
    const copy = await runCli(["merge", share, "--report-dir", dir]);
    expect(copy.code, copy.stderr).toBe(0);
    const text = await readFile(join(dir, "certification.json"), "utf8");
    await writeFile(join(dir, "certification.json"), text.replace(/^\{/, '{"verdict":"non-conformant",'));
    const run = await runCli(["merge", dir, "--report-dir", join(base, "out-twice")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is not intact \(it gives the key "verdict" twice in one object, which the suite never writes, so readers may disagree on what it says\), so it cannot be merged/);
  }, 60_000);

  it("refuses a share that is not a certification ({})", async () => {
    const dir = join(base, "empty");
    await runCli(["merge", share, "--report-dir", dir]);
    await writeFile(join(dir, "certification.json"), "{}");
    const run = await runCli(["merge", dir, "--report-dir", join(base, "out-empty")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is not intact \(it has no integrity field, so nothing vouches for it\)/);
  });

  it("refuses an RSA key, a missing key, and an output path that is a file", async () => {
    const rsa = join(base, "rsa.pem");
    await writeFile(rsa, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    const withRsa = await runCli(["merge", share, "--report-dir", join(base, "out-rsa"), "--sign-key", rsa]);
    expect(withRsa.code).toBe(2);
    expect(withRsa.stderr).toMatch(/--sign-key .*rsa\.pem is a rsa key; certification reports are signed with Ed25519/);
    const missing = await runCli(["merge", share, "--report-dir", join(base, "out-missing"), "--sign-key", join(base, "nope.pem")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read --sign-key .*nope\.pem/);
    const file = join(base, "a-file");
    await writeFile(file, "x");
    const onFile = await runCli(["merge", share, "--report-dir", file]);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toMatch(/Cannot use the report folder .*a-file: .* exists and is not a folder; pass a writable --report-dir/);
  });
});

describe("a run the suite cannot identify, or whose end it never saw", () => {
  it("a create answer without run_id or Content-Location fails run-identity instead of passing", { timeout: 60_000 }, async () => {
    const { cert, code } = await certifyTestTarget(["anonymous-runs"], ["--only", "thread-run,stateless-run", ...QUICK]);
    expect(code).toBe(1);
    for (const id of ["thread-run", "stateless-run"]) {
      const identity = cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === "run-identity")!;
      expect(identity).toMatchObject({ outcome: "failed", received: expect.stringMatching(/the create call's answer named no run_id/) as string });
    }
  });

  it("a stream that never closes is not taken as the run's end", { timeout: 60_000 }, async () => {
    const { cert } = await certifyTestTarget(["endless-stream", "no-delivery-for=threads.runs.stream"], ["--only", "thread-run-stream", ...QUICK]);
    const delivered = cert.cases[0]!.checks.find((k) => k.name === "delivered")!;
    expect(delivered.outcome).toBe("failed");
    expect(delivered.message).toMatch(/the suite never saw the run reach a terminal state/);
    expect(cert.cases[0]!.runs[0]!.timings.createdToTerminalMs).toBeUndefined();
  });
});

describe("flags and interruptions", () => {
  it("--settle-ms -1 names the flag and its range", async () => {
    const run = await runCli(["--target", "http://127.0.0.1:1", "--settle-ms", "-1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--settle-ms takes a whole number, not "-1"/);
  });

  it("a second Ctrl-C during a slow cleanup exits at once, and the folder still says there is no verdict (review 10)", { timeout: 60_000 }, async () => {
    // Every call takes 1.5 s, so the cleanup after the first Ctrl-C is still going when the second comes.
    const target = await startTestTarget({ cronIntervalMs: 600_000, latencyMs: 1_500 });
    const dir = join(base, "twice");
    try {
      const cli = await startCliUntil(["--target", target.url, "--only", "thread-run", "--settle-ms", "30000", "--report-dir", dir], (err) => /Running 1 case/.test(err));
      process.kill(cli.pid, "SIGINT");
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (/stopping the run and cleaning up/.test(cli.stderr())) {
            clearInterval(poll);
            resolve();
          }
        }, 20);
      });
      // A second signal within a second is the same stop sent twice (timeout, a terminal's process group): the impatient one comes later.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(await cli.stop("SIGINT")).toBe(130);
      expect(cli.stderr()).toMatch(/Received SIGINT again: exiting now/);
      expect(JSON.parse(await readFile(join(dir, "certification.json"), "utf8"))).toMatchObject({ verdict: null, exitCode: 130, reason: expect.stringMatching(/then SIGINT again/) as string });
      expect(await readFile(join(dir, "badge.svg"), "utf8")).toContain("no verdict");
      await expect(access(join(dir, "junit.xml"))).rejects.toThrow();
    } finally {
      await target.close();
    }
  });

  it("one stop delivered twice at once (as timeout does) is one graceful stop: the cleanup runs (review of issue 21)", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const dir = join(base, "twice-at-once");
    try {
      const cli = await startCliUntil(["--target", target.url, "--only", "thread-run", "--settle-ms", "30000", "--report-dir", dir], (err) => /Running 1 case/.test(err));
      process.kill(cli.pid, "SIGTERM");
      expect(await cli.stop("SIGTERM")).toBe(143);
      expect(cli.stderr()).not.toMatch(/Received SIGTERM again/);
      expect(target.threads().filter((t) => "lg_webhook_conformance" in ((t.metadata as Record<string, unknown> | undefined) ?? {}))).toEqual([]);
      expect(JSON.parse(await readFile(join(dir, "certification.json"), "utf8"))).toMatchObject({ verdict: null, exitCode: 143 });
    } finally {
      await target.close();
    }
  });

  it("an interrupted run writes no verdict, only that there is none: its unfinished cases are not findings", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const dir = join(base, "interrupted");
    try {
      // Playwright is running, so its reporter would write a verdict on the way out.
      const cli = await startCliUntil(["--target", target.url, "--only", "thread-run", "--settle-ms", "30000", "--report-dir", dir], (err) => /Running 1 case/.test(err));
      expect(await cli.stop("SIGINT")).toBe(130);
      expect(JSON.parse(await readFile(join(dir, "certification.json"), "utf8"))).toMatchObject({ verdict: null, exitCode: 130 });
      expect(await readFile(join(dir, "badge.svg"), "utf8")).toContain("no verdict");
      await expect(access(join(dir, "junit.xml"))).rejects.toThrow();
    } finally {
      await target.close();
    }
  });
});
