/** Where two JSON values first differ, as a path a reader can follow: "$.text" or "$.items[2]". */
export interface Difference {
  path: string;
  expected: unknown;
  received: unknown;
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * Compares two values as JSON documents (object key order does not matter; numbers compare by
 * value; strings code unit by code unit, so a re-encoded or normalised text differs). Returns
 * the first difference in document order, or undefined when they are equal.
 */
export function firstDifference(expected: unknown, received: unknown, path = "$"): Difference | undefined {
  if (kind(expected) !== kind(received)) return { path, expected, received };
  if (Array.isArray(expected)) {
    const other = received as unknown[];
    for (let i = 0; i < Math.max(expected.length, other.length); i += 1) {
      if (i >= expected.length || i >= other.length) return { path: `${path}[${i}]`, expected: expected[i], received: other[i] };
      const inner = firstDifference(expected[i], other[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === "object") {
    const a = expected as Record<string, unknown>;
    const b = received as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const child = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      // Own keys only: a parsed "__proto__" key must not be matched by the prototype every object inherits.
      if (!Object.hasOwn(b, key)) return { path: child, expected: a[key], received: undefined };
      if (!Object.hasOwn(a, key)) return { path: child, expected: undefined, received: b[key] };
      const inner = firstDifference(a[key], b[key], child);
      if (inner) return inner;
    }
    return undefined;
  }
  return Object.is(expected, received) || expected === received ? undefined : { path, expected, received };
}

/** A value as a short quote for a finding: JSON, cut with an ellipsis past `max` characters. */
export function short(value: unknown, max = 160): string {
  if (value === undefined) return "(absent)";
  // JSON.stringify gives undefined only for functions and symbols, which parsed JSON never holds.
  const text = JSON.stringify(value) ?? typeof value;
  // A double keeps no digits beyond 2^53: the numeral as written may differ from the one shown.
  if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) return `${text} (as a double reads it; the digits written may differ)`;
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** "at $.text: expected "…", received "…"" */
export function describeDifference(difference: Difference): string {
  return `at ${difference.path}: expected ${short(difference.expected)}, received ${short(difference.received)}`;
}
