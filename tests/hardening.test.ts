import { describe, expect, it } from "vitest";
import { certifyTestTarget } from "./helpers/certify.js";
import { caseIdsOf } from "../src/cases/catalog.js";
import { CHECKS } from "../src/checks/index.js";

const PROBES = caseIdsOf("hardening");
const INVALID = ["hardening-webhook-not-a-url", "hardening-webhook-scheme", "hardening-webhook-empty", "hardening-webhook-too-long"];
const FAST = ["--profile", "hardening", "--settle-ms", "1500", "--timeout-ms", "5000", "--workers", "1", "--no-canary"];

interface Row {
  fault: string;
  only: string[];
  /** Cases that must fail, each with these checks failing. */
  fails?: { cases: string[]; checks: string[] };
  /** Cases that must be skipped, with words from the reason. */
  skips?: { cases: string[]; reason: RegExp };
  /** A recommended check that must fail (a warning) on these cases. */
  warns?: { check: string; cases: string[] };
}

/** Each fault of the test target that a hardening probe exists to catch. */
const TABLE: Row[] = [
  { fault: "accept-invalid-webhooks", only: PROBES.filter((id) => id.startsWith("hardening-webhook-")), fails: { cases: INVALID, checks: ["refused-at-create"] } },
  // A server whose run workers die with a delivery that throws, or wait for one that hangs, stops running runs.
  { fault: "deliver-in-worker", only: ["hardening-survives-refused"], fails: { cases: ["hardening-survives-refused"], checks: ["delivered"] } },
  { fault: "deliver-in-worker", only: ["hardening-survives-hangs"], fails: { cases: ["hardening-survives-hangs"], checks: ["delivered"] } },
  { fault: "deliver-in-worker", only: ["hardening-survives-unresolvable"], fails: { cases: ["hardening-survives-unresolvable"], checks: ["delivered"] } },
  // An HTTP 500 does not throw, so the same server survives it (and does not retry).
  { fault: "deliver-in-worker", only: ["hardening-survives-http-500"], warns: { check: "retried", cases: ["hardening-survives-http-500"] } },
  // Probes that run alone share a --target: once one has broken it, the next ones say so instead of blaming their own failure mode.
  {
    fault: "deliver-in-worker",
    only: PROBES.filter((id) => id.startsWith("hardening-survives-")),
    fails: { cases: ["hardening-survives-refused"], checks: ["delivered"] },
    skips: { cases: ["hardening-survives-http-500", "hardening-survives-hangs", "hardening-survives-unresolvable"], reason: /was not delivering to begin with/ },
  },
  { fault: "no-retry", only: ["hardening-retry-after-500", "hardening-retry-after-hang"], warns: { check: "retried", cases: ["hardening-retry-after-500", "hardening-retry-after-hang"] } },
  { fault: "retry-storm", only: ["hardening-retry-after-500", "hardening-survives-http-500"], warns: { check: "retries-bounded", cases: ["hardening-retry-after-500", "hardening-survives-http-500"] } },
  { fault: "retry-after-2xx", only: ["hardening-retry-after-500"], fails: { cases: ["hardening-retry-after-500"], checks: ["exactly-once"] } },
];

