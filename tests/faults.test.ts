import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import { TAG_KEY } from "../src/runtime.js";
import { CASE_IDS } from "../src/target/catalog.js";
import type { Certification } from "../src/report/certification.js";

const ALL = [...CASE_IDS];
const EXCEPT = (...ids: string[]): string[] => ALL.filter((id) => !ids.includes(id));
/** Settings that keep a row short: the test target fires crons every second. */
const FAST = ["--settle-ms", "1500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1"];

interface Row {
  fault: string;
  /** The cases the fault must make fail (every other case must pass). */
  cases: string[];
  /** The checks that must fail on each of those cases. */
  checks: string[];
  verdict?: "conformant" | "non-conformant";
}

/**
 * Each row: one fault, the cases it touches, the checks that must catch it. Together the rows
 * make every required check fail at least once; the baseline shows each passing.
 */
const TABLE: Row[] = [
  { fault: "no-delivery", cases: ALL, checks: ["delivered"] },
  { fault: "no-delivery-for=runs.wait", cases: ["stateless-run-wait"], checks: ["delivered"] },
  { fault: "no-delivery-for=threads.crons", cases: ["thread-cron"], checks: ["delivered"] },
  { fault: "no-delivery-batch-item=2", cases: ["stateless-batch"], checks: ["delivered"] },
  { fault: "duplicate", cases: ALL, checks: ["exactly-once"] },
  { fault: "duplicate-delayed", cases: ALL, checks: ["exactly-once"] },
  { fault: "early-delivery", cases: ALL, checks: ["terminal-status"] },
  { fault: "drop-token", cases: ALL, checks: ["token-preserved"] },
  { fault: "change-token", cases: ALL, checks: ["token-preserved"] },
  { fault: "reencode-query", cases: ALL, checks: ["token-preserved"] },
  { fault: "change-path", cases: ALL, checks: ["token-preserved"] },
  { fault: "method-put", cases: ALL, checks: ["post-method"] },
  { fault: "non-json-body", cases: ALL, checks: ["json-body"] },
  { fault: "wrong-content-type", cases: [], checks: [], verdict: "conformant" },
  { fault: "missing-field", cases: ALL, checks: ["run-schema"] },
  { fault: "wrong-type", cases: ALL, checks: ["run-schema"] },
  { fault: "bad-enum", cases: ALL, checks: ["run-schema"] },
  { fault: "bad-uuid", cases: ALL, checks: ["run-schema", "run-identity"] },
  { fault: "bad-date", cases: ALL, checks: ["run-schema"] },
  { fault: "other-run-id", cases: ALL, checks: ["run-identity"] },
  { fault: "other-thread-id", cases: ALL, checks: ["run-identity"] },
  { fault: "other-assistant-id", cases: ALL, checks: ["run-identity"] },
  // The default stateless run cannot be read back, so the mismatch goes unseen there.
  { fault: "status-mismatch", cases: EXCEPT("stateless-run-default"), checks: ["status-matches-api"] },
  { fault: "stray", cases: ["unexpected-deliveries"], checks: ["exactly-once"] },
];

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function certify(faults: string[]): Promise<{ code: number | null; cert: Certification; leftovers: number; stderr: string }> {
  const target = await startTestTarget({ faults, cronIntervalMs: 1_000 });
  const reportDir = await mkdtemp(join(tmpdir(), "lgwc-fault-"));
  dirs.push(reportDir);
  try {
    const run = await runCli(["--target", target.url, "--report-dir", reportDir, ...FAST]);
    const text = await readFile(join(reportDir, "certification.json"), "utf8").catch(() => {
      throw new Error(`no certification.json (exit ${run.code}); stderr:\n${run.stderr}`);
    });
    const leftovers =
      target.threads().filter((t) => TAG_KEY in ((t.metadata as Record<string, unknown> | undefined) ?? {})).length +
      target.crons().length;
    return { code: run.code, cert: JSON.parse(text) as Certification, leftovers, stderr: run.stderr };
  } finally {
    await target.close();
  }
}

describe("the fault-free test target is certified conformant", () => {
  it("every case of all ten operations passes, crons included, and nothing is left behind", { timeout: 90_000 }, async () => {
    const { code, cert, leftovers, stderr } = await certify([]);
    expect(code, stderr).toBe(0);
    expect(cert.verdict).toBe("conformant");
    expect(cert.cases.map((c) => `${c.id}:${c.outcome}`)).toEqual(ALL.map((id) => `${id}:passed`));
    for (const c of cert.cases) {
      expect(c.checks.filter((k) => k.outcome !== "passed").map((k) => `${c.id}/${k.name}:${k.outcome}`)).toEqual(
        c.id === "stateless-run-default" ? ["stateless-run-default/status-matches-api:skipped"] : [],
      );
    }
    expect(leftovers).toBe(0);
    expect(stderr).toMatch(/\[thread-cron\] waiting up to 5 s for the first run of cron [0-9a-f-]+ \(schedule "\* \* \* \* \*"\) to fire and deliver/);
  });
});

describe.concurrent("each fault fails exactly the checks that must catch it", () => {
  for (const row of TABLE) {
    it(row.fault, { timeout: 90_000 }, async () => {
      const { code, cert, leftovers, stderr } = await certify([row.fault]);
      const verdict = row.verdict ?? "non-conformant";
      expect(cert.verdict, stderr).toBe(verdict);
      expect(code).toBe(verdict === "conformant" ? 0 : 1);
      const failedCases = cert.cases.filter((c) => c.outcome === "failed").map((c) => c.id);
      expect(failedCases.sort()).toEqual([...row.cases].sort());
      for (const id of row.cases) {
        const c = cert.cases.find((k) => k.id === id)!;
        const failed = c.checks.filter((k) => k.outcome === "failed").map((k) => k.name);
        for (const check of row.checks) expect(failed, `${row.fault}: ${id}`).toContain(check);
      }
      expect(leftovers).toBe(0);
    });
  }
});

describe("the table", () => {
  it("makes every required check fail at least once", async () => {
    const { CHECKS } = await import("../src/checks/index.js");
    const caught = new Set(TABLE.flatMap((r) => r.checks));
    expect(CHECKS.filter((c) => c.severity === "required").map((c) => c.name).filter((n) => !caught.has(n))).toEqual([]);
  });
});
