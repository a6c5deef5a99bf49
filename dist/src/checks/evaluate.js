import { isInconclusive, isSkip } from "./types.js";
export function evaluate(checks, evidence, context) {
    return checks.map((check) => {
        const base = { name: check.name, severity: check.severityFor?.(evidence) ?? check.severity, version: check.version };
        const verdict = check.run(evidence, context);
        if (verdict === undefined)
            return { ...base, outcome: "passed", message: "" };
        if (isSkip(verdict))
            return { ...base, outcome: "skipped", message: verdict.skipped };
        if (isInconclusive(verdict))
            return { ...base, outcome: "inconclusive", message: verdict.inconclusive };
        return {
            ...base,
            outcome: "failed",
            message: verdict.message,
            expected: verdict.expected,
            received: verdict.received,
        };
    });
}
export function failsRequired(outcomes) {
    return outcomes.some((o) => o.outcome === "failed" && o.severity === "required");
}
/** A required check that could not gather its evidence: the run cannot be called conformant. */
export function unjudgedRequired(outcomes) {
    return outcomes.find((o) => o.outcome === "inconclusive" && o.severity === "required");
}
