/**
 * How long the suite waits for each kind of evidence. The user gives the base windows; a slow
 * target (the preflight measures one API call) gets more, because every case waits on several
 * calls before its run can end, and a slow server is not a wrong one.
 */
export interface Windows {
  /** One API call's latency as the preflight measured it. */
  latencyMs: number;
  /** From a case's start until its run's first webhook is due (--timeout-ms, scaled). */
  deadlineMs: number;
  /** After the first webhook, how long more requests for the run count as duplicates (--settle-ms, scaled). */
  settleMs: number;
  /** A cron case's deadline (--cron-timeout-ms, scaled). */
  cronDeadlineMs: number;
  /** A run that must (or need not) stay silent is watched this long at least after the API reports its end. */
  silenceMs: number;
  /** After the last case ends, one more window before every case is judged again with all that arrived. */
  finalSettleMs: number;
}

/** A case makes up to about this many API calls before its run can end. */
const CALLS_PER_CASE = 20;
/** A run's duplicate or a late answer takes about this many calls' time more on a slow target. */
const CALLS_PER_SETTLE = 2;

export function windowsFor(given: { timeoutMs: number; settleMs: number; cronTimeoutMs: number }, latencyMs: number): Windows {
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
export function describeWindows(w: Windows): string {
  return `waited up to ${w.deadlineMs} ms for a run's first webhook (crons ${w.cronDeadlineMs} ms); counted repeats for ${w.settleMs} ms after it; watched runs that must stay silent for at least ${w.silenceMs} ms after the API reported their end (longer where a case declares it); judged every case again ${w.finalSettleMs} ms after the last one ended, with everything that had arrived (target latency ${w.latencyMs} ms per call)`;
}
