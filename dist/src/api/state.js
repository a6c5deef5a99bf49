import { threadPath } from "./paths.js";
import { asRecord, records, stringField } from "../json.js";
/** How far back the suite looks in a thread's history for a run's checkpoint; its cases make a few each. */
const HISTORY_LIMIT = 50;
/**
 * The thread's state after a run, read back through the API: the newest checkpoint of the thread's
 * history that names the run (servers record the run_id in each checkpoint's metadata), or, where
 * checkpoints name no runs, the thread's current state if no later run moved it on.
 */
export async function stateAfterRun(api, threadId, runId, laterRuns) {
    const history = await api.send("POST", `${threadPath(threadId)}/history`, { limit: HISTORY_LIMIT }).catch((error) => (error instanceof Error ? error.message : String(error)));
    if (typeof history === "string")
        return { skipped: `POST ${threadPath(threadId)}/history failed: ${history}` };
    const checkpoints = history.status === 200 ? records(history.json) : [];
    const named = checkpoints.filter((c) => stringField(c.metadata, "run_id") !== undefined);
    // The run's last checkpoint, whatever order the server lists its history in: the highest step, then the latest time.
    const step = (c) => Number(asRecord(c.metadata)?.step ?? Number.NEGATIVE_INFINITY);
    const at = (c) => stringField(c, "created_at") ?? "";
    const mine = named
        .filter((c) => stringField(c.metadata, "run_id") === runId)
        .reduce((best, c) => (best === undefined || step(c) > step(best) || (step(c) === step(best) && at(c) > at(best)) ? c : best), undefined);
    if (mine !== undefined && "values" in mine)
        return { values: mine.values, source: "the newest checkpoint of the run in the thread's history" };
    if (named.length > 0)
        return { skipped: `the thread's history has no checkpoint of run ${runId}` };
    if (laterRuns)
        return { skipped: "the thread's checkpoints do not name their runs, and later runs moved the thread on" };
    const state = await api.send("GET", `${threadPath(threadId)}/state`).catch(() => undefined);
    const values = asRecord(state?.json)?.values;
    if (state?.status !== 200 || values === undefined) {
        return { skipped: `neither the thread's history nor its state could be read (POST ${threadPath(threadId)}/history answered HTTP ${history.status}, GET …/state ${state ? `HTTP ${state.status}` : "nothing"})` };
    }
    return { values, source: "the thread's current state (its checkpoints name no runs)" };
}
