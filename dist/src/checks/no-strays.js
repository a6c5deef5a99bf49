import { defineCheck, fail, skip } from "./types.js";
export const noStrays = defineCheck({
    name: "no-strays",
    severity: "required",
    version: 2,
    description: "No webhook arrived at a URL the suite never handed out (a POST, or any request with a body, under its /hook/ path; or a body naming a run, at any path): a target that sends to such URLs announces runs to receivers that never asked. Requests that are not webhooks (a bodyless GET, another path with no run in its body) are counted as noise and not judged. Judged once per run, on the case unexpected-deliveries.",
    run(evidence) {
        const strays = evidence.strays;
        if (strays === undefined)
            return skip("judged once for the whole run, on the case unexpected-deliveries");
        if (strays.count === 0)
            return undefined;
        const listed = strays.sample.map((s) => `${s.method} ${s.target}`);
        if (strays.count > strays.sample.length)
            listed.push(`… and ${strays.count - strays.sample.length} more`);
        return fail("no-strays", "no request other than one per run the suite created", listed.join("\n"), `${strays.count} request${strays.count === 1 ? "" : "s"} arrived for no run the suite created (first: ${strays.sample[0]?.method ?? "?"} ${strays.sample[0]?.target ?? "?"}).`);
    },
});
