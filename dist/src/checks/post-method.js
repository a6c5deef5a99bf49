import { defineCheck, fail } from "./types.js";
import { deliveriesOrSkip, nth } from "./evidence-helpers.js";
export const postMethod = defineCheck({
    name: "post-method",
    severity: "required",
    version: 1,
    description: "The webhook request uses the POST method.",
    run(evidence) {
        const deliveries = deliveriesOrSkip(evidence);
        if (!Array.isArray(deliveries))
            return deliveries;
        const index = deliveries.findIndex((d) => d.method !== "POST");
        if (index < 0)
            return undefined;
        const method = deliveries[index].method;
        return fail("post-method", "POST", method, `${nth(index, deliveries.length)} for ${evidence.label} used ${method} instead of POST.`);
    },
});
