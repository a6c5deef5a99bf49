import { nestingDepth } from "./json.js";
export const ANNOUNCED = { delivery: "required" };
export function headerValue(delivery, name) {
    const lower = name.toLowerCase();
    return delivery.headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}
export function bodyText(delivery) {
    const known = bodyTexts.get(delivery);
    if (known !== undefined)
        return known;
    const text = Buffer.from(delivery.bodyBase64, "base64").toString("utf8");
    bodyTexts.set(delivery, text);
    return text;
}
/** Deeper than any graph state a webhook carries; the checks then judge no further than the parse. */
const MAX_BODY_DEPTH = 512;
/** Each body is decoded and parsed once, however many checks read it (a large one costs seconds each time). */
const parsedBodies = new WeakMap();
const bodyTexts = new WeakMap();
export function parseBody(delivery) {
    const known = parsedBodies.get(delivery);
    if (known !== undefined)
        return known;
    const parsed = parseOnce(delivery);
    parsedBodies.set(delivery, parsed);
    return parsed;
}
function parseOnce(delivery) {
    const bytes = Buffer.from(delivery.bodyBase64, "base64");
    if (bytes.length === 0)
        return { ok: false, reason: "the body is empty" };
    let value;
    try {
        const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        value = JSON.parse(text);
    }
    catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    if (nestingDepth(value, MAX_BODY_DEPTH) > MAX_BODY_DEPTH)
        return { ok: false, reason: `it nests deeper than ${MAX_BODY_DEPTH} levels` };
    return { ok: true, value };
}
