import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliRun } from "./helpers/cli.js";
import type { Certification } from "../src/report/certification.js";
import { startLocalTarget, type LocalTarget } from "../src/target/local.js";
import { TAG_KEY } from "../src/runtime.js";

const TEN_OPERATIONS = [
  "POST /threads/{thread_id}/runs",
  "POST /threads/{thread_id}/runs/stream",
  "POST /threads/{thread_id}/runs/wait",
  "POST /threads/{thread_id}/runs/crons",
  "POST /runs",
  "POST /runs/stream",
  "POST /runs/wait",
  "POST /runs/batch",
  "POST /runs/crons",
  "PATCH /runs/crons/{cron_id}",
];
const CRON_CASES = ["thread-cron", "stateless-cron", "cron-patch"];
const API_KEY = "sk-e2e-never-print-me";
const HEADER_SECRET = "hdr-e2e-never-print-me";

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe("the built CLI against the real JavaScript LangGraph API server (--local)", () => {
  let reportDir: string;
  let run: CliRun;
  let cert: Certification;

  beforeAll(async () => {
    reportDir = await mkdtemp(join(tmpdir(), "lgwc-e2e-"));
    run = await runCli(["--local", "--report-dir", reportDir, "--api-key", API_KEY, "-H", `X-Tenant: ${HEADER_SECRET}`]);
    const text = await readFile(join(reportDir, "certification.json"), "utf8").catch(() => {
      throw new Error(`the CLI wrote no certification.json (exit ${run.code}); its stderr:\n${run.stderr}`);
    });
    cert = JSON.parse(text) as Certification;
  }, 180_000);
  afterAll(async () => {
    await rm(reportDir, { recursive: true, force: true });
  });

  it("exits 0 with a conformant verdict", () => {
    expect(run.stdout).toContain("Verdict: conformant");
    expect(run.code, run.stderr).toBe(0);
    expect(cert.verdict).toBe("conformant");
  });

  it("has a case for every one of the ten webhook operations", () => {
    expect([...new Set(cert.cases.map((c) => c.operation))].sort()).toEqual([...TEN_OPERATIONS].sort());
  });

  it("records what the server really did: one POST per run, every required check passed", () => {
    for (const c of cert.cases.filter((k) => !CRON_CASES.includes(k.id))) {
      expect(c.outcome, c.id).toBe("passed");
      expect(c.deliveries, c.id).toBe(c.id === "stateless-batch" ? 3 : 1);
      for (const check of c.checks.filter((k) => k.severity === "required")) {
        const expected = c.id === "stateless-run-default" && check.name === "status-matches-api" ? "skipped" : "passed";
        expect(`${c.id}/${check.name}: ${check.outcome}`).toBe(`${c.id}/${check.name}: ${expected}`);
      }
    }
  });

  it("finds that the server sends its JSON as text/plain (content-type-json, recommended)", () => {
    for (const c of cert.cases.filter((k) => !CRON_CASES.includes(k.id))) {
      const check = c.checks.find((k) => k.name === "content-type-json");
      expect(check?.outcome, c.id).toBe("failed");
      expect(check?.received).toBe("Content-Type: text/plain;charset=UTF-8");
    }
    expect(cert.summary.warnings).toBe(8);
  });

  it("skips read-back for the default stateless run, saying why", () => {
    const c = cert.cases.find((k) => k.id === "stateless-run-default");
    expect(c?.checks.find((k) => k.name === "status-matches-api")?.message).toMatch(/on_completion is "delete"/);
  });

  it("skips the cron cases because the server's /info says it has no crons", () => {
    for (const id of CRON_CASES) {
      const c = cert.cases.find((k) => k.id === id);
      expect(c?.outcome, id).toBe("skipped");
      expect(c?.reason).toMatch(/flags\.crons = false/);
    }
  });

  it("writes every report, with the fields the contract names", async () => {
    for (const name of ["certification.json", "certification.md", "junit.xml", "results.json", "html/index.html"]) {
      expect((await stat(join(reportDir, name))).size, name).toBeGreaterThan(0);
    }
    expect(cert).toMatchObject({ suite: { name: "lg-webhook-conformance" }, target: { info: { context: "js" } }, settleMs: 3000 });
    expect(cert.summary).toEqual({ cases: 11, passed: 8, failed: 0, skipped: 3, warnings: 8 });
    const c = cert.cases.find((k) => k.id === "thread-run")!;
    expect(c.reproduce).toMatch(/^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/threads'/);
    expect(c.checks.map((k) => k.name)).toContain("run-schema");
  });

  it("never writes the API key, a header value or a webhook token", async () => {
    const leaks: string[] = [];
    for (const file of await filesUnder(reportDir)) {
      const text = (await readFile(file)).toString("latin1");
      for (const secret of [API_KEY, HEADER_SECRET, "-_.~%2B", "-_.~+"]) if (text.includes(secret)) leaks.push(`${file}: ${secret}`);
    }
    for (const secret of [API_KEY, HEADER_SECRET, "-_.~%2B"]) {
      if (run.stdout.includes(secret) || run.stderr.includes(secret)) leaks.push(`terminal: ${secret}`);
    }
    expect(leaks).toEqual([]);
  });
});

describe("cleanup on the real server", () => {
  let target: LocalTarget;
  beforeAll(async () => {
    target = await startLocalTarget();
  }, 90_000);
  afterAll(async () => {
    await target?.stop();
  });

  it("removes every thread the suite created and leaves others alone", async () => {
    const mine = await fetch(`${target.url}/threads`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ metadata: { owner: "someone-else" } }),
    }).then((r) => r.json() as Promise<{ thread_id: string }>);
    const reportDir = await mkdtemp(join(tmpdir(), "lgwc-e2e-clean-"));
    const result = await runCli(["--target", target.url, "--only", "thread-*,stateless-*", "--report-dir", reportDir]);
    expect(result.code, result.stderr).toBe(0);
    const threads = (await fetch(`${target.url}/threads/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ limit: 1000 }),
    }).then((r) => r.json())) as { thread_id: string; metadata: Record<string, unknown> }[];
    expect(threads.filter((t) => TAG_KEY in t.metadata)).toEqual([]);
    expect(threads.map((t) => t.thread_id)).toContain(mine.thread_id);
    await rm(reportDir, { recursive: true, force: true });
  }, 120_000);
});
