import type { CaseResult } from "./types.js";

/** One failure the user expects and accepts for now, with the reason they gave. */
export interface Expectation {
  case: string;
  /** A check name, or "*" for any failure of the case (including an operation the target refused). */
  check: string;
  reason: string;
}

export interface GateFinding {
  case: string;
  check: string;
  reason?: string;
}

export interface Gate {
  passed: boolean;
  /** Failures no expectation covers: these fail the gate. */
  unexpected: GateFinding[];
  /** Failures an expectation covers. */
  expected: GateFinding[];
  /** Expectations whose failure did not happen: the file can be trimmed. */
  nowPassing: GateFinding[];
  /** Cases that passed only on a retry: flaky is not passing. */
  flaky: string[];
  /** Cases whose evidence could not be gathered, or with required checks left unjudged (named): no expectation forgives what was never judged. */
  inconclusive: string[];
  strict: boolean;
}

/** The required failures of a case, as (case, check) pairs; a case that could not run counts as "*". */
function failures(c: CaseResult): GateFinding[] {
  const checks = c.checks.filter((k) => k.outcome === "failed" && k.severity === "required").map((k) => ({ case: c.id, check: k.name }));
  return c.outcome === "failed" && checks.length === 0 ? [{ case: c.id, check: "*" }] : checks;
}

/**
 * Decides whether a run passes a CI gate: every required failure must be expected, no case may be
 * flaky, and with `strict`, every expectation must still be needed.
 */
export function evaluateGate(cases: readonly CaseResult[], expectations: readonly Expectation[], strict: boolean): Gate {
  const covers = (e: Expectation, f: GateFinding): boolean => e.case === f.case && (e.check === "*" || e.check === f.check);
  const all = cases.flatMap(failures);
  const unexpected = all.filter((f) => !expectations.some((e) => covers(e, f)));
  const expected = all
    .map((f) => ({ f, e: expectations.find((e) => covers(e, f)) }))
    .filter((x): x is { f: GateFinding; e: Expectation } => x.e !== undefined)
    .map(({ f, e }) => ({ ...f, reason: e.reason }));
  const ran = new Set(cases.filter((c) => c.outcome !== "skipped").map((c) => c.id));
  const nowPassing = expectations
    .filter((e) => ran.has(e.case) && !all.some((f) => covers(e, f)))
    .map((e) => ({ case: e.case, check: e.check, reason: e.reason }));
  const flaky = cases.filter((c) => c.outcome === "flaky").map((c) => c.id);
  // A waived failure leaves the case "failed": its required checks left unjudged still count.
  const inconclusive = cases.flatMap((c) => {
    if (c.outcome === "inconclusive") return [c.id];
    // Per run too: a case's merged checks show a failure where one run failed and another was never judged.
    const all = [...c.checks, ...c.runs.flatMap((r) => r.checks)];
    const unjudged = [...new Set(all.filter((k) => k.outcome === "inconclusive" && k.severity === "required").map((k) => k.name))];
    return unjudged.length > 0 ? [`${c.id} (${unjudged.join(", ")})`] : [];
  });
  const nothingRan = cases.every((c) => c.outcome === "skipped");
  return {
    passed: unexpected.length === 0 && flaky.length === 0 && inconclusive.length === 0 && !nothingRan && (!strict || nowPassing.length === 0),
    unexpected,
    expected,
    nowPassing,
    flaky,
    inconclusive,
    strict,
  };
}
