import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodies, quote } from "./evidence-helpers.js";

export const statusMatchesApi = defineCheck({
  name: "status-matches-api",
  severity: "required",
  version: 1,
  description:
    "The body's status equals the status the API reports for the run afterwards (skipped where the run cannot be read back).",
  run(evidence, context) {
    const left = fieldLeftOut("status", context);
    if (left) return left;
    if (evidence.readBackSkipped !== undefined) return skip(evidence.readBackSkipped);
    if (evidence.apiStatus === undefined) return skip("the run's status could not be read back from the API");
    const bodies = objectBodies(evidence);
    if (bodies.length === 0) return skip("no body was a JSON object (see json-body and run-schema)");
    for (const { index, body } of bodies) {
      if (body.status === evidence.apiStatus) continue;
      return fail(
        "status-matches-api",
        `status ${quote(evidence.apiStatus)} (what GET on the run reports)`,
        `status ${quote(body.status)}`,
        `${nth(index, evidence.deliveries.length)} for ${evidence.label} disagrees with the API about how the run ended.`,
      );
    }
    return undefined;
  },
});
