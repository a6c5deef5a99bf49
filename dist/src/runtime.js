import { readFileSync } from "node:fs";
import { ConformanceError } from "./errors.js";
export function specRuntimeOf(runtime, tracesDir) {
    const spec = {
        control: runtime.control,
        reportDir: runtime.reportDir,
        tracesDir,
        workers: runtime.workers,
        retries: runtime.retries,
        runTag: runtime.runTag,
        cases: runtime.cases,
        // The spec's time budgets follow the windows as used.
        settleMs: runtime.windows.settleMs,
        timeoutMs: runtime.windows.deadlineMs,
        cronTimeoutMs: runtime.windows.cronDeadlineMs,
    };
    if (runtime.load !== undefined)
        spec.load = runtime.load;
    return spec;
}
export const RUNTIME_ENV = "LGWC_RUNTIME";
export function loadRuntime() {
    const path = process.env[RUNTIME_ENV];
    if (!path) {
        throw new ConformanceError("LGWC_CONFIG", `${RUNTIME_ENV} is not set: the specs are run by the lg-webhook-conformance command, not by Playwright directly.`);
    }
    return JSON.parse(readFileSync(path, "utf8"));
}
