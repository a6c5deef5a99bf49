import { count } from "../text.js";
import { verdictWords } from "../report/certification.js";
import { formatCaseFailure } from "../report/format.js";
import { loadLines } from "../report/load.js";
const MARK = { passed: "✓", failed: "✗", skipped: "-", flaky: "~", inconclusive: "?" };
/**
 * What the user reads on stdout when the run ends. A run whose cases each printed a progress line
 * as they ended (Playwright's) does not list them again; load mode and merge, which print none, do.
 */
export function renderSummary(c, reportDir, options = {}) {
    const lines = [""];
    const width = Math.max(...c.cases.map((k) => k.id.length), 4);
    for (const k of options.caseLines === false ? [] : c.cases) {
        const warn = k.checks.filter((x) => x.outcome === "failed" && x.severity === "recommended").map((x) => x.name);
        const note = k.outcome === "skipped" ? `skipped: ${k.reason ?? ""}` : warn.length > 0 ? `warning: ${warn.join(", ")}` : "";
        lines.push(`  ${MARK[k.outcome]} ${k.id.padEnd(width)}  ${k.operation}  ${(k.durationMs / 1000).toFixed(1)} s${note ? `  (${note})` : ""}`);
    }
    const failures = c.cases.filter((k) => k.outcome === "failed" || k.outcome === "inconclusive");
    if (failures.length > 0)
        lines.push("", ...failures.map((k) => `${formatCaseFailure(k)}\n`));
    const warnings = c.cases.flatMap((k) => k.checks.filter((x) => x.outcome === "failed" && x.severity === "recommended").map((x) => ({ k, x })));
    const seen = new Set();
    for (const { x } of warnings) {
        if (seen.has(x.name))
            continue;
        seen.add(x.name);
        lines.push("", `Warning (${x.name}, recommended, ${count(warnings.filter((w) => w.x.name === x.name).length, "case")}): ${x.message}`);
        lines.push(`  Expected: ${x.expected ?? ""}`, `  Received: ${x.received ?? ""}`);
    }
    const s = c.summary;
    const g = c.gate;
    const list = (items) => items.map((f) => `${f.case}/${f.check}${f.reason ? ` (${f.reason})` : ""}`).join(", ");
    if (g.flaky.length > 0)
        lines.push("", `Flaky (passed only on a retry, which is not passing): ${g.flaky.join(", ")}`);
    if (g.expected.length + g.nowPassing.length > 0 || g.strict) {
        lines.push("", `Gate: ${g.passed ? "passed" : "FAILED"} — ${g.unexpected.length} unexpected failure(s), ${g.expected.length} expected.`);
        if (g.unexpected.length > 0)
            lines.push(`  Unexpected: ${list(g.unexpected)}`);
        if (g.nowPassing.length > 0) {
            lines.push(`  No longer failing, trim them from --expect-failures${g.strict ? " (--strict-expectations fails the gate)" : ""}: ${list(g.nowPassing)}`);
        }
    }
    if (c.load !== undefined)
        lines.push("", ...loadLines(c.load));
    lines.push("", `Verdict: ${verdictWords(c)} — ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.flaky ? `, ${s.flaky} flaky` : ""}${s.inconclusive ? `, ${s.inconclusive} inconclusive` : ""} of ${count(s.cases, "case")}; ${count(s.warnings, "warning")}.`, ...(c.scope.complete ? [] : [`Partial certificate: ${c.scope.reasons.join("; ")}.`]), c.load === undefined
        ? `Report: ${reportDir}/certification.html (also certification.md, certification.json, junit.xml, badge.svg)`
        : `Report: ${reportDir}/certification.html (also certification.md, certification.json, badge.svg; load mode runs no Playwright tests, so there is no junit.xml)`);
    return `${lines.join("\n")}\n`;
}
