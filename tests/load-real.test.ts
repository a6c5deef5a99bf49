import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/cli.js";
import type { Certification } from "../src/report/certification.js";

describe("load mode against the real JavaScript server (--local)", () => {
  it("accounts for every run exactly and times each delivery against the API's end", { timeout: 180_000 }, async () => {
    const reportDir = await mkdtemp(join(tmpdir(), "lgwc-load-real-"));
    try {
      const run = await runCli(["--local", "--only", "thread-run,stateless-batch", "--repeat", "10", "--concurrency", "5", "--report-dir", reportDir], {
        timeoutMs: 170_000,
      });
      expect(run.code, run.stderr).toBe(0);
      const cert = JSON.parse(await readFile(join(reportDir, "certification.json"), "utf8")) as Certification;
      expect(cert.load).toMatchObject({ repeat: 10, concurrency: 5, runs: 40, delivered: 40, lost: 0, duplicates: 0, strays: 0, exact: true });
      expect(cert.load!.operations.map((o) => `${o.operation}:${o.delivered}`)).toEqual(["POST /threads/{thread_id}/runs:10", "POST /runs/batch:30"]);
      // Every delivered run has a latency; this server answers join about half a second after it sends the webhook.
      expect(cert.cases.flatMap((c) => c.load!.latenciesMs)).toHaveLength(40);
    } finally {
      await rm(reportDir, { recursive: true, force: true });
    }
  });
});
