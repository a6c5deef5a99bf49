import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodiesOrSkip, quote } from "./evidence-helpers.js";
import { short } from "./json-diff.js";
/**
 * What a thread run created without a multitask_strategy may carry when the API does not say:
 * the published default is enqueue, and the JavaScript server uses reject. Either is a faithful
 * account of a run the suite gave no strategy.
 */
const DEFAULTS = ["enqueue", "reject"];
/** The strategies the webhook may name, and how to say so, or nothing where none is judged. */
function allowedStrategies(evidence) {
    const sent = evidence.sentRun?.multitaskStrategy;
    if (sent !== undefined)
        return { values: [sent], said: `multitask_strategy "${sent}"` };
    if (evidence.stateless === true)
        return undefined;
    const api = evidence.apiMultitaskStrategy;
    if (api !== undefined)
        return { values: [api], said: `multitask_strategy "${api}" (none was sent; what GET on the run reports)` };
    return { values: DEFAULTS, said: `multitask_strategy "enqueue" or "reject" (none was sent: the published default, or the JavaScript server's)` };
}
export const metadataAndStrategy = defineCheck({
    name: "metadata-and-strategy",
    severity: "required",
    version: 2,
    description: "The webhook's metadata holds every key the suite sent with the run, with the value sent (a server may add keys of its own), and its multitask_strategy is the one sent; on a thread run created without one, the one GET on the run reports, or else enqueue (the published default) or reject (the JavaScript server's): receivers route and deduplicate by the metadata they set. Judged for runs the suite created itself, not for a cron's fired runs.",
    run(evidence, context) {
        const sent = evidence.sentRun;
        if (sent === undefined)
            return skip("the suite did not create this run itself (a cron fired it), so there is nothing it sent to compare");
        const bodies = objectBodiesOrSkip(evidence);
        if (!Array.isArray(bodies))
            return bodies;
        for (const { index, body } of bodies) {
            const where = `${nth(index, evidence.deliveries.length)} for ${evidence.label}`;
            if (sent.metadata !== undefined && fieldLeftOut("metadata", context) === undefined) {
                const metadata = body.metadata;
                const record = metadata !== null && typeof metadata === "object" && !Array.isArray(metadata) ? metadata : undefined;
                const wrong = Object.keys(sent.metadata).filter((key) => record === undefined || JSON.stringify(record[key]) !== JSON.stringify(sent.metadata[key]));
                if (wrong.length > 0) {
                    return fail("metadata-and-strategy", `metadata with ${wrong.map((k) => `${k}=${short(sent.metadata[k])}`).join(", ")}`, record === undefined ? `metadata ${quote(metadata)}` : wrong.map((k) => `${k}=${quote(record[k])}`).join(", "), `${where} does not carry the metadata the run was created with (${wrong.join(", ")}), so a receiver cannot tell whose run it is.`);
                }
            }
            const allowed = allowedStrategies(evidence);
            if (allowed === undefined || fieldLeftOut("multitask_strategy", context) !== undefined)
                continue;
            // Absent is for run-schema to judge; a value other than the one the run was made with is wrong.
            if (body.multitask_strategy !== undefined && !allowed.values.includes(body.multitask_strategy)) {
                return fail("metadata-and-strategy", allowed.said, `multitask_strategy ${quote(body.multitask_strategy)}`, `${where} names another multitask_strategy than the one the run was created with.`);
            }
        }
        return undefined;
    },
});
