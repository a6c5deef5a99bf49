import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodies, quote } from "./evidence-helpers.js";
import type { CreatedRun } from "../evidence.js";

const FIELDS = ["run_id", "thread_id", "assistant_id"] as const satisfies readonly (keyof CreatedRun)[];

export const runIdentity = defineCheck({
  name: "run-identity",
  severity: "required",
  version: 2,
  description:
    "The target named the run it created (in the create answer, Content-Location or the stream's metadata event), and the body's run_id, thread_id and assistant_id are those of that run.",
  run(evidence, context) {
    if (evidence.unidentified !== undefined && evidence.expect.delivery !== "none") {
      return fail(
        "run-identity",
        "the create call names the run it started (run_id in its answer or Content-Location)",
        evidence.unidentified,
        `The suite cannot tell which run ${evidence.label} is: ${evidence.unidentified}, so no webhook can be matched to it or read back.`,
      );
    }
    const known = FIELDS.filter((field) => evidence.created[field] !== undefined && fieldLeftOut(field, context) === undefined);
    if (known.length === 0) return skip("the target never told the suite which run it created");
    const bodies = objectBodies(evidence);
    if (bodies.length === 0) return skip("no body was a JSON object (see json-body and run-schema)");
    for (const { index, body } of bodies) {
      const wrong = known.filter((field) => body[field] !== evidence.created[field]);
      if (wrong.length === 0) continue;
      return fail(
        "run-identity",
        wrong.map((f) => `${f}=${evidence.created[f]}`).join(", "),
        wrong.map((f) => `${f}=${quote(body[f])}`).join(", "),
        `${nth(index, evidence.deliveries.length)} for ${evidence.label} describes another run (${wrong.join(", ")} differ${wrong.length === 1 ? "s" : ""}).`,
      );
    }
    return undefined;
  },
});