describe("the hardening probes on the fault-free test target", () => {
  it("every probe passes, every hardening check passes somewhere, the disruption is announced, nothing is left", { timeout: 180_000 }, async () => {
    const { code, cert, leftovers, stderr } = await certifyTestTarget([], FAST, {}, 170_000);
    expect(code, stderr).toBe(0);
    expect(cert.profile).toBe("hardening");
    expect(cert.cases.map((c) => `${c.id}:${c.outcome}`)).toEqual(PROBES.map((id) => `${id}:passed`));
    expect(cert.cases.flatMap((c) => c.checks.filter((k) => k.outcome === "failed").map((k) => `${c.id}/${k.name}`))).toEqual([]);
    const passed = new Set(cert.cases.flatMap((c) => c.checks.filter((k) => k.outcome === "passed").map((k) => k.name)));
    expect(CHECKS.filter((c) => c.profile === "hardening" && !passed.has(c.name)).map((c) => c.name)).toEqual([]);
    expect(stderr).toMatch(/Profile hardening: .* may stall or crash the target/);
    // The test target retries after HTTP 500 (in 250 ms) and after its 2 s attempt timeout: the probes report how.
    const gap = (id: string, first: string): number => {
      const attempts = cert.cases.find((c) => c.id === id)!.runs[0]!.attempts ?? "";
      const match = new RegExp(`^2 request\\(s\\): \\+0 ms → ${first.replace(/[()]/g, "\\$&")}, \\+(\\d+) ms → 204$`).exec(attempts);
      expect(match, attempts).not.toBeNull();
      return Number(match![1]);
    };
    expect(gap("hardening-retry-after-500", "500")).toBeGreaterThanOrEqual(250);
    // The target gives up after 2 s from sending; the sink sees the first request after that clock started, and on a
    // loaded machine well after (1.39 s was measured once under a CI run and two reviews at once): half of it, at least.
    expect(gap("hardening-retry-after-hang", "(no answer)")).toBeGreaterThanOrEqual(1_000);
    expect(leftovers).toBe(0);
  });
});

describe.concurrent("each fault of the test target is caught by its probe", () => {
  for (const row of TABLE) {
    it(`${row.fault}: ${row.only.map((id) => id.replace("hardening-", "")).join(", ")}`, { timeout: 180_000 }, async () => {
      const { code, cert, leftovers, stderr } = await certifyTestTarget([row.fault], [...FAST, "--only", row.only.join(",")], {}, 170_000);
      const failing = row.fails?.cases ?? [];
      expect(code, stderr).toBe(failing.length > 0 ? 1 : 0);
      const outcome = (id: string): string => (failing.includes(id) ? "failed" : row.skips?.cases.includes(id) ? "skipped" : "passed");
      expect(cert.cases.map((c) => `${c.id}:${c.outcome}`)).toEqual(row.only.map((id) => `${id}:${outcome(id)}`));
      for (const id of failing) {
        const failed = cert.cases.find((c) => c.id === id)!.checks.filter((k) => k.outcome === "failed" && k.severity === "required").map((k) => k.name);
        expect(failed, id).toEqual(row.fails!.checks);
      }
      for (const id of row.skips?.cases ?? []) expect(cert.cases.find((c) => c.id === id)!.reason).toMatch(row.skips!.reason);
      for (const id of row.warns?.cases ?? []) {
        const check = cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === row.warns!.check);
        expect(`${id}: ${check?.outcome} ${check?.severity}`).toBe(`${id}: failed recommended`);
      }
      expect(leftovers).toBe(0);
    });
  }

  it("a deployment whose webhook policy refuses the failing URL gets a skip that says so, not a failure (and a run of nothing else is inconclusive)", { timeout: 120_000 }, async () => {
    const { code, cert, stderr } = await certifyTestTarget([], [...FAST, "--only", "hardening-survives-unresolvable"], { refuseWebhookHosts: ["lgwc-unresolvable.invalid"] });
    // The only case selected did not run, so nothing was certified: inconclusive (exit 1), not a pass.
    expect(code, stderr).toBe(1);
    expect(cert.verdict).toBe("inconclusive");
    expect(cert.cases[0]).toMatchObject({ id: "hardening-survives-unresolvable", outcome: "skipped" });
    expect(cert.cases[0]!.reason).toMatch(/refused a webhook where the receiver's host name cannot be resolved \(POST \/threads\/[0-9a-f-]+\/runs answered HTTP 422: .*allow list/);
  });

  it("the table makes every hardening check fail at least once", () => {
    const caught = new Set(TABLE.flatMap((r) => [...(r.fails?.checks ?? []), ...(r.warns ? [r.warns.check] : [])]));
    expect(CHECKS.filter((c) => c.profile === "hardening" && !caught.has(c.name)).map((c) => c.name)).toEqual([]);
  });
});
