import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodiesOrSkip } from "./evidence-helpers.js";
import { parseDateTime, RUN_TIMES, TIME_TOLERANCE_MS } from "./timestamps.js";

export const timestampsOrdered = defineCheck({
  name: "timestamps-ordered",
  severity: "required",
  version: 1,
  description: `The webhook's times are in order: created_at ≤ run_started_at ≤ run_ended_at ≤ webhook_sent_at, each allowed to be up to ${TIME_TOLERANCE_MS} ms early (servers that keep whole seconds, or read two clocks). Times that are missing are left to timestamps-present.`,
  run(evidence, context) {
    const bodies = objectBodiesOrSkip(evidence);
    if (!Array.isArray(bodies)) return bodies;
    const fields = RUN_TIMES.filter((field) => fieldLeftOut(field, context) === undefined);
    let compared = false;
    for (const { index, body } of bodies) {
      const times = fields.map((field) => ({ field, at: parseDateTime(body[field]), raw: body[field] })).filter((t) => t.at !== undefined);
      for (let i = 1; i < times.length; i += 1) {
        compared = true;
        const before = times[i - 1]!;
        const after = times[i]!;
        if (after.at! + TIME_TOLERANCE_MS >= before.at!) continue;
        return fail(
          "timestamps-ordered",
          `${before.field} ≤ ${after.field} (within ${TIME_TOLERANCE_MS} ms)`,
          `${before.field} ${String(before.raw)}, ${after.field} ${String(after.raw)} (${before.at! - after.at!} ms earlier)`,
          `${nth(index, evidence.deliveries.length)} for ${evidence.label} says the run's ${after.field.replace(/_at$/, "").replace(/_/g, " ")} came before its ${before.field.replace(/_at$/, "").replace(/_/g, " ")}.`,
        );
      }
    }
    return compared ? undefined : skip("fewer than two of the run's times are date-times (see timestamps-present)");
  },
});
