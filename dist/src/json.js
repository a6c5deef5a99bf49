/**
 * Reading what a target answered without trusting its shape: a broken or hostile target may send
 * null, arrays of anything, or the wrong types, and that must read as its fault, not crash the suite.
 */
export function asRecord(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}
/** The objects of a JSON array; anything else in it (null, numbers) is left out. */
export function records(value) {
    return Array.isArray(value) ? value.map(asRecord).filter((r) => r !== undefined) : [];
}
export function stringField(value, key) {
    const field = asRecord(value)?.[key];
    return typeof field === "string" ? field : undefined;
}
/**
 * How deeply a value nests (a scalar is 0), counted without recursion so no input can exhaust the
 * stack, and holding only the path being walked (not every child at once). It stops counting past
 * `limit`, which is all a caller that refuses deep values needs to know.
 */
export function nestingDepth(value, limit = Number.MAX_SAFE_INTEGER) {
    if (value === null || typeof value !== "object")
        return 0;
    const path = [children(value)];
    let deepest = 1;
    while (path.length > 0) {
        const next = path.at(-1).next();
        if (next.done) {
            path.pop();
            continue;
        }
        const child = next.value;
        if (child === null || typeof child !== "object")
            continue;
        path.push(children(child));
        deepest = Math.max(deepest, path.length);
        if (deepest > limit)
            return deepest;
    }
    return deepest;
}
function* children(item) {
    if (Array.isArray(item))
        yield* item;
    else
        for (const key in item)
            yield item[key];
}
