import type { RunEvidence } from "../evidence.js";
import { isSkip, type Check, type CheckContext, type Severity } from "./types.js";

export interface CheckOutcome {
  name: string;
  severity: Severity;
  version: number;
  outcome: "passed" | "failed" | "skipped";
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
