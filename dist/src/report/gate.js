/** The required failures of a case, as (case, check) pairs; a case that could not run counts as "*". */
function failures(c) {
    const checks = c.checks.filter((k) => k.outcome === "failed" && k.severity === "required").map((k) => ({ case: c.id, check: k.name }));
    return c.outcome === "failed" && checks.length === 0 ? [{ case: c.id, check: "*" }] : checks;
}
/**
 * Decides whether a run passes a CI gate: every required failure must be expected, no case may be
 * flaky, and with `strict`, every expectation must still be needed.
 */
export function evaluateGate(cases, expectations, strict) {
    const covers = (e, f) => e.case === f.case && (e.check === "*" || e.check === f.check);
    const all = cases.flatMap(failures);
    const unexpected = all.filter((f) => !expectations.some((e) => covers(e, f)));
    const expected = all
        .map((f) => ({ f, e: expectations.find((e) => covers(e, f)) }))
        .filter((x) => x.e !== undefined)
        .map(({ f, e }) => ({ ...f, reason: e.reason }));
    const ran = new Set(cases.filter((c) => c.outcome !== "skipped").map((c) => c.id));
    const nowPassing = expectations
        .filter((e) => ran.has(e.case) && !all.some((f) => covers(e, f)))
        .map((e) => ({ case: e.case, check: e.check, reason: e.reason }));
    const flaky = cases.filter((c) => c.outcome === "flaky").map((c) => c.id);
    // A waived failure leaves the case "failed": its required checks left unjudged still count.
    const inconclusive = cases.flatMap((c) => {
        if (c.outcome === "inconclusive")
            return [c.id];
        // Per run too: a case's merged checks show a failure where one run failed and another was never judged.
        const all = [...c.checks, ...c.runs.flatMap((r) => r.checks)];
        const unjudged = [...new Set(all.filter((k) => k.outcome === "inconclusive" && k.severity === "required").map((k) => k.name))];
        return unjudged.length > 0 ? [`${c.id} (${unjudged.join(", ")})`] : [];
    });
    const nothingRan = cases.every((c) => c.outcome === "skipped");
    return {
        passed: unexpected.length === 0 && flaky.length === 0 && inconclusive.length === 0 && !nothingRan && (!strict || nowPassing.length === 0),
        unexpected,
        expected,
        nowPassing,
        flaky,
        inconclusive,
        strict,
    };
}
