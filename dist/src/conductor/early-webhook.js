import { runPath } from "../api/paths.js";
import { pollUntil } from "../api/poll.js";
import { idsFromRun } from "../api/run-ids.js";
import { parseDateTime, TIME_TOLERANCE_MS } from "../checks/timestamps.js";
import { TERMINAL_STATUSES } from "../checks/terminal-status.js";
import { bodyText, parseBody } from "../evidence.js";
import { asRecord } from "../json.js";
/** The statuses the published API gives a run that has ended; any other (pending, running, a word it does not have) is no end. */
const ENDED = new Set(TERMINAL_STATUSES);
const GOING_ON = new Set(["pending", "running"]);
export function parsedIds(delivery) {
    if (delivery === undefined)
        return undefined;
    try {
        return idsFromRun(JSON.parse(bodyText(delivery)));
    }
    catch {
        return {};
    }
}
/** GET on a run; undefined for any failure, an id no path can carry included (that is judged where the id was learned). */
export function readRun(deps, threadId, runId) {
    return Promise.resolve()
        .then(() => deps.api.send("GET", runPath(threadId, runId)))
        .catch(() => undefined);
}
/** The run's status as GET shows it now, and whether that is an end the published API knows. */
export async function statusNow(deps, ids) {
    const read = await readRun(deps, ids.thread_id, ids.run_id);
    if (read?.status === 404)
        return { ended: false, gone: true };
    const run = read?.status === 200 ? asRecord(read.json) : undefined;
    const status = run?.status;
    if (typeof status !== "string")
        return { ended: false };
    const ended = ENDED.has(status);
    const updatedAt = ended ? parseDateTime(run?.updated_at) : undefined;
    return updatedAt === undefined ? { status, ended } : { status, ended, updatedAt };
}
/** When a join on the run, sent now, answers that it has ended (undefined if it fails or outlasts the wait). */
function joinedAt(deps, ids) {
    return Promise.resolve()
        .then(() => deps.api.send("GET", `${runPath(ids.thread_id, ids.run_id)}/join`, undefined, { timeoutMs: deps.timeoutMs }))
        .then((answer) => (answer.status >= 200 && answer.status < 300 ? Date.now() : undefined), () => undefined);
}
/** How long after a webhook arrives the API may still show its run going on (a server may mark the end just after it sends). */
export function graceFor(latencyMs) {
    return Math.max(1_000, 4 * latencyMs);
}
function described(status) {
    return GOING_ON.has(status) ? `status ${JSON.stringify(status)}` : `status ${JSON.stringify(status)} (not a status of a run that ended, nor one the published API has)`;
}
/**
 * The run read on, once a read after the grace still showed it going on (`seen`): early when its
 * end never shows, or shows with an updated_at after the moment the webhook says it was sent; a
 * doubt when it shows no later (a replica that lagged, if updated_at is the run's end) or the run
 * is gone (deleted at its end, when is not shown).
 */
async function endShownAfter(deps, ids, delivery, seen, until) {
    const body = parseBody(delivery);
    const sentAt = body.ok ? parseDateTime(asRecord(body.value)?.webhook_sent_at) : undefined;
    const { answer, settled } = await pollUntil(until, 100, 1_000, () => statusNow(deps, ids), (read) => read.ended || read.gone === true);
    if (settled && answer.gone === true)
        return { vanished: true, doubt: `${seen}, then GET no longer found it (a run deleted at its end), so the API does not show when it ended` };
    if (!settled)
        return { early: seen };
    if (answer.updatedAt === undefined || sentAt === undefined)
        return { early: `${seen}, and the times that would show it ended before (its updated_at, the webhook's webhook_sent_at) are missing` };
    if (answer.updatedAt <= sentAt + TIME_TOLERANCE_MS) {
        return { doubt: `${seen}; it came to show the run ${JSON.stringify(answer.status)} with updated_at ${new Date(answer.updatedAt).toISOString()}, no later than the webhook's webhook_sent_at (a read replica that lagged, if updated_at is when the run ended)` };
    }
    return { early: `${seen}; it came to show the run ${JSON.stringify(answer.status)} with updated_at ${new Date(answer.updatedAt).toISOString()}, ${answer.updatedAt - sentAt} ms after the webhook's webhook_sent_at` };
}
/**
 * Why the first webhook came before the run ended, if it did: read at once when it arrived, the API
 * still shows the run going on for a while after (a server may mark the end a moment after it sends
 * the webhook; one that announces a run seconds early does not), and its recorded end says so.
 */
