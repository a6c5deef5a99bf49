import type { FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";
import { loadRuntime, type Runtime } from "../runtime.js";
import { ConductorClient } from "../conductor/client.js";
import type { Delivery } from "../evidence.js";
import { writeRunReports } from "./write.js";
import { CASE_ATTACHMENT, type CaseResult } from "./types.js";
import { Redactor } from "./redact.js";

/** Case id and operation from a test title "id · operation". */
function titleParts(test: TestCase): { id: string; operation: string } {
  const [id, operation] = test.title.split(" · ");
  return { id: id ?? test.title, operation: operation ?? "" };
}

/** When a test ended without leaving its result (a crash or a timeout), say so as a failed case. */
function resultFromError(test: TestCase, result: TestResult, redactor: Redactor): CaseResult {
  const { id, operation } = titleParts(test);
  const skipped = result.status === "skipped";
  const reason = skipped
    ? (test.annotations.find((a) => a.type === "skip")?.description ?? "skipped")
    : `The case did not finish (${result.status}): ${redactor.text(result.error?.message?.split("\n")[0] ?? "no error message")}`;
  return {
    id,
    operation,
    title: test.title,
    outcome: skipped ? "skipped" : "failed",
    reason,
    deliveries: 0,
    durationMs: result.duration,
    reproduce: "",
    checks: [],
    runs: [],
  };
}

/** Writes certification.json and certification.md from the cases the specs attached. */
export default class CertificationReporter implements Reporter {
  private readonly runtime: Runtime = loadRuntime();
  private readonly redactor = new Redactor(this.runtime.secrets);
  private readonly results = new Map<string, CaseResult>();
  private readonly tests = new Map<string, TestCase>();

  onTestEnd(test: TestCase, result: TestResult): void {
    const attachment = result.attachments.find((a) => a.name === CASE_ATTACHMENT);
    const parsed = attachment?.body ? (JSON.parse(attachment.body.toString("utf8")) as CaseResult) : undefined;
    const caseResult = parsed ?? resultFromError(test, result, this.redactor);
    if (parsed && result.status !== "passed" && result.status !== "skipped" && parsed.outcome === "passed") {
      // The case's evidence was fine but the test still failed afterwards (e.g. cleanup): keep the truth.
      parsed.outcome = "failed";
      parsed.reason = `The case failed after its checks: ${this.redactor.text(result.error?.message?.split("\n")[0] ?? result.status)}`;
    }
    this.results.set(test.id, caseResult);
    this.tests.set(test.id, test);
  }

  async onEnd(_result: FullResult): Promise<void> {
    let strays: { strays: Delivery[]; dropped: number } = { strays: [], dropped: 0 };
    try {
      strays = await new ConductorClient(this.runtime.control).strays();
    } catch {
      // The main process is gone only if it is shutting down; report what is known.
    }
    for (const [id, test] of this.tests) {
      const result = this.results.get(id);
      if (result && test.outcome() === "flaky") {
        result.outcome = "flaky";
        result.reason = `failed on a first attempt and passed on retry ${test.results.length - 1}; a flaky pass is not a pass`;
      }
    }
    const order = this.runtime.cases;
    const cases = [...this.results.values()].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    await writeRunReports(this.runtime, cases, strays);
  }

  printsToStdio(): boolean {
    return false;
  }
}
