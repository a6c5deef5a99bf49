// `npm run bench`: figures from one run on the machine at hand. Prints; asserts nothing.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { Pool } from "undici";
import { startSink } from "../src/sink/server.js";
import { startTestTarget } from "../fixtures/test-target/server.js";

const SECONDS = 3;
const CONNECTIONS = 32;
const BODY = JSON.stringify({ run_id: "01a2050f-0a8e-71d9-a457-ff27cd791aae", status: "success", kwargs: { pad: "x".repeat(1000) } });

/** Sends POSTs over CONNECTIONS keep-alive connections for SECONDS; returns completed requests per second. */
async function load(url: string, path: string): Promise<number> {
  const pool = new Pool(url, { connections: CONNECTIONS });
  const until = Date.now() + SECONDS * 1000;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < until) {
      const answer = await pool.request({ method: "POST", path, body: BODY, headers: { "content-type": "application/json" } });
      await answer.body.dump();
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  await pool.close();
  return done / SECONDS;
}

async function ingest(): Promise<void> {
  let counted = 0;
  const bare = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      counted += 1;
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  const sink = await startSink({ maxRecords: 10_000_000 });
  sink.register("bench");
  // Warm both, then measure each twice in alternation so neither gets the cooler machine.
  await load(bareUrl, "/hook/bench?token=t");
  await load(sink.url, "/hook/bench?token=t");
  const bareRates = [await load(bareUrl, "/hook/bench?token=t"), 0];
  const sinkRates = [await load(sink.url, "/hook/bench?token=t"), 0];
  bareRates[1] = await load(bareUrl, "/hook/bench?token=t");
  sinkRates[1] = await load(sink.url, "/hook/bench?token=t");
  const b = (bareRates[0]! + bareRates[1]) / 2;
  const s = (sinkRates[0]! + sinkRates[1]) / 2;
  console.log(`sink ingest: ${s.toFixed(0)} req/s; bare node:http counting server: ${b.toFixed(0)} req/s; ratio ${(s / b).toFixed(2)} (target >= 0.80)`);
  console.log(`  (${CONNECTIONS} keep-alive connections, ${SECONDS} s per measurement, ${BODY.length}-byte JSON bodies, ${counted} requests counted by the bare server)`);
  await sink.close();
  await new Promise<void>((r) => bare.close(() => r()));
}

async function suite(): Promise<void> {
  const target = await startTestTarget({ cronIntervalMs: 1_000 });
  const dir = await mkdtemp(join(tmpdir(), "lgwc-bench-"));
  try {
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(import.meta.dirname, "..", "dist", "src", "cli", "bin.js"), "--target", target.url, "--report-dir", dir], {
        stdio: "ignore",
      });
      child.once("close", resolve);
    });
    const wall = Date.now() - started;
    const cert = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as { cases: { id: string; durationMs: number }[]; settleMs: number };
    const slowest = cert.cases.reduce((a, c) => (c.durationMs > a.durationMs ? c : a));
    const sum = cert.cases.reduce((n, c) => n + c.durationMs, 0);
    console.log(
      `whole suite against the fault-free test target: ${(wall / 1000).toFixed(1)} s wall (exit ${code}) for ${cert.cases.length} cases; critical path ${(slowest.durationMs / 1000).toFixed(1)} s (${slowest.id}, its settle window of ${cert.settleMs} ms included); ratio ${(wall / slowest.durationMs).toFixed(2)} (target <= 1.50); the cases' durations add up to ${(sum / 1000).toFixed(1)} s`,
    );
  } finally {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await ingest();
await suite();
console.log("load mode (--repeat/--concurrency): not implemented yet, so not measured");
