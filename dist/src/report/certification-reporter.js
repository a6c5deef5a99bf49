import { loadRuntime } from "../runtime.js";
import { ConductorClient } from "../conductor/client.js";
import { CASE_ATTACHMENT } from "./types.js";
/** Case id from a test title "id · operation". */
function caseIdOf(test) {
    return test.title.split(" · ")[0] ?? test.title;
}
/**
 * Tells the main process how each case's test ended (its last attempt, flaky or not). The main
 * process holds the results, the sink's counts and the secrets, and writes the certification.
 */
export default class CertificationReporter {
    client = new ConductorClient(loadRuntime().control);
    last = new Map();
    onTestEnd(test, result) {
        this.last.set(test.id, { test, result });
    }
    async onEnd(_result) {
        const outcomes = [...this.last.values()].map(({ test, result }) => {
            const outcome = {
                caseId: caseIdOf(test),
                retry: result.retry,
                status: result.status,
                flaky: test.outcome() === "flaky",
                attached: result.attachments.some((a) => a.name === CASE_ATTACHMENT),
            };
            const error = result.error?.message?.split("\n")[0];
            if (error !== undefined)
                outcome.error = error;
            return outcome;
        });
        // If this fails, Playwright reports it and the main process, hearing nothing, writes no verdict.
        await this.client.outcomes(outcomes);
    }
    printsToStdio() {
        return false;
    }
}
