import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodiesOrSkip, quote } from "./evidence-helpers.js";
import { describeDifference, firstDifference, short } from "./json-diff.js";
import { integerWrittenInexactly, largeIntegers } from "./json-numbers.js";

export const kwargsInput = defineCheck({
  name: "kwargs-input",
  severity: "required",
  version: 2,
  description:
    "The webhook's kwargs.input equals, as JSON, the input the suite sent with the run (text, numbers and nesting exactly): the documented payload carries the run's input in kwargs, and a receiver reads it there. The first differing path is shown.",
  run(evidence, context) {
    const left = fieldLeftOut("kwargs", context);
    if (left) return left;
    if (evidence.input === undefined) return skip("the suite sent no input of its own for this run");
    const bodies = objectBodiesOrSkip(evidence);
    if (!Array.isArray(bodies)) return bodies;
    const sent = evidence.input.sent;
    for (const { index, body } of bodies) {
      const kwargs = body.kwargs;
      const where = nth(index, evidence.deliveries.length);
      if (kwargs === null || typeof kwargs !== "object" || Array.isArray(kwargs)) {
        return fail("kwargs-input", `kwargs.input ${short(sent)}`, `kwargs ${quote(kwargs)}`, `${where} for ${evidence.label} has no kwargs object, so it does not say what the run was given.`);
      }
      const input = (kwargs as Record<string, unknown>).input;
      const difference = firstDifference(sent, input);
      if (difference === undefined) {
        const inexact = integerWrittenInexactly(Buffer.from(evidence.deliveries[index]!.bodyBase64, "base64").toString("utf8"), largeIntegers(sent));
        if (inexact === undefined) continue;
        return fail(
          "kwargs-input",
          `kwargs.input ${short(sent)}, its integers written as integers`,
          `the number ${inexact} in the body`,
          `${where} for ${evidence.label} writes an integer of the input as ${inexact}: a receiver that keeps integers exact (Python, a BigInt or Decimal decoder) reads another number.`,
        );
      }
      return fail(
        "kwargs-input",
        `kwargs.input ${short(sent)}`,
        `kwargs.input ${short(input)} (${describeDifference(difference).replace(/^at \$/, "at kwargs.input")})`,
        `${where} for ${evidence.label} describes another input than the one the run was given.`,
      );
    }
    return undefined;
  },
});
