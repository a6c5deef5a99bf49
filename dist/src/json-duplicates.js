/**
 * The first object key a JSON text gives twice in one object, if any. JSON.parse keeps the last
 * value silently; other parsers keep the first, so a receiver's reading depends on its library.
 * The text is assumed to parse (callers parse it first); this only scans its tokens.
 */
export function duplicateKey(text) {
    const stack = [];
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        if (c === "{") {
            stack.push({ keys: new Set(), expectKey: true });
            i += 1;
        }
        else if (c === "[") {
            stack.push({ keys: undefined, expectKey: false });
            i += 1;
        }
        else if (c === "}" || c === "]") {
            stack.pop();
            i += 1;
        }
        else if (c === ",") {
            const top = stack.at(-1);
            if (top?.keys !== undefined)
                top.expectKey = true;
            i += 1;
        }
        else if (c === '"') {
            let end = i + 1;
            while (end < text.length && text[end] !== '"')
                end += text[end] === "\\" ? 2 : 1;
            const top = stack.at(-1);
            if (top?.keys !== undefined && top.expectKey) {
                const key = JSON.parse(text.slice(i, end + 1));
                if (top.keys.has(key))
                    return key;
                top.keys.add(key);
                top.expectKey = false;
            }
            i = end + 1;
        }
        else {
            i += 1;
        }
    }
    return undefined;
}
/** Deeper than any certification the suite writes (its deepest part is a user's --input), and shallow enough to hash. */
export const MAX_SEALED_DEPTH = 1_000;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/**
 * Why a sealed JSON text may read differently to different readers, if it may: a key given twice,
 * a number that does not read back as written (1e400 reads as Infinity, which the seal's canonical
 * form writes as null; 0.1000000000000000001 as 0.1), or nesting deeper than the suite ever writes.
 * The suite writes numbers as they read back, so a text it wrote has none of these. The text is
 * assumed to parse.
 */
export function sealedTextProblem(text) {
    const twice = duplicateKey(text);
    if (twice !== undefined)
        return `it gives the key "${twice}" twice in one object, which the suite never writes, so readers may disagree on what it says`;
    let depth = 0;
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        if (c === '"') {
            i += 1;
            while (i < text.length && text[i] !== '"')
                i += text[i] === "\\" ? 2 : 1;
            i += 1;
        }
        else if (c === "{" || c === "[") {
            depth += 1;
            if (depth > MAX_SEALED_DEPTH)
                return `it nests more than ${MAX_SEALED_DEPTH} levels deep, which no certification of the suite does`;
            i += 1;
        }
        else if (c === "}" || c === "]") {
            depth -= 1;
            i += 1;
        }
        else if (c === "-" || (c >= "0" && c <= "9")) {
            NUMBER.lastIndex = i;
            const written = NUMBER.exec(text)?.[0] ?? c;
            if (JSON.stringify(Number(written)) !== written) {
                return `it writes the number ${written.length > 40 ? `${written.slice(0, 40)}…` : written}, which does not read back as written (the suite writes every number as it reads back), so readers may disagree on its value`;
            }
            i += written.length;
        }
        else {
            i += 1;
        }
    }
    return undefined;
}
