import { defineCheck, fail } from "./types.js";
import { fieldLeftOut, nth, objectBodiesOrSkip, quote } from "./evidence-helpers.js";
export const kwargsConfig = defineCheck({
    name: "kwargs-config",
    severity: "required",
    version: 1,
    description: "The webhook's kwargs.config is an object: the documented payload carries the run's configuration in kwargs.",
    run(evidence, context) {
        const left = fieldLeftOut("kwargs", context);
        if (left)
            return left;
        const bodies = objectBodiesOrSkip(evidence);
        if (!Array.isArray(bodies))
            return bodies;
        for (const { index, body } of bodies) {
            const kwargs = body.kwargs;
            const config = kwargs !== null && typeof kwargs === "object" ? kwargs.config : undefined;
            if (config !== null && typeof config === "object" && !Array.isArray(config))
                continue;
            return fail("kwargs-config", "kwargs.config, an object", kwargs === null || typeof kwargs !== "object" ? `kwargs ${quote(kwargs)}` : `kwargs.config ${quote(config)}`, `${nth(index, evidence.deliveries.length)} for ${evidence.label} does not carry the run's configuration.`);
        }
        return undefined;
    },
});
