import { test } from "../fixtures/conformance.js";
import { loadRuntime } from "../src/runtime.js";
import { CATALOG } from "../src/target/catalog.js";
import { CASE_ATTACHMENT, type CaseResult } from "../src/report/types.js";
import { formatCaseFailure, formatWarnings } from "../src/report/format.js";

const runtime = loadRuntime();
const MARGIN_MS = 30_000;

test.describe.configure({ mode: "parallel" });

for (const definition of CATALOG.filter((c) => runtime.cases.includes(c.id))) {
  test(`${definition.id} · ${definition.operation}`, async ({ conformance }, testInfo) => {
    const budget = runtime.timeoutMs + runtime.settleMs + (definition.cron ? runtime.cronTimeoutMs : 0) + MARGIN_MS;
    test.setTimeout(budget);
    const attach = (result: CaseResult): Promise<void> =>
      testInfo.attach(CASE_ATTACHMENT, { body: JSON.stringify(result), contentType: "application/json" });

    if (definition.cron && !runtime.crons.supported) {
      const reason = runtime.crons.reason ?? "the target does not run crons";
      await attach({
        id: definition.id,
        operation: definition.operation,
        title: definition.title,
        outcome: "skipped",
        reason,
        deliveries: 0,
        durationMs: 0,
        reproduce: "",
        checks: [],
        runs: [],
      });
      test.skip(true, reason);
      return;
    }

    const result = await conformance.run(definition);
    await attach(result);
    for (const warning of formatWarnings(result)) testInfo.annotations.push({ type: "warning", description: warning });
    if (result.outcome === "failed") throw new Error(formatCaseFailure(result));
  });
}
