import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { BIN, ROOT, runCli, type CliRun } from "./helpers/cli.js";
import type { Certification } from "../src/report/certification.js";
import { startLocalTarget, type LocalTarget } from "../src/local/local.js";
import { SUITE_MARK } from "../src/api/cleanup.js";

const TAG_KEY = Object.keys(SUITE_MARK)[0]!;

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
const CRON_CASES = ["thread-cron", "stateless-cron", "cron-patch", "thread-cron-second-firing", "stateless-cron-default", "cron-patch-change"];
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
    run = await runCli(["--local", "--traces", "--report-dir", reportDir, "--api-key", API_KEY, "-H", `X-Tenant: ${HEADER_SECRET}`]);
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

  it("records what the server really did: no required check failed, one POST per announced run", () => {
    const failedRequired = cert.cases.flatMap((c) =>
      c.checks.filter((k) => k.outcome === "failed" && k.severity === "required").map((k) => `${c.id}/${k.name}`),
    );
    expect(failedRequired).toEqual([]);
    const deliveries = Object.fromEntries(cert.cases.map((c) => [c.id, c.deliveries]));
    expect(deliveries).toEqual({
      ...Object.fromEntries(CRON_CASES.map((id) => [id, 0])),
      ...Object.fromEntries(cert.cases.filter((c) => !CRON_CASES.includes(c.id)).map((c) => [c.id, 1])),
      "stateless-batch": 3,
      "stateless-batch-error": 3,
      // Seen on langgraph-api 1.5.1: a run cancelled before it started is never announced.
      "thread-run-cancel-pending": 0,
      "stateless-run-cancel-pending": 0,
      // Both runs of a double-text end and are announced; a refused run is not.
      "thread-multitask-interrupt": 2,
      "thread-multitask-rollback": 2,
      "thread-multitask-enqueue": 2,
    });
  });

  it("records the status the server announced for each outcome", () => {
    const announced = (id: string): string[] =>
      cert.cases.find((c) => c.id === id)!.runs.map((r) => (r.evidence ? String((JSON.parse(r.evidence.body) as { status?: unknown }).status) : "none"));
    for (const id of cert.cases.map((c) => c.id).filter((i) => i.endsWith("-error"))) expect(announced(id).every((s) => s === "error"), id).toBe(true);
    for (const id of ["thread-run-cancel-interrupt", "thread-run-stream-cancel-interrupt", "stateless-run-cancel-interrupt", "stateless-run-stream-cancel-interrupt"]) {
      expect(announced(id), id).toEqual(["interrupted"]);
    }
    // A rolled-back run is announced as an error, and GET still finds it (the published API says it is deleted).
    expect(announced("thread-run-cancel-rollback")).toEqual(["error"]);
    expect(cert.cases.find((c) => c.id === "thread-run-cancel-rollback")!.runs[0]!.apiStatus).toBe("error");
    expect(announced("thread-run-cancel-pending")).toEqual(["none"]);
    expect(cert.cases.find((c) => c.id === "thread-run-cancel-pending")!.runs[0]!.apiStatus).toBe("interrupted");
    // The first run under reject sleeps until the suite cancels it, once the second create was refused.
    expect(announced("thread-multitask-reject")).toEqual(["interrupted", "none"]);
    expect(announced("thread-multitask-interrupt")).toEqual(["interrupted", "success"]);
    expect(announced("thread-multitask-rollback")).toEqual(["error", "success"]);
    expect(announced("thread-multitask-enqueue")).toEqual(["success", "success"]);
    // A run stopped by interrupt_before is announced as a success, through every operation.
    for (const id of cert.cases.map((c) => c.id).filter((i) => i.endsWith("-interrupt-before"))) expect(announced(id), id).toEqual(["success"]);
  });

  it("warns that a run cancelled while pending is never announced (delivered, recommended there)", () => {
    for (const id of ["thread-run-cancel-pending", "stateless-run-cancel-pending"]) {
      const check = cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === "delivered")!;
      expect(`${check.outcome} ${check.severity}`).toBe("failed recommended");
    }
  });

  it("finds that the server sends its JSON as text/plain (content-type-json, recommended)", () => {
    const announcing = cert.cases.filter((k) => k.deliveries > 0);
    for (const c of announcing) {
      const check = c.checks.find((k) => k.name === "content-type-json");
      expect(check?.outcome, c.id).toBe("failed");
      expect(check?.received).toBe("Content-Type: text/plain;charset=UTF-8");
    }
    // Besides: delivered for the two runs cancelled while pending, outcome-premise for the three
    // rolled-back runs it keeps and for reject's refusal, HTTP 422 where the published API says 409.
    expect(cert.summary.warnings).toBe(announcing.length + 2 + 3 + 1);
  });

  it("judges what each webhook says, and records what this server leaves out", () => {
    const check = (id: string, name: string) => cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === name)!;
    const announcing = cert.cases.filter((k) => k.deliveries > 0);
    for (const c of announcing) {
      for (const name of ["timestamps-present", "timestamps-ordered", "kwargs-input", "kwargs-config", "kwargs-webhook"]) expect(check(c.id, name).outcome, `${c.id}/${name}`).toBe("passed");
    }
    // Values: the run's final state on threads, compared with the thread's history checkpoint of the run.
    for (const id of ["thread-run", "thread-run-stream", "thread-run-wait", "thread-run-error", "thread-run-text", "thread-run-large", "thread-multitask-enqueue"]) {
      expect(check(id, "values-state").outcome, id).toBe("passed");
    }
    // Seen on 1.5.1: values is left out for a stateless run deleted at its end and for an interrupted run, which the contract allows.
    for (const id of ["stateless-run-default", "thread-run-cancel-interrupt", "stateless-run-cancel-interrupt"]) {
      expect(check(id, "values-state"), id).toMatchObject({ outcome: "skipped", message: expect.stringMatching(/null or absent/) as string });
    }
    // error is a plain string on this server.
    const errorBody = JSON.parse(cert.cases.find((c) => c.id === "thread-run-error")!.runs[0]!.evidence!.body) as { error: unknown };
    expect(typeof errorBody.error).toBe("string");
    for (const id of cert.cases.map((c) => c.id).filter((i) => i.endsWith("-error"))) expect(check(id, "error-described").outcome, id).toBe("passed");
    // The premises: after_seconds is honoured and reject refuses (with 422, not the published 409: a warning), but a rolled-back run survives (a warning, three runs).
    for (const id of ["thread-run-cancel-pending", "stateless-run-cancel-pending"]) expect(check(id, "outcome-premise").outcome, id).toBe("passed");
    expect(check("thread-multitask-reject", "outcome-premise")).toMatchObject({ outcome: "failed", severity: "recommended", received: "HTTP 422" });
    for (const id of ["thread-run-cancel-rollback", "stateless-run-cancel-rollback", "thread-multitask-rollback"]) {
      expect(check(id, "outcome-premise"), id).toMatchObject({ outcome: "failed", severity: "recommended", received: expect.stringMatching(/GET on the run answered HTTP 200, status "error": the run survived/) as string });
    }
    for (const id of ["thread-run-text", "thread-run-large"]) expect(cert.cases.find((c) => c.id === id)!.outcome, id).toBe("passed");
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

  it("writes certification.md within its size budget: each finding once, with the way to replay it", async () => {
    const markdown = await readFile(join(reportDir, "certification.md"), "utf8");
    // The budget README's Reports section documents: 40 KB for the whole standard profile.
    expect(markdown.length).toBeLessThan(40_000);
    // content-type-json warns on every announcing case of the JavaScript server, and is told once.
    expect(markdown.match(/^### content-type-json /gm)).toHaveLength(1);
    expect(markdown).toContain("lg-webhook-conformance serve-local");
    console.log(`certification.md on the real server: ${markdown.length} bytes`);
  });

  it("serve-local starts the same server, prints its URL, and a report's curl works against it", async () => {
    const { startCliUntil } = await import("./helpers/cli.js");
    const served = await startCliUntil(["serve-local"], () => false, {}, (out) => /serves at http:\/\/127\.0\.0\.1:\d+/.test(out));
    try {
      const url = /serves at (http:\/\/127\.0\.0\.1:\d+)/.exec(served.stdout())![1]!;
      const curl = cert.cases.find((k) => k.id === "thread-run")!.reproduce
        .replaceAll(cert.target.url, url)
        // The run's sink is gone too: the replay sends no webhook.
        .replace(/,"webhook":"[^"]*"/g, "");
      const replay = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn("bash", ["-c", curl], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (c: Buffer) => (out += c.toString()));
        child.stderr.on("data", (c: Buffer) => (out += c.toString()));
        child.once("close", (code) => resolve({ code, out }));
      });
      expect(replay.code, replay.out).toBe(0);
      expect(replay.out).toMatch(/"run_id":"[0-9a-f-]{36}"/);
    } finally {
      expect(await served.stop("SIGINT")).toBe(0);
    }
  }, 120_000);

  it("writes every report, with the fields the contract names", async () => {
    for (const name of ["certification.json", "certification.md", "certification.html", "junit.xml", "badge.svg", "traces/results.json", "traces/html/index.html"]) {
      expect((await stat(join(reportDir, name))).size, name).toBeGreaterThan(0);
    }
    expect(cert).toMatchObject({ suite: { name: "lg-webhook-conformance" }, target: { info: { context: "js" } }, settleMs: 3000 });
    expect(cert.summary).toMatchObject({ cases: 41, passed: 35, failed: 0, skipped: 6, flaky: 0 });
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
    // Playwright's JSON report keeps attachments base64-encoded: decode them before looking.
    const results = JSON.parse(await readFile(join(reportDir, "traces", "results.json"), "utf8")) as unknown;
    const bodies: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        const attachment = node as { body?: unknown };
        if (typeof attachment.body === "string") bodies.push(Buffer.from(attachment.body, "base64").toString("utf8"));
        Object.values(node).forEach(walk);
      }
    };
    walk(results);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) for (const secret of [API_KEY, HEADER_SECRET, "-_.~%2B", "-_.~+"]) if (body.includes(secret)) leaks.push(`attachment: ${secret}`);
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
    const result = await runCli(["--target", target.url, "--only", "thread-run,thread-multitask-*,stateless-*", "--report-dir", reportDir]);
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

  const markedThreads = async (): Promise<number> => {
    const found = (await fetch(`${target.url}/threads/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ metadata: SUITE_MARK, limit: 100 }),
    }).then((r) => r.json())) as unknown[];
    return found.length;
  };

  it("after SIGKILL mid-run, `cleanup` removes what the suite left", async () => {
    const reportDir = await mkdtemp(join(tmpdir(), "lgwc-e2e-kill-"));
    const child = spawn(process.execPath, [BIN, "--target", target.url, "--only", "thread-run,thread-run-cancel-pending", "--settle-ms", "60000", "--report-dir", reportDir], {
      cwd: ROOT,
      stdio: "ignore",
    });
    const closed = new Promise((resolve) => child.once("close", resolve));
    const deadline = Date.now() + 30_000;
    while ((await markedThreads()) < 2) {
      if (Date.now() > deadline) throw new Error("the suite never created its threads");
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill("SIGKILL");
    await closed;
    expect(await markedThreads()).toBeGreaterThan(0);
    // The run began moments ago, so cleanup is told that it is over.
    const swept = await runCli(["cleanup", "--target", target.url, "--include-recent"]);
    expect(swept.code, swept.stderr).toBe(0);
    expect(await markedThreads()).toBe(0);
    await rm(reportDir, { recursive: true, force: true });
  }, 90_000);
});
