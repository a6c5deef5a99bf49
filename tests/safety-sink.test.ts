import { afterEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { startCliUntil } from "./helpers/cli.js";
import { peakRssMb } from "./helpers/hostile.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import { startSink, type Sink } from "../src/sink/server.js";
import { rejudgeCase } from "../src/conductor/run-case.js";
import type { Certification } from "../src/report/certification.js";
import type { RunResult } from "../src/report/types.js";

let sink: Sink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

const MIB = 1024 * 1024;

async function post(url: string, body: Buffer | string): Promise<number> {
  const answer = await request(url, { method: "POST", body });
  await answer.body.dump();
  return answer.statusCode;
}

describe("the sink under a flood", () => {
  it("keeps bodies and headers within its byte budget, answers 507 then 503 past it, and counts every request", async () => {
    sink = await startSink({ budgetBytes: 8_000 });
    sink.register("k");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push(await post(`${sink.url}/hook/k`, "x".repeat(1_500)));
    const kept = statuses.filter((s) => s === 204).length;
    // Bodies fit while they can; then requests are recorded without their body (507); then not at all (503).
    expect(statuses).toEqual([...Array<number>(kept).fill(204), ...statuses.slice(kept)]);
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(statuses).toContain(507);
    expect(statuses.at(-1)).toBe(503);
    const stats = sink.stats();
    expect(stats.keptBytes).toBeLessThanOrEqual(8_000);
    expect(stats.discarded).toBe(statuses.filter((s) => s === 507).length);
    expect(stats.dropped).toBe(statuses.filter((s) => s === 503).length);
    const recorded = sink.deliveriesFor("k");
    expect(recorded).toHaveLength(kept + stats.discarded);
    expect(recorded.at(-1)!.discarded).toBe(true);
    expect(recorded.at(-1)!.bodyBase64).toBe("");
  });

  it("headers are charged to the budget too: a flood of large headers cannot grow memory past it", async () => {
    sink = await startSink({ budgetBytes: 64 * 1024 });
    sink.register("k");
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const answer = await request(`${sink.url}/hook/k`, { method: "POST", body: "{}", headers: { "x-padding": "p".repeat(15_000) } });
      await answer.body.dump();
      statuses.push(answer.statusCode);
    }
    expect(statuses.filter((s) => s === 204).length).toBeLessThanOrEqual(5);
    expect(sink.stats().dropped).toBeGreaterThan(10);
    expect(sink.stats().keptBytes).toBeLessThanOrEqual(64 * 1024);
  });

  it("a request that is not a webhook (a GET, a favicon) is noise, not a stray", async () => {
    sink = await startSink();
    sink.register("k");
    await fetch(`${sink.url}/favicon.ico`);
    await fetch(`${sink.url}/`, { method: "POST", body: "x" });
    expect(sink.stats()).toMatchObject({ noise: 2, strays: 0 });
  });

  it("keeps no stray body beyond a small sample, and answers strays 404", async () => {
    sink = await startSink({ budgetBytes: MIB });
    sink.register("k");
    const statuses = await Promise.all(Array.from({ length: 30 }, () => post(`${sink!.url}/hook/never-handed-out`, Buffer.alloc(MIB, 0x41))));
    expect(new Set(statuses)).toEqual(new Set([404]));
    const stats = sink.stats();
    expect(stats.strays).toBe(30);
    expect(stats.strayBytes).toBe(30 * MIB);
    expect(stats.straySample).toHaveLength(20);
    expect(stats.straySample.every((s) => s.bodyPreview.length <= 2_048 && s.bytes === MIB)).toBe(true);
    // Strays never spend the budget the runs' webhooks need.
    expect(stats.keptBytes).toBe(0);
    expect(await post(`${sink.url}/hook/k`, "{}")).toBe(204);
  });

  it("a case whose webhook the budget could not keep is inconclusive, naming the suite's limit rather than the target", () => {
    const run: RunResult = { label: "the run", webhookUrl: "http://x/hook/k", created: {}, deliveries: 1, discarded: 1, timings: {}, checks: [] };
    const result = rejudgeCase({ id: "thread-run", operation: "POST /threads/{thread_id}/runs", title: "t", durationMs: 1, reproduce: "" }, [run], []);
    expect(result.outcome).toBe("inconclusive");
    expect(result.reason).toMatch(/byte budget was spent before 1 request\(s\) .* \(raise --sink-budget-mb\): they could not be judged, which is the suite's limit, not a finding about the target/);
    const cut = rejudgeCase({ id: "thread-run", operation: "POST /threads/{thread_id}/runs", title: "t", durationMs: 1, reproduce: "" }, [{ label: run.label, webhookUrl: run.webhookUrl, created: {}, deliveries: 1, cut: 1, timings: {}, checks: [] }], []);
    expect(cut.reason).toMatch(/1 request body\(ies\) for this case exceeded the sink's limit on one body and were cut/);
  });

  it("a flood of 450 one-MiB strays during a run: no crash, memory bounded, and the report counts them", { timeout: 120_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const dir = await mkdtemp(join(tmpdir(), "lgwc-flood-"));
    try {
      // A long settle window keeps the run open while the flood arrives.
      const cli = await startCliUntil(["--target", target.url, "--only", "thread-run", "--settle-ms", "15000", "--report-dir", dir], (err) => /Certifying/.test(err));
      const sinkUrl = /webhooks reach (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stderr())![1]!;
      const body = Buffer.alloc(MIB, 0x7b);
      let peak = 0;
      for (let sent = 0; sent < 450; sent += 15) {
        await Promise.all(Array.from({ length: 15 }, (_, i) => post(`${sinkUrl}/hook/flood-${sent + i}?token=x`, body)));
        peak = Math.max(peak, (await peakRssMb(cli.pid)) ?? 0);
      }
      const code = await cli.exited;
      expect(cli.stderr()).not.toMatch(/RangeError|internal error|\n\s+at /);
      // Strays are findings: the run is not conformant, and the report says how many came.
      expect(code, cli.stderr()).toBe(1);
      const cert = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as Certification;
      expect(cert.strays.count).toBe(450);
      expect(cert.strays.bytes).toBe(450 * MIB);
      expect(cert.strays.requests.length).toBeLessThanOrEqual(20);
      expect(cert.verdict).toBe("non-conformant");
      // 450 MiB arrived; the suite's process kept none of it (it peaked at 1.7 GB before the budget).
      expect(peak).toBeLessThan(400);
    } finally {
      await target.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
