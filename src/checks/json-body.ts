import { defineCheck, fail, skip } from "./types.js";
import { deliveriesOrSkip, nth } from "./evidence-helpers.js";
import { bodyText, parseBody } from "../evidence.js";

const PREVIEW = 200;

export const jsonBody = defineCheck({
  name: "json-body",
  severity: "required",
  version: 1,
  description: "The webhook request body is valid UTF-8 JSON.",
  run(evidence) {
    const deliveries = deliveriesOrSkip(evidence);
    if (!Array.isArray(deliveries)) return deliveries;
    // A body the sink did not keep whole is the suite's limit: the case says so, the check does not blame the target.
    if (deliveries.every((d) => d.discarded === true || d.truncated)) return skip("the sink did not keep any body whole (see the case's reason)");
    for (const [index, delivery] of deliveries.entries()) {
      if (delivery.discarded === true || delivery.truncated) continue;
      const parsed = parseBody(delivery);
      if (parsed.ok) continue;
      const text = bodyText(delivery);
      const preview = text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
      return fail(
        "json-body",
        "a JSON document",
        preview === "" ? "(empty body)" : JSON.stringify(preview),
        `${nth(index, deliveries.length)} for ${evidence.label} is not JSON: ${parsed.reason}.`,
      );
    }
    return undefined;
  },
});
