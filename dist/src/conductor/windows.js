/** A case makes up to about this many API calls before its run can end. */
const CALLS_PER_CASE = 20;
/** A run's duplicate or a late answer takes about this many calls' time more on a slow target. */
const CALLS_PER_SETTLE = 2;
export function windowsFor(given, latencyMs) {
    const latency = Math.max(0, Math.round(latencyMs));
    const settleMs = given.settleMs + CALLS_PER_SETTLE * latency;
    return {
        latencyMs: latency,
        deadlineMs: given.timeoutMs + CALLS_PER_CASE * latency,
        settleMs,
        cronDeadlineMs: given.cronTimeoutMs + CALLS_PER_CASE * latency,
        silenceMs: settleMs,
        finalSettleMs: settleMs,
    };
}
/** One line for the reports: the windows used, and the latency they were scaled by. */
export function describeWindows(w) {
    return `waited up to ${w.deadlineMs} ms for a run's first webhook (crons ${w.cronDeadlineMs} ms); counted repeats for ${w.settleMs} ms after it; watched runs that must stay silent for at least ${w.silenceMs} ms after the API reported their end (longer where a case declares it); judged every case again ${w.finalSettleMs} ms after the last one ended, with everything that had arrived (target latency ${w.latencyMs} ms per call)`;
}
