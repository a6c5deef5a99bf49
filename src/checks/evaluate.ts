import type { RunEvidence } from "../evidence.js";
import { isInconclusive, isSkip, type Check, type CheckContext, type Severity } from "./types.js";

export interface CheckOutcome {
  name: string;
  severity: Severity;
  version: number;
  outcome: "passed" | "failed" | "skipped" | "inconclusive";
  message: string;
  expected?: string;
  received?: string;
}

export function evaluate(checks: readonly Check[], evidence: RunEvidence, context: CheckContext): CheckOutcome[] {
  return checks.map((check) => {
    const base = { name: check.name, severity: check.severityFor?.(evidence) ?? check.severity, version: check.version };
    const verdict = check.run(evidence, context);
    if (verdict === undefined) return { ...base, outcome: "passed", message: "" };
    if (isSkip(verdict)) return { ...base, outcome: "skipped", message: verdict.skipped };
    if (isInconclusive(verdict)) return { ...base, outcome: "inconclusive", message: verdict.inconclusive };
    return {
      ...base,
      outcome: "failed",
      message: verdict.message,
      expected: verdict.expected,
      received: verdict.received,
    };
  });
}

export function failsRequired(outcomes: readonly CheckOutcome[]): boolean {
  return outcomes.some((o) => o.outcome === "failed" && o.severity === "required");
}

/** A required check that could not gather its evidence: the run cannot be called conformant. */
export function unjudgedRequired(outcomes: readonly CheckOutcome[]): CheckOutcome | undefined {
  return outcomes.find((o) => o.outcome === "inconclusive" && o.severity === "required");
}
