import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodiesOrSkip } from "./evidence-helpers.js";
import { DEFAULT_CLOCK_SKEW_MS, parseDateTime, RUN_TIMES, TIME_TOLERANCE_MS } from "./timestamps.js";
const words = (field) => field.replace(/_at$/, "").replace(/_/g, " ");
/** Times the server that runs the graph takes from its own clock as the run starts, ends and is announced. */
const WORKER_TIMES = new Set(["run_started_at", "run_ended_at", "webhook_sent_at"]);
/** Between two of those kept to the millisecond, order may slip only this much (a clock stepping back). */
const FINE_TOLERANCE_MS = 50;
/**
 * The step a time was kept to, as far as it shows: a fraction with a digit other than 0 shows
 * tenths, hundredths or finer; none, or only zeros (a store that rounds to the second and writes
 * ".000"), shows nothing finer than a second.
 */
function resolutionMs(raw) {
    const fraction = typeof raw === "string" ? /\.(\d+)/.exec(raw)?.[1] : undefined;
    if (fraction === undefined || /^0+$/.test(fraction))
        return TIME_TOLERANCE_MS;
    return 10 ** Math.max(0, 3 - fraction.length);
}
/**
 * How far `after` may come before `before`: whole seconds, or two clocks (created_at is often the
 * database's), get TIME_TOLERANCE_MS; two worker times kept finer than a second get the coarser
 * of their steps, and no less than FINE_TOLERANCE_MS.
 */
function toleranceFor(before, after) {
    if (!WORKER_TIMES.has(before.field) || !WORKER_TIMES.has(after.field))
        return TIME_TOLERANCE_MS;
    return Math.max(FINE_TOLERANCE_MS, resolutionMs(before.raw), resolutionMs(after.raw));
}
export const timestampsOrdered = defineCheck({
    name: "timestamps-ordered",
    severity: "required",
    version: 6,
    description: `The webhook's times are in order and true: created_at ≤ run_started_at ≤ run_ended_at ≤ webhook_sent_at, every pair compared (so small slips do not add up), each allowed to be up to ${TIME_TOLERANCE_MS} ms early (servers that keep whole seconds, or read two clocks), or, between two of the last three (one clock, the run's worker) both kept finer than a second, the coarser of their steps and at least ${FINE_TOLERANCE_MS} ms; created_at is the one the API reads back for the run (within ${TIME_TOLERANCE_MS} ms) and updated_at is not before it; webhook_sent_at is within the allowed clock skew (--clock-skew-ms, default ${DEFAULT_CLOCK_SKEW_MS / 1000} s) of the moment the request arrived, and the run's first time no more than that before the suite sent the call that created it; and a run the suite knows took a while (a graph that slept) spans at least that long. Times that are missing are left to timestamps-present.`,
    run(evidence, context) {
        const bodies = objectBodiesOrSkip(evidence);
        if (!Array.isArray(bodies))
            return bodies;
        const fields = RUN_TIMES.filter((field) => fieldLeftOut(field, context) === undefined);
        const skew = context.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
        let compared = false;
        for (const { index, body } of bodies) {
            const where = `${nth(index, evidence.deliveries.length)} for ${evidence.label}`;
            const times = fields.map((field) => ({ field, at: parseDateTime(body[field]), raw: body[field] })).filter((t) => t.at !== undefined);
            for (let j = 1; j < times.length; j += 1) {
                // The nearest earlier time first, so a finding names the pair a reader would look at.
                for (let i = j - 1; i >= 0; i -= 1) {
                    compared = true;
                    const before = times[i];
                    const after = times[j];
                    const tolerance = toleranceFor(before, after);
                    if (after.at + tolerance >= before.at)
                        continue;
                    return fail("timestamps-ordered", `${before.field} ≤ ${after.field} (within ${tolerance} ms)`, `${before.field} ${String(before.raw)}, ${after.field} ${String(after.raw)} (${before.at - after.at} ms earlier)`, `${where} says the run's ${words(after.field)} came before its ${words(before.field)}.`);
                }
            }
            // The same run's record: the webhook's created_at is the one the API reads back (a skewed clock moves both alike).
            const created = times.find((t) => t.field === "created_at");
            const apiCreated = parseDateTime(evidence.apiCreatedAt);
            if (created !== undefined && apiCreated !== undefined && Math.abs(created.at - apiCreated) > TIME_TOLERANCE_MS) {
                return fail("timestamps-ordered", `created_at ${String(evidence.apiCreatedAt)} (what GET on the run reports, within ${TIME_TOLERANCE_MS} ms)`, `created_at ${String(created.raw)}, ${Math.round((created.at - apiCreated) / 1000)} s from the API's`, `${where} gives the run another creation time than the API does: its times are not this run's.`);
            }
            const updated = parseDateTime(body.updated_at);
            if (created !== undefined && updated !== undefined && updated + TIME_TOLERANCE_MS < created.at) {
                return fail("timestamps-ordered", `updated_at no earlier than created_at (within ${TIME_TOLERANCE_MS} ms)`, `created_at ${String(created.raw)}, updated_at ${String(body.updated_at)}`, `${where} says the run was last updated before it was created.`);
            }
            const sent = times.find((t) => t.field === "webhook_sent_at");
            const arrived = evidence.deliveries[index].receivedAt;
            if (sent !== undefined && Math.abs(arrived - sent.at) > skew) {
                return fail("timestamps-ordered", `webhook_sent_at within ${skew / 1000} s of the moment the request arrived (${new Date(arrived).toISOString()})`, `webhook_sent_at ${String(sent.raw)}, ${Math.round((arrived - sent.at) / 1000)} s from the arrival`, `${where} gives times that are not when things happened: the target's clock is off, or its times are not UTC (raise --clock-skew-ms if its clock is known to be off).`);
            }
            const earliest = times.find((t) => t.field === "created_at" || t.field === "run_started_at");
            if (earliest !== undefined && evidence.createSentAt !== undefined && earliest.at < evidence.createSentAt - skew) {
                return fail("timestamps-ordered", `${earliest.field} no earlier than ${skew / 1000} s before the suite created the run (${new Date(evidence.createSentAt).toISOString()})`, `${earliest.field} ${String(earliest.raw)}, ${Math.round((evidence.createSentAt - earliest.at) / 1000)} s before`, `${where} says the run began before the suite created it: its times are not this run's (raise --clock-skew-ms if the target's clock is known to be off).`);
            }
            const started = times.find((t) => t.field === "run_started_at");
            const ended = times.find((t) => t.field === "run_ended_at");
            if (evidence.minRunMs !== undefined && started !== undefined && ended !== undefined && ended.at - started.at + TIME_TOLERANCE_MS < evidence.minRunMs) {
                return fail("timestamps-ordered", `run_ended_at at least ${evidence.minRunMs} ms after run_started_at (the graph slept that long)`, `run_started_at ${String(started.raw)}, run_ended_at ${String(ended.raw)} (${ended.at - started.at} ms apart)`, `${where} says the run took less time than its graph slept: its start or end time is not the run's.`);
            }
        }
        return compared ? undefined : skip("fewer than two of the run's times are date-times (see timestamps-present)");
    },
});
