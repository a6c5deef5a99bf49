import { describe, expect, it } from "vitest";
import { describeWindows, windowsFor } from "../src/conductor/windows.js";
import { CHECKS } from "../src/checks/index.js";
import type { CheckContext } from "../src/checks/types.js";
import type { Delivery, RunEvidence } from "../src/evidence.js";
import { delivery, evidence } from "./helpers/evidence.js";

/**
 * The evidence model as arithmetic: for each latency profile, a run that makes its API calls at
 * that latency and is announced at once, 5 s late, or twice (the second late), judged with the
 * windows the suite would use. No clock runs: times are given, so every case is exact.
 */
const GIVEN = { timeoutMs: 30_000, settleMs: 3_000, cronTimeoutMs: 75_000 };
const context: CheckContext = { validateRun: Object.assign(() => [], { source: "test" }), clockSkewMs: Number.MAX_SAFE_INTEGER };
const verdictOf = (name: string, ev: RunEvidence) => CHECKS.find((c) => c.name === name)!.run(ev, context);
const answered = (d: Delivery): Delivery => ({ ...d, answer: { status: 204, at: d.receivedAt + 1 } });

/** A case's run as it unfolds at a latency: its calls take this long, the run ends, the webhook comes. */
function unfold(latencyMs: number, arrivals: number[]): RunEvidence {
  const w = windowsFor(GIVEN, latencyMs);
  const start = 1_000_000;
  // About ten calls before the run ends (create thread, create run, join), the run itself 2 s.
  const endedAt = start + 10 * latencyMs + 2_000;
  const deliveries = arrivals.map((after) => answered(delivery({ receivedAt: endedAt + after })));
  const first = deliveries[0]?.receivedAt ?? endedAt;
  return evidence({ deliveries, deadlineMs: w.deadlineMs, deadlineAt: start + w.deadlineMs, watchedUntil: first + w.settleMs, settleMs: w.settleMs, terminalAt: endedAt });
}

describe("the windows a latency profile gets", () => {
  for (const latencyMs of [0, 300, 1_500]) {
    describe(`${latencyMs} ms per API call`, () => {
      const w = windowsFor(GIVEN, latencyMs);

      it("grow with the latency and are printed as used", () => {
        expect(w).toEqual({
          latencyMs,
          deadlineMs: 30_000 + 20 * latencyMs,
          settleMs: 3_000 + 2 * latencyMs,
          cronDeadlineMs: 75_000 + 20 * latencyMs,
          silenceMs: 3_000 + 2 * latencyMs,
          finalSettleMs: 3_000 + 2 * latencyMs,
        });
        expect(describeWindows(w)).toContain(`waited up to ${w.deadlineMs} ms for a run's first webhook`);
        expect(describeWindows(w)).toContain(`(target latency ${latencyMs} ms per call)`);
      });

      it("a webhook at once is delivered once", () => {
        const ev = unfold(latencyMs, [50]);
        expect(verdictOf("delivered", ev)).toBeUndefined();
        expect(verdictOf("exactly-once", ev)).toBeUndefined();
      });

      it("a webhook 5 s late is still within the deadline, which counts from the case's start", () => {
        expect(verdictOf("delivered", unfold(latencyMs, [5_000]))).toBeUndefined();
      });

      it("a webhook after the deadline fails delivered as late, by how much", () => {
        const late = unfold(latencyMs, [w.deadlineMs]);
        expect(verdictOf("delivered", late)).toMatchObject({ check: "delivered", message: expect.stringMatching(/came late: \d+ ms after the \d+ ms the suite waited/) as string });
      });

      it("a duplicate within the settle window, or 5 s after it, fails exactly-once; the late one says so", () => {
        expect(verdictOf("exactly-once", unfold(latencyMs, [50, 50 + w.settleMs - 1]))).toMatchObject({ check: "exactly-once" });
        const lateCopy = verdictOf("exactly-once", unfold(latencyMs, [50, 50 + w.settleMs + 5_000]));
        expect(lateCopy).toMatchObject({ check: "exactly-once", received: expect.stringMatching(/late: after the settle window/) as string });
      });
    });
  }
});
