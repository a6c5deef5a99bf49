import { defineCheck, fail, inconclusive, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodiesOrSkip } from "./evidence-helpers.js";
import { describeDifference, firstDifference, short } from "./json-diff.js";
import { integerWrittenInexactly, largeIntegers } from "./json-numbers.js";
export const valuesState = defineCheck({
    name: "values-state",
    severity: "required",
    version: 2,
    description: "The webhook's values is the graph's state after the run: for a run on a thread it is present and equals the state the API reads back for that run (the thread's history checkpoint of the run, or its current state when that run was its last), and it holds exactly what the conformance graph was asked to return. A stateless run's values may be null or absent (the documented payload gives values only for stateful runs); so may an interrupted run's, which has no checkpoint of its end; a rolled-back run's state is gone, so its values are not judged.",
    run(evidence, context) {
        const left = fieldLeftOut("values", context);
        if (left)
            return left;
        if (evidence.expect.rolledBack)
            return skip("the run was rolled back, so its state is gone and its values cannot be compared");
        const bodies = objectBodiesOrSkip(evidence);
        if (!Array.isArray(bodies))
            return bodies;
        let compared = false;
        let leftOut = false;
        for (const { index, body } of bodies) {
            const where = `${nth(index, evidence.deliveries.length)} for ${evidence.label}`;
            const values = body.values;
            const mayLack = evidence.stateless === true || body.status === "interrupted";
            if (values === undefined || values === null) {
                leftOut = true;
                if (mayLack)
                    continue;
                return fail("values-state", "values: the run's final state", `values ${values === null ? "null" : "(absent)"}`, `${where} does not carry the run's output (values).`);
            }
            if (evidence.expectedValues !== undefined) {
                compared = true;
                const asked = firstDifference(evidence.expectedValues, pick(values, Object.keys(evidence.expectedValues)));
                if (asked !== undefined) {
                    return fail("values-state", `values with ${short(evidence.expectedValues)}`, `values ${short(values)} (${describeDifference(asked).replace(/^at \$/, "at values")})`, `${where} does not carry exactly what the run returned.`);
                }
                const inexact = integerWrittenInexactly(Buffer.from(evidence.deliveries[index].bodyBase64, "base64").toString("utf8"), largeIntegers(evidence.expectedValues));
                if (inexact !== undefined) {
                    return fail("values-state", `values with ${short(evidence.expectedValues)}, its integers written as integers`, `the number ${inexact} in the body`, `${where} writes an integer the run returned as ${inexact}: a receiver that keeps integers exact reads another number.`);
                }
            }
            const state = evidence.state;
            if (state === undefined || "skipped" in state)
                continue;
            compared = true;
            const difference = firstDifference(state.values, values);
            if (difference === undefined)
                continue;
            return fail("values-state", `values equal to the state after the run (${state.source})`, `values ${short(values)} (${describeDifference(difference).replace(/^at \$/, "at values")})`, `${where} carries values that are not the run's final state.`);
        }
        if (compared)
            return undefined;
        const state = evidence.state;
        // Values came, and nothing could be compared with them: not a pass.
        if (state !== undefined && "skipped" in state && !leftOut)
            return inconclusive(`the run's state could not be read back to compare: ${state.skipped}`);
        if (state !== undefined && "skipped" in state)
            return skip(state.skipped);
        if (evidence.readBackFailed !== undefined && !leftOut)
            return inconclusive(`the run's state could not be read back to compare: ${evidence.readBackFailed}`);
        return skip(leftOut ? "values is null or absent, which a stateless or interrupted run's webhook may be" : "the run's state could not be read back to compare");
    },
});
/** The named keys of an object (the rest is not judged against what the graph was asked to return). */
function pick(values, keys) {
    if (values === null || typeof values !== "object" || Array.isArray(values))
        return values;
    const record = values;
    return Object.fromEntries(keys.filter((k) => Object.hasOwn(record, k)).map((k) => [k, record[k]]));
}
