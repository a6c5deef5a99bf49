import { defineCheck, fail } from "./types.js";

export const delivered = defineCheck({
  name: "delivered",
  severity: "required",
  version: 1,
  description: "A request arrived at the run's webhook URL before the deadline.",
  run(evidence) {
    if (evidence.deliveries.length > 0) return undefined;
    const terminal =
      evidence.terminalAt === undefined ? "the suite never saw the run reach a terminal state" : "the run reached a terminal state";
    return fail(
      "delivered",
      `one POST to the webhook URL handed out for ${evidence.label}, within ${evidence.deadlineMs} ms`,
      "no request at all",
      `No webhook arrived for ${evidence.label} within ${evidence.deadlineMs} ms; ${terminal}.`,
    );
  },
});
