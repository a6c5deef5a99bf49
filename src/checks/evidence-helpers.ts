import { parseBody, type Delivery, type RunEvidence } from "../evidence.js";
import { skip, type CheckSkip } from "./types.js";

export const NO_DELIVERY = "no delivery arrived, so there is nothing to inspect (see the delivered check)";

/** How a message names one delivery of a run: "The delivery" or "Delivery 2 of 3". */
export function nth(index: number, total: number): string {
  return total === 1 ? "The delivery" : `Delivery ${index + 1} of ${total}`;
}

/** Deliveries to inspect, or a skip when none arrived. */
export function deliveriesOrSkip(evidence: RunEvidence): Delivery[] | CheckSkip {
  return evidence.deliveries.length === 0 ? skip(NO_DELIVERY) : evidence.deliveries;
}

export interface JsonObjectBody {
  index: number;
  body: Record<string, unknown>;
}

/** The deliveries whose bodies are JSON objects; the json-body check speaks for the rest. */
export function objectBodies(evidence: RunEvidence): JsonObjectBody[] {
  const bodies: JsonObjectBody[] = [];
  evidence.deliveries.forEach((delivery, index) => {
    const parsed = parseBody(delivery);
    if (parsed.ok && typeof parsed.value === "object" && parsed.value !== null && !Array.isArray(parsed.value)) {
      bodies.push({ index, body: parsed.value as Record<string, unknown> });
    }
  });
  return bodies;
}

export function quote(value: unknown): string {
  if (value === undefined) return "(absent)";
  return JSON.stringify(value);
}
