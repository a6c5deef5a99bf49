import { defineCheck, fail, skip } from "./types.js";
import { describeAttempts } from "./attempts.js";
export const retried = defineCheck({
    name: "retried",
    severity: "recommended",
    version: 1,
    profile: "hardening",
    description: "Hardening: when the receiver's first answer is a failure (HTTP 500, or no answer while it hangs), the target tries the delivery again within the observation window. The published API does not promise retries, so a target that never retries gets a warning: a receiver's brief outage loses the webhook.",
    run(evidence) {
        if (evidence.receiver === undefined)
            return skip("the receiver answered every request with success");
        const first = evidence.deliveries[0];
        if (first === undefined)
            return skip("no delivery arrived, so there is no retry to look for (see the delivered check)");
        if (evidence.deliveries.length > 1)
            return undefined;
        const answered = first.answer === undefined ? "never answered it" : `answered HTTP ${first.answer.status}`;
        return fail("retried", `a second attempt after the receiver ${answered}`, `1 request (${describeAttempts(evidence.deliveries)}), none more within ${evidence.settleMs} ms`, `The target delivered ${evidence.label} once and did not retry after the receiver ${answered}; the webhook is lost whenever a receiver fails briefly.`);
    },
});
