import { ConformanceError } from "../errors.js";
/**
 * API paths built from ids. Ids a target hands back are data, not path: each is percent-encoded,
 * so an id such as "../../other/runs/x" cannot point a request at something else. "." and ".."
 * are refused outright: URL parsing treats even their percent-encoded forms as dot segments, so
 * no encoding keeps them from naming the collection or its parent.
 */
// A lone surrogate cannot be written as UTF-8 at all (percent-encoding it throws), so it cannot be sent either.
export const usableId = (value) => value !== "" && !/^(?:\.|%2e){1,2}$/i.test(value) && !/\p{Cs}/u.test(value);
export function pathId(value) {
    if (!usableId(value)) {
        throw new ConformanceError("LGWC_TARGET_BROKEN", `The target handed back the id ${JSON.stringify(value)}, which no request path can carry (it is empty, names the collection or its parent, or is not valid Unicode); the suite sends nothing to it.`);
    }
    return encodeURIComponent(value);
}
export const threadPath = (threadId) => `/threads/${pathId(threadId)}`;
export const runPath = (threadId, runId) => `${threadPath(threadId)}/runs/${pathId(runId)}`;
export const cronPath = (cronId) => `/runs/crons/${pathId(cronId)}`;
