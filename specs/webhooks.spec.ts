import { test } from "../fixtures/conformance.js";
import { loadRuntime } from "../src/runtime.js";
import { CATALOG } from "../src/target/catalog.js";
import { CASE_ATTACHMENT } from "../src/report/types.js";
import { formatCaseFailure, formatWarnings } from "../src/report/format.js";

const runtime = loadRuntime();
const MARGIN_MS = 30_000;

test.describe.configure({ mode: "parallel" });

for (const definition of CATALOG.filter((c) => runtime.cases.includes(c.id))) {
  test(`${definition.id} · ${definition.operation}`, async ({ conformance }, testInfo) => {
    const budget = runtime.timeoutMs + runtime.settleMs + (definition.cron ? 2 * runtime.cronTimeoutMs : 0) + MARGIN_MS;
    test.setTimeout(budget + MARGIN_MS);
    const result = await conformance.result(definition, budget);
    await testInfo.attach(CASE_ATTACHMENT, { body: JSON.stringify(result), contentType: "application/json" });
    for (const warning of formatWarnings(result)) testInfo.annotations.push({ type: "warning", description: warning });
    test.skip(result.outcome === "skipped", result.reason ?? "skipped");
    if (result.outcome === "failed") throw new Error(formatCaseFailure(result));
  });
}
