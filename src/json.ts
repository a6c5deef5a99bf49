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

/** How deeply a value nests (a scalar is 0), counted without recursion so no input can exhaust the stack. */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Array.isArray(item) ? item : Object.values(item as JsonRecord)) stack.push([child, depth + 1]);
  }
  return deepest;
}
