import { defineCheck, fail, skip } from "./types.js";
export const notDelivered = defineCheck({
    name: "not-delivered",
    severity: "required",
    version: 1,
    description: "Nothing arrives at a URL that must stay silent: the webhook of a run the target refused (multitask_strategy reject), or a cron's webhook after PATCH replaced it.",
    run(evidence) {
        if (evidence.expect.delivery !== "none")
            return skip("this run is expected to be announced");
        if (evidence.deliveries.length === 0)
            return undefined;
        const first = evidence.deliveries[0];
        return fail("not-delivered", `no request for ${evidence.label}`, `${evidence.deliveries.length} request(s), the first ${first.method} ${first.target}`, `A webhook arrived for ${evidence.label}, which must stay silent: ${evidence.expect.why ?? "it was never a run"}.`);
    },
});
