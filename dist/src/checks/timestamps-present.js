import { defineCheck, fail } from "./types.js";
import { fieldLeftOut, nth, objectBodiesOrSkip, quote } from "./evidence-helpers.js";
import { parseDateTime } from "./timestamps.js";
const DOCUMENTED = ["run_started_at", "run_ended_at", "webhook_sent_at"];
export const timestampsPresent = defineCheck({
    name: "timestamps-present",
    severity: "required",
    version: 1,
    description: "The webhook carries run_started_at, run_ended_at and webhook_sent_at as RFC 3339 date-times (Z or +00:00): the documented payload of a terminal run adds them to the Run. A run cancelled before it started may leave run_started_at out or null.",
    run(evidence, context) {
        const bodies = objectBodiesOrSkip(evidence);
        if (!Array.isArray(bodies))
            return bodies;
        const judged = DOCUMENTED.filter((field) => fieldLeftOut(field, context) === undefined);
        if (judged.length === 0)
            return fieldLeftOut(DOCUMENTED[0], context);
        for (const { index, body } of bodies) {
            const wrong = judged.filter((field) => {
                if (field === "run_started_at" && evidence.expect.neverStarted && (body[field] === undefined || body[field] === null))
                    return false;
                return parseDateTime(body[field]) === undefined;
            });
            if (wrong.length === 0)
                continue;
            return fail("timestamps-present", `${wrong.join(", ")} as date-times`, wrong.map((field) => `${field} ${quote(body[field])}`).join(", "), `${nth(index, evidence.deliveries.length)} for ${evidence.label} does not say when the run ${wrong.includes("run_ended_at") ? "ended" : wrong.includes("run_started_at") ? "started" : "was announced"}: ${wrong.join(", ")} ${wrong.length === 1 ? "is" : "are"} missing or not a date-time.`);
        }
        return undefined;
    },
});
