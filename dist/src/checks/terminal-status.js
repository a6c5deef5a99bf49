import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodies, quote } from "./evidence-helpers.js";
export const TERMINAL_STATUSES = ["success", "error", "timeout", "interrupted"];
export const terminalStatus = defineCheck({
    name: "terminal-status",
    severity: "required",
    version: 1,
    description: `The body's status is a terminal one (${TERMINAL_STATUSES.join(", ")}): a webhook announces the end of a run.`,
    run(evidence, context) {
        const left = fieldLeftOut("status", context);
        if (left)
            return left;
        const bodies = objectBodies(evidence);
        if (bodies.length === 0)
            return skip("no body was a JSON object (see json-body and run-schema)");
        for (const { index, body } of bodies) {
            if (typeof body.status === "string" && TERMINAL_STATUSES.includes(body.status))
                continue;
            return fail("terminal-status", `status one of ${TERMINAL_STATUSES.join(", ")}`, `status ${quote(body.status)}`, body.status === "pending" || body.status === "running"
                ? `${nth(index, evidence.deliveries.length)} for ${evidence.label} was sent before the run ended.`
                : `${nth(index, evidence.deliveries.length)} for ${evidence.label} reports a status that is not a terminal one of the published API (older servers announced a rolled-back run as "rollback").`);
        }
        return undefined;
    },
});
