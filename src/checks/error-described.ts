import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodies, quote } from "./evidence-helpers.js";

/** A non-empty string (the JavaScript server, older Python servers), or an object with a non-empty message (the Python server since 0.7.46: {error, message}). */
function describes(value: unknown): boolean {
  if (typeof value === "string") return value.trim() !== "";
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const message = (value as Record<string, unknown>).message;
  return typeof message === "string" && message.trim() !== "";
}

/** Whether a body announcing success still carries an error: null is no error, anything else says the run failed. */
const errorOnSuccess = (body: Record<string, unknown>): boolean => body.status === "success" && body.error !== undefined && body.error !== null;

export const errorDescribed = defineCheck({
  name: "error-described",
  severity: "required",
  version: 3,
  description:
    "The webhook's error says whether the run failed: for a run that failed, error is a non-empty string or an object with a non-empty message; a webhook announcing success carries no error (null at most). Required: the documented payload promises error when the run failed, and only then, and a receiver acting on a failure, or on the presence of error, needs it to be true (the published Run schema has no such field, which is why version 1 only recommended it; version 3 added the success side).",
  run(evidence, context) {
    const left = fieldLeftOut("error", context);
    if (left) return left;
    const bodies = objectBodies(evidence);
    if (!evidence.expect.describesError) {
      const wrong = bodies.find(({ body }) => errorOnSuccess(body));
      if (wrong !== undefined) {
        return fail(
          "error-described",
          "no error on a webhook that announces success (the documented payload carries error only when the run failed)",
          `status "success" with error ${quote(wrong.body.error)}`,
          `${nth(wrong.index, evidence.deliveries.length)} for ${evidence.label} announces success and an error at once, so a receiver cannot tell whether the run failed.`,
        );
      }
      return bodies.some(({ body }) => body.status === "success") ? undefined : skip("the run did not fail");
    }
    if (bodies.length === 0) return skip("no body was a JSON object (see json-body and run-schema)");
    for (const { index, body } of bodies) {
      if (describes(body.error)) continue;
      return fail(
        "error-described",
        "error: a non-empty string, or an object with a non-empty message",
        `error ${quote(body.error)}`,
        `${nth(index, evidence.deliveries.length)} for ${evidence.label} announces a failed run without saying why.`,
      );
    }
    return undefined;
  },
});
