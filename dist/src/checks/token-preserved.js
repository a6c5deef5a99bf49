import { defineCheck, fail } from "./types.js";
import { deliveriesOrSkip, nth } from "./evidence-helpers.js";
import { rawQueryParam, requestTargetOf } from "../sink/case-url.js";
import { redactToken } from "../report/redact.js";
export const tokenPreserved = defineCheck({
    name: "token-preserved",
    severity: "required",
    version: 1,
    description: "The path and query string of the webhook URL arrived byte for byte as the suite handed them out, token included.",
    run(evidence) {
        const deliveries = deliveriesOrSkip(evidence);
        if (!Array.isArray(deliveries))
            return deliveries;
        const expected = requestTargetOf(evidence.webhookUrl);
        const prefix = evidence.publicPrefix;
        // A reverse proxy in front of the sink may strip the public URL's path prefix; the rest must be untouched.
        const stripped = prefix && expected.startsWith(`${prefix}/`) ? expected.slice(prefix.length) : undefined;
        const index = deliveries.findIndex((d) => d.target !== expected && d.target !== stripped);
        if (index < 0)
            return undefined;
        const received = deliveries[index].target;
        const sentToken = rawQueryParam(expected, "token");
        const gotToken = rawQueryParam(received, "token");
        const tokenNote = gotToken === sentToken
            ? "the token parameter itself arrived intact; the rest of the URL changed"
            : gotToken === undefined
                ? "the token parameter is missing"
                : `the token parameter changed (sent ${redactToken(sentToken ?? "")}, received ${redactToken(gotToken)})`;
        return fail("token-preserved", redactToken(expected), redactToken(received), `${nth(index, deliveries.length)} for ${evidence.label} arrived at a different URL than the one handed out: ${tokenNote}.`);
    },
});
