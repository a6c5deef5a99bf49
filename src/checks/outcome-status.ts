import { defineCheck, fail, skip } from "./types.js";
import { nth, objectBodies, quote } from "./evidence-helpers.js";

export const outcomeStatus = defineCheck({
  name: "outcome-status",
  severity: "required",
  version: 1,
  description:
    "The body's status is the one the run's outcome calls for: error for a graph that raised, interrupted for a run cancelled with action=interrupt or overtaken by multitask_strategy interrupt.",
  run(evidence) {
    const allowed = evidence.expect.statuses;
    if (allowed === undefined) return skip("the published API prescribes no particular status for this outcome");
    const bodies = objectBodies(evidence);
    if (bodies.length === 0) return skip("no body was a JSON object (see json-body and run-schema)");
    for (const { index, body } of bodies) {
      if (typeof body.status === "string" && allowed.includes(body.status)) continue;
      return fail(
        "outcome-status",
        `status ${allowed.map((s) => JSON.stringify(s)).join(" or ")}`,
        `status ${quote(body.status)}`,
        `${nth(index, evidence.deliveries.length)} for ${evidence.label} reports the wrong outcome.`,
      );
    }
    return undefined;
  },
});
