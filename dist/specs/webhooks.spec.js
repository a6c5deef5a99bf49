import { test } from "../fixtures/conformance.js";
import { loadRuntime } from "../src/runtime.js";
import { ALL_CASES } from "../src/cases/catalog.js";
import { CASE_ATTACHMENT } from "../src/report/types.js";
import { formatCaseFailure, formatWarnings } from "../src/report/format.js";
const runtime = loadRuntime();
const MARGIN_MS = 30_000;
/** A probe that runs alone waits for a normal run, its failing runs and another normal run, plus a fresh server's start. */
const ALONE_STEPS = 3;
test.describe.configure({ mode: "parallel" });
const selected = ALL_CASES.filter((c) => runtime.cases.includes(c.id));
const alone = selected.filter((c) => c.alone === true);
/** The longest one case of the selection can take: every result is final only when the whole run has ended. */
const longest = Math.max(...selected.map((d) => runtime.timeoutMs + runtime.settleMs + (d.cron ? 2 * runtime.cronTimeoutMs : 0) + MARGIN_MS));
for (const definition of selected) {
    test(`${definition.id} · ${definition.operation}`, async ({ conformance }, testInfo) => {
        // Load mode: the repetitions of every case share the concurrency, so the worst case waits for all of them.
        const rounds = runtime.load === undefined ? 1 : Math.ceil((runtime.load.repeat * selected.length) / runtime.load.concurrency);
        // Probes that run alone come after every other case, one after another; every result waits for the last of them.
        const queued = alone.length * ALONE_STEPS + 1;
        // A retry is judged on its own once it ends.
        const budget = (longest + runtime.settleMs) * rounds * queued;
        test.setTimeout(budget + MARGIN_MS);
        const result = await conformance.result(definition, budget);
        await testInfo.attach(CASE_ATTACHMENT, { body: JSON.stringify(result), contentType: "application/json" });
        for (const warning of formatWarnings(result))
            testInfo.annotations.push({ type: "warning", description: warning });
        test.skip(result.outcome === "skipped", result.reason ?? "skipped");
        // An inconclusive case is not a pass wherever a reader looks, JUnit included.
        if (result.outcome === "failed" || result.outcome === "inconclusive")
            throw new Error(formatCaseFailure(result));
    });
}
