import { defineCheck, fail, skip } from "./types.js";
const snippet = (text) => (text.length > 300 ? `${text.slice(0, 300)}…` : text) || "(empty body)";
export const refusedAtCreate = defineCheck({
    name: "refused-at-create",
    severity: "required",
    version: 1,
    profile: "hardening",
    description: "Hardening: a run created with an unusable webhook value (not a URL, an unsupported scheme, an empty string, longer than the published 65,536 characters) is refused with a 4xx answer that says why, not accepted and failed later. A relative reference, which the published schema's uri-reference format allows, may be accepted; no value may make the target answer 5xx.",
    run(evidence) {
        const probe = evidence.creation;
        if (probe === undefined)
            return skip("not a probe of an invalid webhook value");
        const { status, body } = probe;
        const received = `HTTP ${status}: ${snippet(body.trim())}`;
        if (probe.mayAccept !== undefined && status >= 200 && status < 300)
            return undefined;
        if (status >= 400 && status < 500 && body.trim() !== "")
            return undefined;
        const expected = probe.mayAccept === undefined ? `HTTP 4xx with a reason, refusing ${probe.invalid}` : `HTTP 2xx or 4xx for ${probe.invalid} (${probe.mayAccept})`;
        const verdict = status >= 200 && status < 300
            ? `accepted ${probe.invalid} as a webhook and created the run; the delivery can only fail later, where nobody sees it`
            : status >= 500
                ? `answered ${status} to ${probe.invalid} as a webhook: the value should be refused as the caller's mistake (4xx)`
                : status >= 400
                    ? `refused ${probe.invalid} without saying why (empty body)`
                    : `answered ${status} to ${probe.invalid} as a webhook`;
        return fail("refused-at-create", expected, received, `The target ${verdict}.`);
    },
});
