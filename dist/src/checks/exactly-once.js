import { defineCheck, fail, inconclusive } from "./types.js";
import { deliveriesOrSkip } from "./evidence-helpers.js";
import { describeAttempts, duplicates } from "./attempts.js";
export const exactlyOnce = defineCheck({
    name: "exactly-once",
    severity: "required",
    version: 4,
    description: "No second request for the same run arrived after the receiver answered the first with success (2xx): within the settle window, or later, until the whole run ended (a late duplicate). A repeat after a failed answer (5xx, or none within a second) is a retry, judged by the retry checks. Behind --public-url, where the sink cannot see what the relay answered the target, a repeat is inconclusive.",
    run(evidence, context) {
        const deliveries = deliveriesOrSkip(evidence);
        if (!Array.isArray(deliveries))
            return deliveries;
        const repeated = duplicates(deliveries);
        if (repeated.length === 0)
            return undefined;
        if (context.relayed === true) {
            // A relay may have answered the target with its own failure (a tunnel's 502) after the sink's 2xx: the repeat may be a fair retry.
            return inconclusive(`${repeated.length + 1} requests for ${evidence.label} (${describeAttempts(deliveries)}), each answered 2xx by the sink; behind --public-url the suite cannot see what the relay answered the target, so a repeat may be a retry after the relay failed (certify through a direct URL to judge it)`);
        }
        const first = deliveries[0].receivedAt;
        const late = (d) => (evidence.watchedUntil !== undefined && d.receivedAt > evidence.watchedUntil ? " (late: after the settle window)" : "");
        const gaps = repeated.map((d) => `+${d.receivedAt - first} ms${late(d)}`);
        const retried = deliveries.length - 1 - repeated.length;
        return fail("exactly-once", retried > 0 ? "no request after the receiver answered one with success" : "exactly one request for the run", retried > 0
            ? `${deliveries.length} requests (${describeAttempts(deliveries)}); repeats after success at ${gaps.join(", ")}`
            : `${deliveries.length} requests (repeats at ${gaps.join(", ")} after the first)`, `The target sent ${repeated.length + 1} webhooks for ${evidence.label} that the receiver accepted; a receiver would act on the run ${repeated.length + 1} times.`);
    },
});
