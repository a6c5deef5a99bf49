/**
 * Review 30b (hostile review). Each test asserts the correct behaviour and fails on the code reviewed (42458d0).
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boundedRun, runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), "lgwc-r30b-"));

describe("review 30b finding 1: a merged certificate's leftovers name only the first share's run tag for cleanup", () => {
  it("each share's leftovers come with a cleanup command that removes them (its own --run tag)", { timeout: 120_000 }, async () => {
    const target = await startTestTarget({ faults: ["delete-keeps"], cronIntervalMs: 600_000 });
    const base = await tmp();
    const common = ["--target", target.url, "--settle-ms", "300", "--timeout-ms", "5000", "--workers", "1", "--only", "thread-run,stateless-run"];
    try {
      const one = await runCli([...common, "--shard", "1/2", "--report-dir", join(base, "s1")]);
      const two = await runCli([...common, "--shard", "2/2", "--report-dir", join(base, "s2")]);
      expect(one.stderr).toMatch(/still there when read back/);
      expect(two.stderr).toMatch(/still there when read back/);
    } finally {
      await target.close();
    }
    const tags = await Promise.all(["s1", "s2"].map(async (s) => (JSON.parse(await readFile(join(base, s, "certification.json"), "utf8")) as { runTag: string }).runTag));
    expect(tags[0]).not.toBe(tags[1]);
    const merged = await runCli(["merge", join(base, "s1"), join(base, "s2"), "--report-dir", join(base, "all")]);
    expect([0, 1]).toContain(merged.code);
    const md = await readFile(join(base, "all", "certification.md"), "utf8");
    const html = await readFile(join(base, "all", "certification.html"), "utf8");
    // The second share's leftovers carry the second share's tag, which `cleanup --run` needs to find them.
    for (const tag of tags) {
      expect(md).toContain(`--run ${tag}`);
      expect(html).toContain(`--run ${tag}`);
    }
  });
});

/** Two intact shares of one --shard 1/2 split, and an Ed25519 key to sign their merge with. */
async function twoShares(): Promise<{ base: string; key: string }> {
  const target = await startTestTarget();
  const base = await tmp();
  const common = ["--target", target.url, "--settle-ms", "300", "--timeout-ms", "5000", "--workers", "1", "--only", "thread-run,stateless-run"];
  try {
    await runCli([...common, "--shard", "1/2", "--report-dir", join(base, "s1")]);
    await runCli([...common, "--shard", "2/2", "--report-dir", join(base, "s2")]);
  } finally {
    await target.close();
  }
  const key = join(base, "key.pem");
  execFileSync("openssl", ["genpkey", "-algorithm", "ed25519", "-out", key]);
  return { base, key };
}

describe("review 30b finding 2: merge --trust-key and verify read a pipe or device the way 29b fixed for --ca/--sign-key: Ctrl-C ignored, or abort 134", () => {
  it("merge --trust-key FIFO nobody writes: reads as empty (exit 2 at once), or at least Ctrl-C ends it", { timeout: 120_000 }, async () => {
    const { base, key } = await twoShares();
    const fifo = join(base, "fifo");
    execFileSync("mkfifo", [fifo]);
    const run = await boundedRun(["merge", join(base, "s1"), join(base, "s2"), "--report-dir", join(base, "m1"), "--sign-key", key, "--trust-key", fifo], { killAtMs: 15_000, maxRssMb: 512 });
    expect(run.code, run.stderr).not.toBe("killed");
    expect(run.code).toBe(2);
  });

  it("merge --trust-key /dev/zero: refused as a device, exit 2 (not std::bad_alloc, exit 134)", { timeout: 120_000 }, async () => {
    const { base, key } = await twoShares();
    const run = await boundedRun(["merge", join(base, "s1"), join(base, "s2"), "--report-dir", join(base, "m2"), "--sign-key", key, "--trust-key", "/dev/zero"], { killAtMs: 30_000, maxRssMb: 512 });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).not.toMatch(/bad_alloc/);
  });

  it("verify --public-key FIFO nobody writes: reads as empty, exit 2 with no signal needed", { timeout: 120_000 }, async () => {
    const { base } = await twoShares();
    const fifo = join(base, "fifo");
    execFileSync("mkfifo", [fifo]);
    const run = await boundedRun(["verify", join(base, "s1", "certification.json"), "--public-key", fifo], { killAtMs: 15_000, maxRssMb: 512 });
    expect(run.code, run.stderr).toBe(2);
  });
});

describe("review 30b finding 3: a thread the cleanup could not delete is listed in leftOnTarget once per attempt", () => {
  it("each item left is one line of the certificate", { timeout: 120_000 }, async () => {
    const target = await startTestTarget({ faults: ["delete-keeps"], cronIntervalMs: 600_000 });
    const dir = await tmp();
    try {
      await runCli(["--target", target.url, "--only", "thread-run", "--report-dir", dir, "--settle-ms", "300", "--timeout-ms", "5000"]);
    } finally {
      await target.close();
    }
    const cert = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as { leftOnTarget?: string[] };
    expect(cert.leftOnTarget?.length).toBeGreaterThan(0);
    expect(new Set(cert.leftOnTarget).size).toBe(cert.leftOnTarget!.length);
  });
});

describe("review 30b finding 4: read-flag-file says a pipe with no writer reads as empty at once; it waits for ever (a CI job hangs)", () => {
  it("--ca FIFO nobody ever opens for writing: exit 2 with no signal needed", { timeout: 60_000 }, async () => {
    const dir = await tmp();
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const run = await boundedRun(["--target", "http://127.0.0.1:9", "--ca", fifo, "--preflight-only", "--report-dir", join(dir, "r")], { killAtMs: 15_000, maxRssMb: 512 });
    expect(run.code, run.stderr).toBe(2);
  });
});
