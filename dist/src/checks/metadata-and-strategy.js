import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodiesOrSkip, quote } from "./evidence-helpers.js";
import { short } from "./json-diff.js";
/** The published API's default multitask_strategy for a run created on a thread without one. */
const DEFAULT_STRATEGY = "reject";
export const metadataAndStrategy = defineCheck({
    name: "metadata-and-strategy",
    severity: "required",
    version: 1,
    description: "The webhook's metadata holds every key the suite sent with the run, with the value sent (a server may add keys of its own), and its multitask_strategy is the one sent, or reject (the published default) on a thread run created without one: receivers route and deduplicate by the metadata they set. Judged for runs the suite created itself, not for a cron's fired runs.",
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
            const expected = sent.multitaskStrategy ?? (evidence.stateless === true ? undefined : DEFAULT_STRATEGY);
            if (expected === undefined || fieldLeftOut("multitask_strategy", context) !== undefined)
                continue;
            // Absent is for run-schema to judge; a value other than the one the run was made with is wrong.
            if (body.multitask_strategy !== undefined && body.multitask_strategy !== expected) {
                return fail("metadata-and-strategy", `multitask_strategy "${expected}"${sent.multitaskStrategy === undefined ? " (none was sent; the published default)" : ""}`, `multitask_strategy ${quote(body.multitask_strategy)}`, `${where} names another multitask_strategy than the one the run was created with.`);
            }
        }
        return undefined;
    },
});
