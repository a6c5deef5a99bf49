/**
 * Reading what a target answered without trusting its shape: a broken or hostile target may send
 * null, arrays of anything, or the wrong types, and that must read as its fault, not crash the suite.
 */

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

/** The objects of a JSON array; anything else in it (null, numbers) is left out. */
export function records(value: unknown): JsonRecord[] {
  return Array.isArray(value) ? value.map(asRecord).filter((r): r is JsonRecord => r !== undefined) : [];
}

export function stringField(value: unknown, key: string): string | undefined {
  const field = asRecord(value)?.[key];
  return typeof field === "string" ? field : undefined;
}
