import { defineCheck, fail, skip } from "./types.js";
import { describeAttempts } from "./attempts.js";
/** More than this many requests for one run in the window is a storm, not a retry policy. */
export const MAX_ATTEMPTS = 10;
/** Retries closer together than this give a failing receiver no time to recover. */
export const MIN_SPACING_MS = 100;
export const retriesBounded = defineCheck({
    name: "retries-bounded",
    severity: "recommended",
    version: 1,
    profile: "hardening",
    description: `Hardening: a target that retries a failed delivery does so at most ${MAX_ATTEMPTS} times within the observation window and waits at least ${MIN_SPACING_MS} ms between attempts, so a struggling receiver is not flooded.`,
    run(evidence) {
        const deliveries = evidence.deliveries;
        if (evidence.receiver === undefined)
            return skip("the receiver answered every request with success");
        if (deliveries.length < 2)
            return skip("the target did not retry (see the retried check)");
        const gaps = deliveries.slice(1).map((d, i) => d.receivedAt - deliveries[i].receivedAt);
        const tightest = Math.min(...gaps);
        if (deliveries.length <= MAX_ATTEMPTS && tightest >= MIN_SPACING_MS)
            return undefined;
        return fail("retries-bounded", `at most ${MAX_ATTEMPTS} attempts, at least ${MIN_SPACING_MS} ms apart`, `${deliveries.length} attempts, ${tightest} ms apart at the closest (${describeAttempts(deliveries.slice(0, 12))}${deliveries.length > 12 ? ", …" : ""})`, `The target retried ${evidence.label} ${deliveries.length - 1} times, ${tightest} ms apart at the closest: a receiver that is failing would be flooded.`);
    },
});