export async function announcedBeforeEnd(deps, ids, delivery) {
    // Sent at the first read that shows the run going on: a join then answers only at its end, which is what settles a
    // doubt the reads leave (a webhook that came after the end, as nearly all do, costs no join).
    let joined;
    const read = async () => {
        const now = await statusNow(deps, ids);
        if (!now.ended && now.status !== undefined && joined === undefined)
            joined = joinedAt(deps, ids);
        return now;
    };
    // Only an end the API shows settles it: a read that shows nothing (a 404 from a lagging replica, a 503) says
    // nothing either way, so the reads go on until the grace is over.
    const { answer: last, settled } = await pollUntil(delivery.receivedAt + graceFor(deps.latencyMs), 50, 500, read, (now) => now.ended);
    if (settled)
        return { unseen: false };
    if (last.status === undefined)
        return { unseen: true };
    const seen = `GET on the run still answered ${described(last.status)} ${Date.now() - delivery.receivedAt} ms after its webhook arrived`;
    const reading = { unseen: false, ...(await endShownAfter(deps, ids, delivery, seen, delivery.receivedAt + deps.timeoutMs)) };
    if (reading.doubt === undefined)
        return reading;
    const at = await (joined ?? Promise.resolve(undefined));
    return at === undefined ? reading : { ...reading, joinedAt: at };
}
/**
 * A run no read showed within the grace (a replica lagging longer than it): read on, until the
 * deadline, for the first status the API shows. One still going on then was so when the grace
 * ended, unless its recorded end says otherwise.
 */
async function firstShown(deps, ids, delivery, until) {
    const { answer, settled } = await pollUntil(until, 100, 1_000, () => statusNow(deps, ids), (read) => read.status !== undefined);
    if (!settled || answer.status === undefined || answer.ended)
        return {};
    const seen = `GET on the run showed nothing for a while, then answered ${described(answer.status)} ${Date.now() - delivery.receivedAt} ms after its webhook arrived`;
    return endShownAfter(deps, ids, delivery, seen, Math.max(until, Date.now() + 1_000));
}
/**
 * Watches a URL from the moment it is handed out: its first request may come while the case is
 * still blocked in a call (a runs/wait, a wait for a cron to fire), and only a read made when it
 * arrives can show that the run had not ended. The run is read where the request says it is.
 */
export function watchFirstArrival(deps, key, signal) {
    return deps.sink.waitFor(key, 1, deps.timeoutMs + deps.cronTimeoutMs, signal).then(([first]) => {
        if (first === undefined || signal.aborted)
            return undefined;
        const named = parsedIds(first);
        if (named?.thread_id === undefined || named.run_id === undefined)
            return { delivery: first };
        const ids = { thread_id: named.thread_id, run_id: named.run_id };
        return { delivery: first, ids, early: announcedBeforeEnd(deps, ids, first) };
    });
}
/**
 * Whether the first webhook came before the run ended: read where it says the run is (at its
 * arrival) and where the suite knows it is; for a run kept after its end (`readOnUntil`), read on
 * where no read showed it at all.
 */
export async function earlyVerdict(deps, arrived, ids, arrival, readOnUntil) {
    const watched = await arrival;
    const seen = watched?.delivery === arrived ? watched : undefined;
    const same = seen?.ids !== undefined && ids !== undefined && seen.ids.thread_id === ids.thread_id && seen.ids.run_id === ids.run_id;
    const [theirs, ours] = await Promise.all([seen?.early, ids === undefined || same ? undefined : announcedBeforeEnd(deps, ids, arrived)]);
    const found = theirs?.early ?? ours?.early;
    if (found !== undefined)
        return { early: found };
    const doubted = theirs?.doubt !== undefined ? theirs : ours?.doubt !== undefined ? ours : undefined;
    if (doubted !== undefined) {
        return { doubt: doubted.doubt, ...(doubted.vanished === true ? { vanished: true } : {}), ...(doubted.joinedAt === undefined ? {} : { joinedAt: doubted.joinedAt }) };
    }
    const unseen = (ours ?? theirs)?.unseen === true;
    return unseen && ids !== undefined && readOnUntil !== undefined ? firstShown(deps, ids, arrived, readOnUntil) : {};
}
/** Whether a status read back is an end the published API knows. */
export function isEnded(status) {
    return status !== undefined && ENDED.has(status);
}
