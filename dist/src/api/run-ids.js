const RUN_PATH = /\/threads\/([^/]+)\/runs\/([^/?#]+)|\/runs\/([^/?#]+)/;
/** Reads the run (and thread) id from a Content-Location header such as /threads/T/runs/R or /runs/R. */
export function idsFromContentLocation(value) {
    const header = Array.isArray(value) ? value[0] : value;
    if (!header)
        return {};
    const match = RUN_PATH.exec(header);
    if (!match)
        return {};
    if (match[1] !== undefined && match[2] !== undefined)
        return { thread_id: match[1], run_id: match[2] };
    return match[3] !== undefined ? { run_id: match[3] } : {};
}
/** The identity fields of a Run object in a response body. */
export function idsFromRun(value) {
    if (value === null || typeof value !== "object")
        return {};
    const run = value;
    const ids = {};
    if (typeof run.run_id === "string")
        ids.run_id = run.run_id;
    if (typeof run.thread_id === "string")
        ids.thread_id = run.thread_id;
    if (typeof run.assistant_id === "string")
        ids.assistant_id = run.assistant_id;
    return ids;
}
/** The created_at of a Run object in a response body, as written. */
export function createdAtOfRun(value) {
    if (value === null || typeof value !== "object")
        return undefined;
    const createdAt = value.created_at;
    return typeof createdAt === "string" ? createdAt : undefined;
}
/** Later sources fill what earlier ones left out; the first one to name a field wins. */
export function mergeIds(...sources) {
    const merged = {};
    for (const source of sources) {
        for (const key of ["run_id", "thread_id", "assistant_id"]) {
            const value = source[key];
            if (merged[key] === undefined && value !== undefined)
                merged[key] = value;
        }
    }
    return merged;
}
