import { defineCheck, fail, skip } from "./types.js";
import { nth, objectBodies, quote } from "./evidence-helpers.js";

function describes(value: unknown): boolean {
  if (typeof value === "string") return value.trim() !== "";
  return value !== null && typeof value === "object" && Object.keys(value).length > 0;
}

export const errorDescribed = defineCheck({
  name: "error-described",
  severity: "recommended",
  version: 1,
  description:
    "The webhook of a run that failed says why, in a non-empty error field (the Run schema has no such field, so this is recommended).",
  run(evidence) {
    if (!evidence.expect.describesError) return skip("the run did not fail");
    const bodies = objectBodies(evidence);
    if (bodies.length === 0) return skip("no body was a JSON object (see json-body and run-schema)");
    for (const { index, body } of bodies) {
      if (describes(body.error)) continue;
      return fail(
        "error-described",
        "a non-empty error field",
        `error ${quote(body.error)}`,
        `${nth(index, evidence.deliveries.length)} for ${evidence.label} announces a failed run without saying why.`,
      );
    }
    return undefined;
  },
});
