import { defineCheck, fail, skip } from "./types.js";

export const delivered = defineCheck({
  name: "delivered",
  severity: "required",
  version: 2,
  description:
    "A request arrived at the run's webhook URL before the deadline. Recommended only for a run cancelled before it started (the published API does not say such a run is announced); not expected for a rolled-back run, which the API deletes.",
  severityFor: (evidence) => (evidence.expect.delivery === "recommended" ? "recommended" : "required"),
  run(evidence) {
    const { delivery, why } = evidence.expect;
    if (delivery === "none") return skip(`${evidence.label} must not be announced (see not-delivered)`);
    if (evidence.deliveries.length > 0) return undefined;
    if (delivery === "optional") return skip(`no webhook came, which is allowed: ${why ?? "the run need not be announced"}`);
    const terminal =
      evidence.terminalAt === undefined ? "the suite never saw the run reach a terminal state" : "the run reached a terminal state";
    return fail(
      "delivered",
      `one POST to the webhook URL handed out for ${evidence.label}, within ${evidence.deadlineMs} ms`,
      "no request at all",
      `No webhook arrived for ${evidence.label} within ${evidence.deadlineMs} ms; ${terminal}.${why ? ` (${why})` : ""}`,
    );
  },
});
