import { defineCheck, fail } from "./types.js";
import { deliveriesOrSkip } from "./evidence-helpers.js";
import { describeAttempts, duplicates } from "./attempts.js";

export const exactlyOnce = defineCheck({
  name: "exactly-once",
  severity: "required",
  version: 3,
  description:
    "No second request for the same run arrived after the receiver answered the first with success (2xx): within the settle window, or later, until the whole run ended (a late duplicate). A repeat after a failed answer (5xx, or none within a second) is a retry, judged by the retry checks.",
  run(evidence) {
    const deliveries = deliveriesOrSkip(evidence);
    if (!Array.isArray(deliveries)) return deliveries;
    const repeated = duplicates(deliveries);
    if (repeated.length === 0) return undefined;
    const first = deliveries[0]!.receivedAt;
    const late = (d: { receivedAt: number }): string => (evidence.watchedUntil !== undefined && d.receivedAt > evidence.watchedUntil ? " (late: after the settle window)" : "");
    const gaps = repeated.map((d) => `+${d.receivedAt - first} ms${late(d)}`);
    const retried = deliveries.length - 1 - repeated.length;
    return fail(
      "exactly-once",
      retried > 0 ? "no request after the receiver answered one with success" : "exactly one request for the run",
      retried > 0
        ? `${deliveries.length} requests (${describeAttempts(deliveries)}); repeats after success at ${gaps.join(", ")}`
        : `${deliveries.length} requests (repeats at ${gaps.join(", ")} after the first)`,
      `The target sent ${repeated.length + 1} webhooks for ${evidence.label} that the receiver accepted; a receiver would act on the run ${repeated.length + 1} times.`,
    );
  },
});
