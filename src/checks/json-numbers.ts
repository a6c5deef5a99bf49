/**
 * JSON.parse reads every number as a double, so `9007199254740991`, `9.007199254740991e15` and
 * `9007199254740991.4` all compare equal after parsing. A receiver that keeps integers exact
 * (Python's json, a BigInt or Decimal decoder) reads the last two as other values. These find
 * an integer the suite sent written in the raw body with a fraction or an exponent.
 */

/** Integers too large to meet by chance elsewhere in a body (a small one may well be another field's float). */
const DISTINCTIVE = 2 ** 32;

/** The distinctive integers in a JSON value. */
export function largeIntegers(value: unknown, found = new Set<number>()): Set<number> {
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === "number" && Number.isInteger(item) && Math.abs(item) >= DISTINCTIVE) found.add(item);
    else if (Array.isArray(item)) stack.push(...(item as unknown[]));
    else if (item !== null && typeof item === "object") stack.push(...Object.values(item as Record<string, unknown>));
  }
  return found;
}

/** The first number in a JSON text, outside its strings, written with a fraction or exponent whose value is one of `integers`. */
export function integerWrittenInexactly(text: string, integers: ReadonlySet<number>): string | undefined {
  if (integers.size === 0) return undefined;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c !== "-" && (c < "0" || c > "9")) continue;
    const lexeme = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400))?.[0] ?? c;
    i += lexeme.length - 1;
    if (/[.eE]/.test(lexeme) && integers.has(Number(lexeme))) return lexeme;
  }
  return undefined;
}
