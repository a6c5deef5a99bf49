import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestTarget } from "../fixtures/test-target/server.js";
import { certifyTestTarget } from "./helpers/certify.js";
import { runCli, startCliUntil } from "./helpers/cli.js";
import { SUITE_MARK } from "../src/api/cleanup.js";

/**
 * The evidence model against the test target: what the suite waits for, for how long, and what
 * it makes of evidence that is late, missing or could not be gathered.
 */
const FAST = ["--settle-ms", "1000", "--workers", "1", "--no-canary"];
/**
 * The cases where timing decides: a double-text, a cancel, a stream, a pending cancel (the
 * fault-free baseline of tests/faults.test.ts runs every case without latency).
 */
const TIMING_CASES = ["thread-multitask-interrupt", "thread-run-cancel-interrupt", "thread-run-stream", "thread-run-cancel-pending"];

const outcomes = (cases: { id: string; outcome: string }[]): string[] => cases.map((c) => `${c.id}:${c.outcome}`).sort();

describe.concurrent("a correct but slow target is certified, not accused", () => {
  for (const latencyMs of [300, 1_500]) {
    it(`${latencyMs} ms on every API call`, { timeout: 240_000 }, async () => {
      const { code, cert, stderr, leftovers } = await certifyTestTarget([], [...FAST, "--only", TIMING_CASES.join(",")], { latencyMs }, 230_000);
      expect(outcomes(cert.cases), stderr).toEqual(TIMING_CASES.map((id) => `${id}:passed`).sort());
      expect(code).toBe(0);
      // The windows grew with the latency the preflight measured, and the report says so.
      expect(stderr).toMatch(/target latency \d+ ms per call/);
      expect(cert.windows?.latencyMs ?? 0).toBeGreaterThanOrEqual(latencyMs);
      expect(leftovers).toBe(0);
    });
  }
  it("2500 ms on the run endpoints only, where /info answers at once", { timeout: 240_000 }, async () => {
    // Before the preflight timed a call on threads, this latency made the double-text fail: its first run ended unseen.
    const cases = ["thread-multitask-interrupt"];
    const { code, cert, stderr } = await certifyTestTarget([], [...FAST, "--only", cases.join(",")], { runLatencyMs: 2_500 }, 230_000);
    expect(outcomes(cert.cases), stderr).toEqual(cases.map((id) => `${id}:passed`).sort());
    expect(code).toBe(0);
  });
});

