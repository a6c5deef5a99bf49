import { defineCheck, fail, skip } from "./types.js";
import { fieldLeftOut, nth } from "./evidence-helpers.js";
import { parseBody } from "../evidence.js";
export const runSchema = defineCheck({
    name: "run-schema",
    severity: "required",
    version: 1,
    description: "The body validates against the Run schema with formats enforced (uuid, date-time); each violation is listed with its path, rule and value.",
    run(evidence, context) {
        if (evidence.deliveries.length === 0)
            return skip("no delivery arrived, so there is nothing to validate");
        for (const [index, delivery] of evidence.deliveries.entries()) {
            const parsed = parseBody(delivery);
            if (!parsed.ok)
                continue;
            // A field the deployment leaves out on purpose (--allowed-fields) is not missing.
            const problems = context.validateRun(parsed.value).filter((p) => !(p.rule.startsWith("required property") && fieldLeftOut(p.path.replace(/^\//, ""), context) !== undefined));
            if (problems.length === 0)
                continue;
            const lines = problems.map((p) => `${p.path || "(root)"}: ${p.rule}${p.value === "(absent)" ? "" : `; value ${p.value}`}`);
            return fail("run-schema", `a Run (${context.validateRun.source})`, lines.join("\n"), `${nth(index, evidence.deliveries.length)} for ${evidence.label} is not a valid Run: ${problems.length} violation${problems.length === 1 ? "" : "s"}.`);
        }
        if (evidence.deliveries.every((d) => !parseBody(d).ok))
            return skip("no body was JSON (see the json-body check)");
        return undefined;
    },
});
