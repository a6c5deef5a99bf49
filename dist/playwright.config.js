import { defineConfig } from "@playwright/test";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadRuntime } from "./src/runtime.js";
const runtime = loadRuntime();
const here = dirname(fileURLToPath(import.meta.url));
const reports = runtime.reportDir;
export default defineConfig({
    testDir: join(here, "specs"),
    testMatch: /\.spec\.js$/,
    fullyParallel: true,
    workers: runtime.workers,
    retries: runtime.retries,
    forbidOnly: true,
    outputDir: join(reports, "test-results"),
    reporter: [
        // One line per case as it ends; failures are told once, in the summary.
        [join(here, "src", "report", "progress-reporter.js")],
        ["html", { outputFolder: join(reports, "html"), open: "never" }],
        ["junit", { outputFile: join(reports, "junit.xml") }],
        ["json", { outputFile: join(reports, "results.json") }],
        // Blob reports are what `lg-webhook-conformance merge` combines across shards.
        ["blob", { outputDir: join(reports, "blob"), fileName: `report-${runtime.runTag}.zip` }],
        [join(here, "src", "report", "certification-reporter.js")],
    ],
});
