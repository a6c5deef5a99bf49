import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, startCliUntil, type CliRun } from "./helpers/cli.js";
import type { Certification } from "../src/report/certification.js";
import { caseIdsOf } from "../src/cases/catalog.js";

/**
 * What the probes find on the pinned open-source server (@langchain/langgraph-api 1.5.1): it
 * takes any string as a webhook, never retries, and each of its ten run workers awaits the
 * webhook call, so a delivery that throws or hangs takes a worker with it.
 */
const FOUND: Record<string, { outcome: string; required?: string[]; warnings?: string[] }> = {
  "hardening-webhook-not-a-url": { outcome: "failed", required: ["refused-at-create"] },
  "hardening-webhook-scheme": { outcome: "failed", required: ["refused-at-create"] },
  "hardening-webhook-empty": { outcome: "failed", required: ["refused-at-create"] },
  "hardening-webhook-relative": { outcome: "passed" },
  "hardening-webhook-too-long": { outcome: "failed", required: ["refused-at-create"] },
  "hardening-retry-after-500": { outcome: "passed", warnings: ["content-type-json", "retried"] },
  "hardening-retry-after-hang": { outcome: "passed", warnings: ["content-type-json", "retried"] },
  "hardening-survives-refused": { outcome: "failed", required: ["delivered"], warnings: ["content-type-json"] },
  "hardening-survives-http-500": { outcome: "passed", warnings: ["content-type-json", "retried"] },
  "hardening-survives-hangs": { outcome: "failed", required: ["delivered"], warnings: ["content-type-json", "retried"] },
  "hardening-survives-unresolvable": { outcome: "failed", required: ["delivered"], warnings: ["content-type-json"] },
};

describe("--profile hardening against the real JavaScript server (--local, a fresh server per disruptive probe)", () => {
  let reportDir: string;
  let run: CliRun;
  let cert: Certification;

  beforeAll(async () => {
    reportDir = await mkdtemp(join(tmpdir(), "lgwc-hardening-"));
    run = await runCli(["--local", "--profile", "hardening", "--timeout-ms", "10000", "--report-dir", reportDir], { timeoutMs: 400_000 });
    const text = await readFile(join(reportDir, "certification.json"), "utf8").catch(() => {
      throw new Error(`the CLI wrote no certification.json (exit ${run.code}); its stderr:\n${run.stderr}`);
    });
    cert = JSON.parse(text) as Certification;
  }, 420_000);
  afterAll(async () => {
    await rm(reportDir, { recursive: true, force: true });
  });

  it("runs every probe, each disruptive one on a server of its own, and exits 1 on what it finds", () => {
    expect(run.code, run.stderr).toBe(1);
    expect(cert.profile).toBe("hardening");
    expect(cert.cases.map((c) => c.id)).toEqual(caseIdsOf("hardening"));
    expect(run.stderr.match(/starting a fresh server for this probe/g)).toHaveLength(4);
  });

  it("finds what the pinned server does with each probe", () => {
    const seen = Object.fromEntries(
      cert.cases.map((c) => {
        const failed = (severity: string): string[] => c.checks.filter((k) => k.outcome === "failed" && k.severity === severity).map((k) => k.name);
        const entry: { outcome: string; required?: string[]; warnings?: string[] } = { outcome: c.outcome };
        if (failed("required").length > 0) entry.required = failed("required");
        if (failed("recommended").length > 0) entry.warnings = failed("recommended");
        return [c.id, entry];
      }),
    );
    expect(seen).toEqual(FOUND);
  });

  it("explains a stalled server with the runs it left pending, and reports every receiver's view", async () => {
    const stalled = cert.cases.find((c) => c.id === "hardening-survives-hangs")!;
    const after = stalled.runs.find((r) => r.label.startsWith("a normal run after"))!;
    // Nothing arrived while the suite watched it; once the case ends the hung deliveries are answered, which
    // frees the server's workers, and a delivery of this run that then arrives before the whole run ends is
    // attached as late (how soon that happens depends on the machine's load).
    expect(after.deliveries - (after.late ?? 0)).toBe(0);
    expect(after.apiStatus).toBe("pending");
    expect(after.checks.find((k) => k.name === "delivered")?.outcome).toBe("failed");
    const markdown = await readFile(join(reportDir, "certification.md"), "utf8");
    expect(markdown).toContain("## What the probes saw");
    expect(markdown).toMatch(/hardening-retry-after-500[\s\S]*the run: 1 request\(s\): \+0 ms → 500/);
    expect(markdown).toMatch(/hardening-webhook-empty[\s\S]*create answer: HTTP 200/);
    // The HTML matrix groups the probes and names each mark.
    const html = await readFile(join(reportDir, "certification.html"), "utf8");
    for (const column of ["invalid webhook value", "receiver fails once", "many deliveries fail"]) expect(html).toContain(`<th>${column}</th>`);
    expect(html).toMatch(/href="#hardening-webhook-relative" title="hardening-webhook-relative">relative: pass</);
    expect(html).toMatch(/href="#hardening-survives-hangs" title="hardening-survives-hangs">hangs: FAIL</);
  });
});

describe("Ctrl-C during a probe on a fresh server", () => {
  it("exits 130 and stops the main server and the probe's own server", { timeout: 180_000 }, async () => {
    const reportDir = await mkdtemp(join(tmpdir(), "lgwc-hardening-int-"));
    try {
      const servers = (stderr: string): string[] => [...stderr.matchAll(/embedded LangGraph API server on (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]!);
      // Interrupted while the probe's own server is up and the probe is waiting on it.
      const cli = await startCliUntil(["--local", "--profile", "hardening", "--only", "hardening-survives-hangs", "--report-dir", reportDir], (stderr) =>
        /\[hardening-survives-hangs\] waiting up to \d+ s for the webhook of a normal run before the probe/.test(stderr),
      );
      const urls = servers(cli.stderr());
      expect(urls).toHaveLength(2);
      expect(await cli.stop("SIGINT")).toBe(130);
      for (const url of urls) await expect(fetch(`${url}/ok`), url).rejects.toThrow();
    } finally {
      await rm(reportDir, { recursive: true, force: true });
    }
  });
});
