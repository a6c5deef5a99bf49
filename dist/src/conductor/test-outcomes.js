import { caseById } from "../cases/catalog.js";
import { withoutRuns } from "./run-case.js";
/**
 * The cases' results as the certification records them: the conductor's result for the attempt
 * that stands, with what Playwright saw on top (a flaky pass is not a pass; a test that failed
 * after its checks, or never got its result, failed).
 */
export async function resultsFromOutcomes(caseIds, outcomes, resultOf) {
    return Promise.all(caseIds.map(async (caseId) => {
        const definition = caseById(caseId);
        if (definition === undefined)
            throw new Error(`unknown case ${caseId}`);
        const outcome = outcomes.find((o) => o.caseId === caseId);
        if (outcome === undefined)
            return withoutRuns(definition, "failed", "The test of this case never ran.");
        if (!outcome.attached && outcome.status === "timedOut") {
            // The suite's own time budget ran out: nothing was learned about the target.
            return withoutRuns(definition, "inconclusive", `The suite's time budget for this case ran out before its result came; raise --timeout-ms if the target is slow (${outcome.error ?? "timed out"})`);
        }
        if (!outcome.attached) {
            return withoutRuns(definition, "failed", `The case did not finish (${outcome.status}): ${outcome.error ?? "no error message"}`);
        }
        const result = await resultOf(caseId, outcome.retry);
        if (outcome.flaky) {
            return { ...result, outcome: "flaky", reason: `failed on a first attempt and passed on retry ${outcome.retry}; a flaky pass is not a pass` };
        }
        if (result.outcome === "passed" && outcome.status !== "passed") {
            return { ...result, outcome: "failed", reason: `The case failed after its checks: ${outcome.error ?? outcome.status}` };
        }
        return result;
    }));
}
