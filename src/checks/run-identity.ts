import { defineCheck, fail, inconclusive, skip } from "./types.js";
import { asRecord } from "../json.js";
import { fieldLeftOut, nth, objectBodies, quote } from "./evidence-helpers.js";
import type { CreatedRun } from "../evidence.js";

const FIELDS = ["run_id", "thread_id", "assistant_id"] as const satisfies readonly (keyof CreatedRun)[];

export const runIdentity = defineCheck({
  name: "run-identity",
  severity: "required",
  version: 4,
  description:
    "The target named the run it created (in the create answer, Content-Location or the stream's metadata event), on the thread the suite created it on and by the assistant the suite asked for (as the preflight resolved it), and the body's run_id, thread_id and assistant_id are those of that run. A cron's fired run that the API deletes at its end is known only by its webhook, which must then carry the cron's marker in its metadata (inconclusive where it carries none).",
  run(evidence, context) {
    if (evidence.misnamed !== undefined && evidence.expect.delivery !== "none") {
      return fail(
        "run-identity",
        "the run on the thread the suite created it on, by the assistant the suite asked for",
        evidence.misnamed,
        `The target's account of ${evidence.label} contradicts what the suite asked for: ${evidence.misnamed}.`,
      );
    }
    if (evidence.unidentified !== undefined && evidence.expect.delivery !== "none") {
      return fail(
        "run-identity",
        "the create call names the run it started (run_id in its answer or Content-Location)",
        evidence.unidentified,
        `The suite cannot tell which run ${evidence.label} is: ${evidence.unidentified}, so no webhook can be matched to it or read back.`,
      );
    }
    const marker = evidence.identityMarker;
    if (marker !== undefined) {
      for (const { index, body } of objectBodies(evidence)) {
        const carried = asRecord(body.metadata)?.[marker.key];
        if (carried === marker.value) continue;
        if (carried === undefined) {
          return inconclusive(`${evidence.label} is known only by its webhook (the API deletes it at its end), and the webhook's metadata does not carry the cron's ${marker.key}, so nothing shows it is the cron's run`);
        }
        return fail(
          "run-identity",
          `metadata.${marker.key} of the cron that fired the run`,
          `metadata.${marker.key} ${quote(carried)}`,
          `${nth(index, evidence.deliveries.length)} for ${evidence.label} names another cron's run in its metadata.`,
        );
      }
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
