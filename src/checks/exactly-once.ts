import { defineCheck, fail } from "./types.js";
import { deliveriesOrSkip } from "./evidence-helpers.js";

export const exactlyOnce = defineCheck({
  name: "exactly-once",
  severity: "required",
  version: 1,
  description:
    "No second request for the same run arrived within the settle window after the first, and none for a URL the suite never handed out.",
  run(evidence) {
    const deliveries = deliveriesOrSkip(evidence);
    if (!Array.isArray(deliveries)) return deliveries;
    if (deliveries.length === 1) return undefined;
    const first = deliveries[0]!.receivedAt;
    const gaps = deliveries.slice(1).map((d) => `+${d.receivedAt - first} ms`);
    return fail(
      "exactly-once",
      "exactly one request for the run",
      `${deliveries.length} requests (repeats at ${gaps.join(", ")} after the first)`,
      `The target sent ${deliveries.length} webhooks for ${evidence.label}; a receiver would act on the run ${deliveries.length} times.`,
    );
  },
});
