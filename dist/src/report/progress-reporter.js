import { CASE_ATTACHMENT } from "./types.js";
/** The case's own result, as the spec attached it; undefined when the test never got it. */
function caseResultOf(result) {
    const attachment = result.attachments.find((a) => a.name === CASE_ATTACHMENT);
    if (attachment?.body === undefined)
        return undefined;
    try {
        return JSON.parse(attachment.body.toString("utf8"));
    }
    catch {
        return undefined;
    }
}
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/** One line for a case that ended: its outcome, and for a failure the checks that failed (the summary says the rest). */
export function progressLine(title, result, done, total) {
    const own = caseResultOf(result);
    const retry = result.retry > 0 ? ` (retry ${result.retry})` : "";
    const head = `[${done}/${total}] ${title}${retry}`;
    if (own === undefined)
        return `  ✗ ${head}: did not finish (${result.status}) ${seconds(result.duration)}`;
    // The case's own time: a test only waits for the result the main process computed meanwhile.
    const took = seconds(own.durationMs);
    const failed = own.checks.filter((c) => c.outcome === "failed" && c.severity === "required").map((c) => c.name);
    const unknown = own.checks.filter((c) => c.outcome === "inconclusive").map((c) => c.name);
    switch (own.outcome) {
        case "passed":
            return `  ✓ ${head} ${took}`;
        case "skipped":
            return `  - ${head}: skipped (${own.reason ?? "no reason given"})`;
        case "inconclusive":
            return `  ? ${head}: inconclusive${unknown.length > 0 ? ` (${unknown.join(", ")})` : ""} ${took}`;
        default:
            return `  ✗ ${head}: ${own.outcome}${failed.length > 0 ? ` (${failed.join(", ")})` : ""} ${took}`;
    }
}
/**
 * The console while cases run: one line per case as it ends, nothing else. The failures, with
 * expected, received and a reproduction, come once, in the summary after the run; Playwright's
 * own list reporter would print each failure again with a code frame into the suite's source.
 */
export default class ProgressReporter {
    total = 0;
    done = 0;
    printsToStdio() {
        return true;
    }
    onBegin(_config, suite) {
        this.total = suite.allTests().length;
        process.stdout.write(`Running ${this.total} case${this.total === 1 ? "" : "s"}:\n`);
    }
    onTestEnd(test, result) {
        this.done += result.retry === 0 ? 1 : 0;
        process.stdout.write(`${progressLine(test.title, result, this.done, this.total)}\n`);
    }
    onError() {
        // Errors outside a test (a crashed worker) are reported by the certification reporter's caller.
    }
}
