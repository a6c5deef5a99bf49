import { defineConfig } from "@playwright/test";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadRuntime } from "./src/runtime.js";
const runtime = loadRuntime();
const here = dirname(fileURLToPath(import.meta.url));
const traces = runtime.tracesDir;
export default defineConfig({
    testDir: join(here, "specs"),
    testMatch: /\.spec\.js$/,
    fullyParallel: true,
    workers: runtime.workers,
    retries: runtime.retries,
    forbidOnly: true,
    outputDir: join(traces, "test-results"),
    reporter: [
        // One line per case as it ends; failures are told once, in the summary.
        [join(here, "src", "report", "progress-reporter.js")],
        // The runner's own reports: in traces/ with --traces, else gone with the run (junit.xml is written from the certification).
        ["html", { outputFolder: join(traces, "html"), open: "never" }],
        ["json", { outputFile: join(traces, "results.json") }],
        // Blob reports are what `lg-webhook-conformance merge` combines across shards run with --traces.
        ["blob", { outputDir: join(traces, "blob"), fileName: `report-${runtime.runTag}.zip` }],
        [join(here, "src", "report", "certification-reporter.js")],
    ],
});
