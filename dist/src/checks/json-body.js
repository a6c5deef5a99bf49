import { defineCheck, fail, skip } from "./types.js";
import { duplicateKey } from "../json-duplicates.js";
import { deliveriesOrSkip, nth } from "./evidence-helpers.js";
import { bodyText, parseBody } from "../evidence.js";
const PREVIEW = 200;
export const jsonBody = defineCheck({
    name: "json-body",
    severity: "required",
    version: 2,
    description: "The webhook request body is valid UTF-8 JSON, without a byte order mark (RFC 8259, section 8.1), and no object in it names a key twice (receivers disagree on which value counts).",
    run(evidence) {
        const deliveries = deliveriesOrSkip(evidence);
        if (!Array.isArray(deliveries))
            return deliveries;
        // A body the sink did not keep whole is the suite's limit: the case says so, the check does not blame the target.
        if (deliveries.every((d) => d.discarded === true || d.truncated))
            return skip("the sink did not keep any body whole (see the case's reason)");
        for (const [index, delivery] of deliveries.entries()) {
            if (delivery.discarded === true || delivery.truncated)
                continue;
            const bytes = Buffer.from(delivery.bodyBase64, "base64");
            if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
                return fail("json-body", "a JSON document, starting with its first character", "a byte order mark (EF BB BF) before the JSON", `${nth(index, deliveries.length)} for ${evidence.label} starts with a byte order mark, which JSON sent over a network must not carry (RFC 8259, section 8.1); a receiver that reads the body as text fails to parse it.`);
            }
            const parsed = parseBody(delivery);
            if (parsed.ok) {
                const twice = duplicateKey(bodyText(delivery));
                if (twice === undefined)
                    continue;
                return fail("json-body", "a JSON document whose objects name each key once", `the key ${JSON.stringify(twice)} twice in one object`, `${nth(index, deliveries.length)} for ${evidence.label} gives the key ${JSON.stringify(twice)} twice in one object; receivers disagree on which value counts (the first or the last), so the webhook says two things.`);
            }
            const text = bodyText(delivery);
            const preview = text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
            return fail("json-body", "a JSON document", preview === "" ? "(empty body)" : JSON.stringify(preview), `${nth(index, deliveries.length)} for ${evidence.label} is not JSON: ${parsed.reason}.`);
        }
        return undefined;
    },
});
