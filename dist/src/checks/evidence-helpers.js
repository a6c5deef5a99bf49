import { parseBody } from "../evidence.js";
import { skip } from "./types.js";
export const NO_DELIVERY = "no delivery arrived, so there is nothing to inspect (see the delivered check)";
/** How a message names one delivery of a run: "The delivery" or "Delivery 2 of 3". */
export function nth(index, total) {
    return total === 1 ? "The delivery" : `Delivery ${index + 1} of ${total}`;
}
/** Deliveries to inspect, or a skip when none arrived. */
export function deliveriesOrSkip(evidence) {
    return evidence.deliveries.length === 0 ? skip(NO_DELIVERY) : evidence.deliveries;
}
/** The deliveries whose bodies are JSON objects; the json-body check speaks for the rest. */
export function objectBodies(evidence) {
    const bodies = [];
    evidence.deliveries.forEach((delivery, index) => {
        const parsed = parseBody(delivery);
        if (parsed.ok && typeof parsed.value === "object" && parsed.value !== null && !Array.isArray(parsed.value)) {
            bodies.push({ index, body: parsed.value });
        }
    });
    return bodies;
}
export function quote(value) {
    if (value === undefined)
        return "(absent)";
    return JSON.stringify(value);
}
/** Why a field cannot be judged on this deployment, when its webhooks leave it out on purpose. */
export function fieldLeftOut(field, context) {
    if (context.allowedFields === undefined || context.allowedFields.has(field))
        return undefined;
    return skip(`the deployment's webhooks carry only ${[...context.allowedFields].join(", ")} (--allowed-fields), so ${field} is left out on purpose`);
}
/** The JSON object bodies, or a skip saying why there are none to judge. */
export function objectBodiesOrSkip(evidence) {
    if (evidence.deliveries.length === 0)
        return skip(NO_DELIVERY);
    const bodies = objectBodies(evidence);
    return bodies.length === 0 ? skip("no body was a JSON object (see json-body and run-schema)") : bodies;
}
