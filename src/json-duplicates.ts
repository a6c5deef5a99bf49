/**
 * The first object key a JSON text gives twice in one object, if any. JSON.parse keeps the last
 * value silently; other parsers keep the first, so a receiver's reading depends on its library.
 * The text is assumed to parse (callers parse it first); this only scans its tokens.
 */
export function duplicateKey(text: string): string | undefined {
  const stack: { keys: Set<string> | undefined; expectKey: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "{") {
      stack.push({ keys: new Set(), expectKey: true });
      i += 1;
    } else if (c === "[") {
      stack.push({ keys: undefined, expectKey: false });
      i += 1;
    } else if (c === "}" || c === "]") {
      stack.pop();
      i += 1;
    } else if (c === ",") {
      const top = stack.at(-1);
      if (top?.keys !== undefined) top.expectKey = true;
      i += 1;
    } else if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const top = stack.at(-1);
      if (top?.keys !== undefined && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end + 1;
    } else {
      i += 1;
    }
  }
  return undefined;
}
