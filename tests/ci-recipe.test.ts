import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { loadExpectations } from "../src/cli/expectations.js";
import { CASE_IDS } from "../src/cases/catalog.js";
import { CHECK_NAMES } from "../src/checks/index.js";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "./helpers/cli.js";

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

describe("the CI recipe and the composite action", () => {
  it("action.yml takes the inputs it documents and runs the suite with them", async () => {
    const action = parse(await readFile(join(ROOT, "action.yml"), "utf8")) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
      runs: { using: string; steps: Step[] };
    };
    expect(Object.keys(action.inputs).sort()).toEqual(["api-key", "args", "assistant-id", "report-dir", "target"]);
    expect(action.outputs).toHaveProperty("verdict");
    expect(action.runs.using).toBe("composite");
    const run = action.runs.steps.map((s) => s.run ?? "").join("\n");
    expect(run).toMatch(/lg-webhook-conformance" \\\n\s+--target "\$\{\{ inputs.target \}\}"/);
    expect(run).toContain("exit $code");
    const certify = action.runs.steps.find((s) => s.run?.includes("--target"));
    expect(certify?.env?.LANGGRAPH_API_KEY).toBe("${{ inputs.api-key }}");
    expect(action.runs.steps.some((s) => s.uses?.startsWith("actions/upload-artifact"))).toBe(true);
  });

  it("the README's expected-failures example is a file the suite accepts", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes("reason:"))!;
    const dir = await mkdtemp(join(tmpdir(), "lgwc-readme-"));
    try {
      await writeFile(join(dir, "known.yaml"), block);
      expect(loadExpectations(join(dir, "known.yaml"), CASE_IDS, CHECK_NAMES)).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the README's workflow parses, takes the URL and key from secrets, and uploads the reports", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes("jobs:"));
    expect(block).toBeDefined();
    const workflow = parse(block!) as { jobs: Record<string, { steps: Step[] }> };
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const certify = steps.find((s) => s.run?.includes("lg-webhook-conformance"))!;
    expect(certify.run).toContain("${{ secrets.DEPLOYMENT_URL }}");
    expect(certify.env?.LANGGRAPH_API_KEY).toBe("${{ secrets.LANGGRAPH_API_KEY }}");
    expect(steps.some((s) => s.uses?.startsWith("actions/upload-artifact"))).toBe(true);
  });
});
