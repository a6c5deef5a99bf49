import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodies, quote } from "./evidence-helpers.js";
/** A non-empty string (the JavaScript server, older Python servers), or an object with a non-empty message (the Python server since 0.7.46: {error, message}). */
function describes(value) {
    if (typeof value === "string")
        return value.trim() !== "";
    if (value === null || typeof value !== "object" || Array.isArray(value))
        return false;
    const message = value.message;
    return typeof message === "string" && message.trim() !== "";
}
export const errorDescribed = defineCheck({
    name: "error-described",
    severity: "required",
    version: 2,
    description: "The webhook of a run that failed says why: error is a non-empty string, or an object with a non-empty message. Required: the documented payload promises error when the run failed, and a receiver acting on a failure needs the reason (the published Run schema has no such field, which is why version 1 only recommended it).",
    run(evidence, context) {
        if (!evidence.expect.describesError)
            return skip("the run did not fail");
        const left = fieldLeftOut("error", context);
        if (left)
            return left;
        const bodies = objectBodies(evidence);
        if (bodies.length === 0)
            return skip("no body was a JSON object (see json-body and run-schema)");
        for (const { index, body } of bodies) {
            if (describes(body.error))
                continue;
            return fail("error-described", "error: a non-empty string, or an object with a non-empty message", `error ${quote(body.error)}`, `${nth(index, evidence.deliveries.length)} for ${evidence.label} announces a failed run without saying why.`);
        }
        return undefined;
    },
});
