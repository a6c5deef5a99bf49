import { defineCheck, fail } from "./types.js";
import { deliveriesOrSkip, nth } from "./evidence-helpers.js";
import { headerValue } from "../evidence.js";
export const contentTypeJson = defineCheck({
    name: "content-type-json",
    severity: "recommended",
    version: 2,
    description: "The webhook request declares Content-Type application/json (with no charset, or utf-8), so receivers that dispatch on the media type parse it, and decode it as the UTF-8 it is.",
    run(evidence) {
        const deliveries = deliveriesOrSkip(evidence);
        if (!Array.isArray(deliveries))
            return deliveries;
        for (const [index, delivery] of deliveries.entries()) {
            const header = headerValue(delivery, "content-type");
            const mediaType = header?.split(";")[0]?.trim().toLowerCase();
            const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(header ?? "")?.[1]?.toLowerCase();
            if (mediaType === "application/json" && (charset === undefined || charset === "utf-8" || charset === "utf8"))
                continue;
            if (mediaType === "application/json") {
                return fail("content-type-json", "Content-Type: application/json (charset, if given, utf-8)", `Content-Type: ${header}`, `${nth(index, deliveries.length)} for ${evidence.label} declares the charset ${charset}, but JSON is UTF-8; a receiver that honours the declaration garbles every character outside ASCII.`);
            }
            return fail("content-type-json", "Content-Type: application/json", header === undefined ? "no Content-Type header" : `Content-Type: ${header}`, `${nth(index, deliveries.length)} for ${evidence.label} carries a JSON body but does not say so; frameworks that parse by media type will see a string.`);
        }
        return undefined;
    },
});
