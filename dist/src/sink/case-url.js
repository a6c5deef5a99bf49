import { randomBytes } from "node:crypto";
/** The path under which each case gets its own segment. */
export const HOOK_PREFIX = "/hook/";
/**
 * A fresh token built to expose URL rewriting: unreserved punctuation that some clients
 * re-encode, and a percent-encoded "+" that a decoder turns into "+" or " ".
 */
export function makeToken() {
    return makeTokenParts().token;
}
/** A token and its random pieces, which a redactor can find in any encoding of the URL. */
export function makeTokenParts() {
    const left = randomBytes(9).toString("base64url").replace(/[-_]/g, "x");
    const right = randomBytes(6).toString("base64url").replace(/[-_]/g, "y");
    return { token: `${left}-_.~%2B${right}`, pieces: [left, right] };
}
export function makeCaseKey(caseId) {
    const slug = caseId.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 40);
    return `${slug}-${randomBytes(4).toString("hex")}`;
}
/** Joins the sink's base URL (which may carry a path prefix) and the case's own path and token. */
export function caseUrl(base, caseKey, token) {
    return `${base.replace(/\/+$/, "")}${HOOK_PREFIX}${caseKey}?token=${token}`;
}
/** The request-target a client should send for a URL, taken from the string as written (no normalisation). */
export function requestTargetOf(url) {
    const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
    const rest = match ? url.slice(match[0].length) : url;
    const withoutFragment = rest.split("#")[0] ?? "";
    return withoutFragment === "" || withoutFragment.startsWith("?") ? `/${withoutFragment}` : withoutFragment;
}
/** The raw (still encoded) value of a query parameter, or undefined when absent. */
export function rawQueryParam(target, name) {
    const query = target.includes("?") ? target.slice(target.indexOf("?") + 1) : "";
    for (const pair of query.split("&")) {
        const eq = pair.indexOf("=");
        const key = eq < 0 ? pair : pair.slice(0, eq);
        if (key === name)
            return eq < 0 ? "" : pair.slice(eq + 1);
    }
    return undefined;
}
/** The case key a request-target belongs to: any path segment that is a known key. */
export function caseKeyOf(target, known) {
    const path = target.split("?")[0] ?? "";
    return path.split("/").find((segment) => segment !== "" && known(segment));
}
