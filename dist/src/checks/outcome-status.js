import { defineCheck, fail, inconclusive, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodies, quote } from "./evidence-helpers.js";
/** Statuses of a run that has not ended. */
const NOT_ENDED = new Set(["pending", "running"]);
export const outcomeStatus = defineCheck({
    name: "outcome-status",
    severity: "required",
    version: 3,
    description: "The run ended as its outcome calls for (error for a graph that raised, interrupted for a run cancelled with action=interrupt or overtaken by multitask_strategy interrupt), both in the webhook's status and in the status the API reports for the run afterwards, so a run that ended wrong is a finding even when no webhook came. A run the API still reports pending or running has not ended: inconclusive.",
    run(evidence, context) {
        const left = fieldLeftOut("status", context);
        if (left)
            return left;
        const allowed = evidence.expect.statuses;
        if (allowed === undefined)
            return skip("the published API prescribes no particular status for this outcome");
        const wanted = `status ${allowed.map((s) => JSON.stringify(s)).join(" or ")}`;
        for (const { index, body } of objectBodies(evidence)) {
            if (typeof body.status === "string" && allowed.includes(body.status))
                continue;
            return fail("outcome-status", wanted, `status ${quote(body.status)}`, `${nth(index, evidence.deliveries.length)} for ${evidence.label} reports the wrong outcome.`);
        }
        // A run the API still shows running has not ended: nothing says yet how it ends (a cancel the target
        // ignored fails the case's premise instead).
        if (evidence.apiStatus !== undefined && NOT_ENDED.has(evidence.apiStatus)) {
            return inconclusive(`the API still reports the run ${quote(evidence.apiStatus)} after the suite's windows, so how it ends is not known yet`);
        }
        if (evidence.apiStatus !== undefined && !allowed.includes(evidence.apiStatus)) {
            return fail("outcome-status", `${wanted} (what GET on the run reports)`, `status ${quote(evidence.apiStatus)} (what GET on the run reports)`, `The API says ${evidence.label} ended ${quote(evidence.apiStatus)}, not as the outcome calls for${evidence.deliveries.length === 0 ? "; no webhook came either" : ""}.`);
        }
        if (evidence.apiStatus === undefined && objectBodies(evidence).length === 0) {
            return skip("neither a webhook body nor the API said how the run ended");
        }
        return undefined;
    },
});
