import { defineCheck, fail } from "./types.js";
import { fieldLeftOut, nth, objectBodiesOrSkip, quote } from "./evidence-helpers.js";
import { redactToken } from "../report/redact.js";
import { rawQueryParam, requestTargetOf } from "../sink/case-url.js";
export const kwargsWebhook = defineCheck({
    name: "kwargs-webhook",
    severity: "required",
    version: 1,
    description: "Where the webhook's kwargs carries webhook, it is exactly the URL handed out for the run (compared byte for byte; the token is never printed): a receiver that reads it learns where the run reports.",
    run(evidence, context) {
        const left = fieldLeftOut("kwargs", context);
        if (left)
            return left;
        const bodies = objectBodiesOrSkip(evidence);
        if (!Array.isArray(bodies))
            return bodies;
        for (const { index, body } of bodies) {
            const kwargs = body.kwargs;
            if (kwargs === null || typeof kwargs !== "object" || !("webhook" in kwargs))
                continue;
            if (kwargs.webhook === evidence.webhookUrl)
                continue;
            const received = typeof kwargs.webhook === "string" ? redactToken(kwargs.webhook) : quote(kwargs.webhook);
            const tokenOf = (url) => rawQueryParam(requestTargetOf(url), "token");
            const sameToken = typeof kwargs.webhook === "string" && tokenOf(kwargs.webhook) === tokenOf(evidence.webhookUrl);
            return fail("kwargs-webhook", redactToken(evidence.webhookUrl), received, `${nth(index, evidence.deliveries.length)} for ${evidence.label} names another webhook URL in kwargs.webhook than the one handed out${sameToken ? " (the token matches; the rest of the URL differs)" : ""}.`);
        }
        return undefined;
    },
});