describe.concurrent("evidence that comes late, or cannot be gathered", () => {
  it("a webhook that comes after the deadline is attached at the end and fails delivered as late", { timeout: 120_000 }, async () => {
    const { code, cert } = await certifyTestTarget(["late-delivery=5000"], [...FAST, "--timeout-ms", "1000", "--settle-ms", "6000", "--only", "thread-run"]);
    expect(code).toBe(1);
    const delivered = cert.cases[0]!.checks.find((k) => k.name === "delivered")!;
    expect(delivered).toMatchObject({ outcome: "failed", message: expect.stringMatching(/came late: \d+ ms after the \d+ ms the suite waited/) as string });
  });

  it("a duplicate that comes after the settle window is still counted, as late", { timeout: 120_000 }, async () => {
    const { code, cert } = await certifyTestTarget(["duplicate-after=2000"], [...FAST, "--only", "thread-run"]);
    expect(code).toBe(1);
    const once = cert.cases[0]!.checks.find((k) => k.name === "exactly-once")!;
    expect(once).toMatchObject({ outcome: "failed", received: expect.stringMatching(/late: after the settle window/) as string });
  });

  it("a run whose status the API cannot show is inconclusive, not passed, and the run is not conformant", { timeout: 120_000 }, async () => {
    const { code, cert } = await certifyTestTarget(["runs-unreadable"], [...FAST, "--timeout-ms", "3000", "--only", "thread-run,thread-run-cancel-interrupt"]);
    expect(code).toBe(1);
    expect(cert.verdict).toBe("inconclusive");
    expect(outcomes(cert.cases)).toEqual(["thread-run-cancel-interrupt:inconclusive", "thread-run:inconclusive"]);
    // A cancel case that never got to see its run running cannot judge anything: not the target's failure.
    expect(cert.cases.find((c) => c.id === "thread-run-cancel-interrupt")!.reason).toMatch(/was never seen running within \d+ ms \(reading it answered HTTP 503\)/);
    const status = cert.cases.find((c) => c.id === "thread-run")!.checks.find((k) => k.name === "status-matches-api")!;
    expect(status).toMatchObject({ outcome: "inconclusive", message: expect.stringMatching(/could not be read back.*503/) as string });
    // Load mode judges the same way.
    const load = await certifyTestTarget(["runs-unreadable"], [...FAST, "--only", "thread-run", "--repeat", "2"]);
    expect(load.code).toBe(1);
    expect(load.cert.verdict).toBe("inconclusive");
    expect(load.cert.cases[0]).toMatchObject({ outcome: "inconclusive", reason: expect.stringMatching(/^repetition 1: /) as string });
  });

  it("a certificate of some cases says partial, with the reason, and a run of none is not conformant", { timeout: 120_000 }, async () => {
    const { code, cert, stdout, stderr, reportDir } = await certifyTestTarget([], [...FAST, "--only", "thread-run"]);
    expect(code).toBe(0);
    const junit = await readFile(join(reportDir, "junit.xml"), "utf8");
    expect(junit).toContain('<property name="certificate.verdict" value="conformant (partial)"/>');
    expect(junit).toContain('<property name="certificate.scope" value="partial"/>');
    expect(cert.scope).toMatchObject({ complete: false, reasons: [expect.stringMatching(/40 of the profile's 41 cases were not selected/) as string] });
    expect(`${stdout}${stderr}`).toMatch(/Verdict: conformant \(partial\)/);
    // Fields left out by --allowed-fields leave their checks unjudged: partial, whatever else ran.
    const narrow = await certifyTestTarget(["status-mismatch"], [...FAST, "--only", "thread-run", "--allowed-fields", "run_id"]);
    expect(narrow.cert.scope.reasons).toContainEqual(expect.stringMatching(/carry only run_id \(--allowed-fields\), so the checks of every other field were not judged/));
    const gate = await certifyTestTarget([], [...FAST, "--only", "thread-run", "--require-complete"]);
    expect(gate.code).toBe(1);
    expect(gate.stderr).toMatch(/--require-complete: the certificate is partial/);
  });

  it("a target that hides which graph an assistant runs is probed, so its outcome cases still run and still fail", { timeout: 120_000 }, async () => {
    const only = ["thread-run-error", "thread-run-cancel-interrupt"];
    const honest = await certifyTestTarget([], [...FAST, "--only", only.join(",")], { hideGraphId: true });
    expect(outcomes(honest.cert.cases), honest.stderr).toEqual(only.map((id) => `${id}:passed`).sort());
    expect(honest.stderr).toMatch(/a run without a webhook shows it is the conformance graph/);
    const faulty = await certifyTestTarget(["no-error-field", "cancel-as-success"], [...FAST, "--only", only.join(",")], { hideGraphId: true });
    expect(faulty.code).toBe(1);
    expect(outcomes(faulty.cert.cases)).toEqual(only.map((id) => `${id}:failed`).sort());
    // A probe that fails says nothing about the graph: the run stops (exit 3) rather than skip the outcome cases.
    const target = await startTestTarget({ hideGraphId: true, faults: ["error-for=runs.wait"] });
    try {
      const run = await runCli(["--target", target.url, ...FAST, "--only", only.join(","), "--report-dir", join(tmpdir(), `lgwc-probe-${process.pid}`)]);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(/a run to find out failed twice \(POST \/runs\/wait: HTTP 500\)/);
    } finally {
      await target.close();
    }
  });
});

describe("a compatible server without GET /info", () => {
  it("is certified all the same, with a warning, its cron cases tried, and the reports saying so", { timeout: 120_000 }, async () => {
    const only = ["thread-run", "thread-cron"];
    const { code, cert, stderr, reportDir } = await certifyTestTarget([], [...FAST, "--only", only.join(",")], { noInfo: true });
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/Warning: http:\/\/127\.0\.0\.1:\d+ has no GET \/info, but its API answers; .*the cron cases are tried/);
    expect(outcomes(cert.cases)).toEqual(only.map((id) => `${id}:passed`).sort());
    expect(cert.target.info).toBeNull();
    expect(await readFile(join(reportDir, "certification.md"), "utf8")).toContain("- Target reports: nothing: it has no GET /info");
  });
});

describe("Ctrl-C while creates are in flight", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("waits for them, removes what they made, and leaves nothing on the target", { timeout: 120_000 }, async () => {
    const target = await startTestTarget({ latencyMs: 1_500, cronIntervalMs: 600_000 });
    const dir = await mkdtemp(join(tmpdir(), "lgwc-inflight-"));
    dirs.push(dir);
    const key = Object.keys(SUITE_MARK)[0]!;
    const marked = (): number => target.threads().filter((t) => key in ((t.metadata as Record<string, unknown> | undefined) ?? {})).length;
    try {
      const cli = await startCliUntil(["--target", target.url, ...FAST, "--only", "thread-run,thread-run-error", "--report-dir", dir], (err) => /Certifying/.test(err));
      // A thread create has reached the target and is still held by its latency: the suite does not know its id yet.
      const deadline = Date.now() + 30_000;
      while (!target.arrivals().includes("POST /threads") || marked() > 0) {
        if (Date.now() > deadline) throw new Error(`no create was ever in flight; stderr:\n${cli.stderr()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await cli.stop("SIGINT"), cli.stderr()).toBe(130);
      expect(marked(), cli.stderr()).toBe(0);
      expect(target.arrivals().filter((a) => a.startsWith("DELETE /threads/")).length).toBeGreaterThan(0);
    } finally {
      await target.close();
    }
  });
});
