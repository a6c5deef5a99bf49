/** A receiver that took this long to answer may have been given up on, so a repeat is a retry. */
export const SLOW_ANSWER_MS = 1_000;
function succeeded(delivery) {
    return delivery.answer !== undefined && delivery.answer.status >= 200 && delivery.answer.status < 300;
}
/**
 * Whether a request is a retry the target was entitled to: the one before it failed (answered
 * 5xx or anything but 2xx, or never answered), or was still being held by a slow receiver when
 * this one arrived. Everything else repeated is a duplicate. The receiver held a request from
 * the end of its body to its answer: a sender that uploads slowly kept the receiver waiting, not
 * the other way round.
 */
export function isRetry(previous, current) {
    const answer = previous.answer;
    if (answer === undefined)
        return true;
    if (!succeeded(previous))
        return true;
    const held = answer.at - (previous.completedAt ?? previous.receivedAt);
    return held >= SLOW_ANSWER_MS && current.receivedAt < answer.at;
}
/** The requests that repeat a delivery already answered with success, in order. */
export function duplicates(deliveries) {
    return deliveries.filter((current, index) => index > 0 && !isRetry(deliveries[index - 1], current));
}
/** "+0 ms → 500, +1012 ms → 204, +3020 ms → (no answer)": what the receiver saw and said. */
export function describeAttempts(deliveries) {
    const first = deliveries[0]?.receivedAt ?? 0;
    return deliveries.map((d) => `+${d.receivedAt - first} ms → ${d.answer === undefined ? "(no answer)" : d.answer.status}`).join(", ");
}
