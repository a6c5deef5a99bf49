import { defineCheck, fail } from "./types.js";
import { deliveriesOrSkip, nth } from "./evidence-helpers.js";
import { headerValue } from "../evidence.js";

export const contentTypeJson = defineCheck({
  name: "content-type-json",
  severity: "recommended",
  version: 1,
  description:
    "The webhook request declares Content-Type application/json, so receivers that dispatch on the media type parse it.",
  run(evidence) {
    const deliveries = deliveriesOrSkip(evidence);
    if (!Array.isArray(deliveries)) return deliveries;
    for (const [index, delivery] of deliveries.entries()) {
      const header = headerValue(delivery, "content-type");
      const mediaType = header?.split(";")[0]?.trim().toLowerCase();
      if (mediaType === "application/json") continue;
      return fail(
        "content-type-json",
        "Content-Type: application/json",
        header === undefined ? "no Content-Type header" : `Content-Type: ${header}`,
        `${nth(index, deliveries.length)} for ${evidence.label} carries a JSON body but does not say so; frameworks that parse by media type will see a string.`,
      );
    }
    return undefined;
  },
});
