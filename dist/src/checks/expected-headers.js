import { defineCheck, fail, skip } from "./types.js";
import { deliveriesOrSkip, nth } from "./evidence-helpers.js";
export const expectedHeaders = defineCheck({
    name: "expected-headers",
    severity: "required",
    version: 1,
    description: "Every delivery carries the headers given with --expect-header (the deployment's webhooks.headers), with the given value where one was given, or else a value that is not empty (an unset environment variable in the configuration gives an empty one). Values are never printed.",
    run(evidence, context) {
        const wanted = context.expectHeaders ?? [];
        if (wanted.length === 0)
            return skip("no --expect-header was given");
        const deliveries = deliveriesOrSkip(evidence);
        if (!Array.isArray(deliveries))
            return deliveries;
        for (const [index, delivery] of deliveries.entries()) {
            for (const [name, value] of wanted) {
                const found = delivery.headers.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
                // An empty value is what an unset ${{ env.NAME }} in a deployment's configuration becomes: the header says nothing.
                if (value === undefined ? found.some((v) => v.trim() !== "") : found.includes(value))
                    continue;
                return fail("expected-headers", value === undefined ? `a ${name} header` : `${name}: (the configured value)`, found.length === 0 ? `no ${name} header` : found.every((v) => v.trim() === "") ? `${name} with an empty value` : `${name}: (another value, not shown)`, `${nth(index, deliveries.length)} for ${evidence.label} lacks the ${name} header the deployment is configured to send${found.length > 0 ? " with its configured value" : ""}.`);
            }
        }
        return undefined;
    },
});
