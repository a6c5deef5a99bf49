/** RFC 3339 date-times as servers write them: `Z` (the JavaScript server) or `+00:00` (the Python server), any fraction. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;
/** Milliseconds since the epoch, or undefined when the value is not an RFC 3339 date-time. */
export function parseDateTime(value) {
    if (typeof value !== "string")
        return undefined;
    const m = DATE_TIME.exec(value);
    if (!m)
        return undefined;
    // Fractions finer than a millisecond (Python writes microseconds) are cut, not rounded.
    const fraction = (m[7] ?? "").padEnd(3, "0").slice(0, 3);
    const parsed = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${fraction}${m[8].toUpperCase()}`);
    return Number.isNaN(parsed) ? undefined : parsed;
}
/** The documented times of a terminal run's webhook, in the order they must come. */
export const RUN_TIMES = ["created_at", "run_started_at", "run_ended_at", "webhook_sent_at"];
/**
 * How far out of order two times may be and still be in order: servers that keep whole seconds
 * (or take times from two clocks, the database's and the worker's) can be this far apart.
 */
export const TIME_TOLERANCE_MS = 1_000;
/** How far the target's clock may be from this machine's before webhook_sent_at is not believed. */
export const DEFAULT_CLOCK_SKEW_MS = 120_000;
