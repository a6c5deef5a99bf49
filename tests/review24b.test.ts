import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestTarget, type TestTarget } from "../fixtures/test-target/server.js";
import { RUN_KEY, SUITE_MARK } from "../src/api/cleanup.js";
import { hostileServer, json } from "./helpers/hostile.js";
import { writeFile, readFile } from "node:fs/promises";
import { generateKeyPairSync } from "node:crypto";
import { seal } from "../src/report/integrity.js";

const QUICK = ["--settle-ms", "300", "--timeout-ms", "5000", "--workers", "1", "--no-canary"];

async function create(target: TestTarget, path: string, body: unknown): Promise<string> {
  const answer = await fetch(`${target.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await answer.json()) as { thread_id?: string; cron_id?: string };
  return json.cron_id ?? json.thread_id!;
}
const ids = (items: Record<string, unknown>[], key: string): unknown[] => items.map((i) => i[key]);

describe("review 24b finding 1: a search that echoes its metadata filter into every item", () => {
  it("an ordinary run's final sweep deletes threads and crons it never created", { timeout: 90_000 }, async () => {
    const target = await startTestTarget({ faults: ["search-echoes-filter"], cronIntervalMs: 600_000 });
    try {
      const thread = await create(target, "/threads", { metadata: { owner: "someone-else" } });
      const cron = await create(target, "/runs/crons", { assistant_id: "conformance", schedule: "0 0 1 1 *", metadata: { owner: "someone-else" } });
      const run = await runCli(["--target", target.url, "--only", "thread-run", "--report-dir", await mkdtemp(join(tmpdir(), "lgwc-r24b-")), ...QUICK]);
      // GET on each shows it is not the suite's; the README: "Each item is deleted only when the target's own answer shows the mark on that item".
      expect(ids(target.threads(), "thread_id"), run.stderr).toContain(thread);
      expect(ids(target.crons(), "cron_id"), run.stderr).toContain(cron);
    } finally {
      await target.close();
    }
  });

  it("`cleanup --run TAG` deletes them too", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["search-echoes-filter"], cronIntervalMs: 600_000 });
    try {
      const thread = await create(target, "/threads", { metadata: { owner: "someone-else" } });
      const cron = await create(target, "/runs/crons", { assistant_id: "conformance", schedule: "0 0 1 1 *", metadata: { owner: "someone-else" } });
      await create(target, "/threads", { metadata: { ...SUITE_MARK, [RUN_KEY]: "2020-01-01T00-00-00-000Z-aaaaaa" } });
      const run = await runCli(["cleanup", "--target", target.url, "--run", "2020-01-01T00-00-00-000Z-aaaaaa"]);
      expect(ids(target.threads(), "thread_id"), run.stdout + run.stderr).toContain(thread);
      expect(ids(target.crons(), "cron_id"), run.stdout + run.stderr).toContain(cron);
    } finally {
      await target.close();
    }
  });
});

describe("review 24b finding 2: the sink's byte budget does not bound its memory", () => {
  it("a chunked body of one-byte chunks that never ends takes the CLI down (heap exhausted) long before the budget is spent", { timeout: 120_000 }, async () => {
    const target = await startTestTarget({ faults: ["chunk-flood=1x3000000"], cronIntervalMs: 600_000 });
    const dir = await mkdtemp(join(tmpdir(), "lgwc-r24b-"));
    try {
      // A small heap only makes the test quick: with the default heap (about 4 GiB here), chunk-flood=4x4000000 does the same (REPRO.md).
      const run = await runCli(["--target", target.url, "--only", "thread-run", "--report-dir", dir, "--sink-budget-mb", "256", ...QUICK], {
        env: { NODE_OPTIONS: "--max-old-space-size=384" },
        timeoutMs: 110_000,
      });
      // About 3 MiB of bodies were kept of a 256 MiB budget: the sink should count and answer, not die.
      expect(run.stderr).not.toMatch(/heap out of memory|Reached heap limit/);
      expect([0, 1]).toContain(run.code);
    } finally {
      await target.close();
    }
  });
});

describe("review 24b finding 3: `cleanup` prints a target's JSON-escaped echo of the API key", () => {
  it("a run cleans such an echo (textOfJson); cleanup only with text()", { timeout: 30_000 }, async () => {
    const key = "sk-live-SECRETKEY123456";
    // Every other character as a JSON \\u escape: what a JSON encoder that escapes non-ASCII-safe characters writes, and any JSON reader decodes.
    const escaped = [...key].map((c, i) => (i % 2 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c)).join("");
    const server = await hostileServer((req, res) => {
      if (req.url === "/info") return json(res, 200, { version: "x", flags: { crons: true } });
      res.writeHead(500, { "content-type": "application/json" });
      res.end(`{"detail":"key ${escaped} is not valid for this deployment"}`);
    });
    try {
      const run = await runCli(["cleanup", "--target", server.url], { env: { LANGGRAPH_API_KEY: key } });
      const decoded = (run.stdout + run.stderr).replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      expect(decoded).not.toContain(key);
    } finally {
      await server.close();
    }
  });
});

describe("review 24b finding 4: verify calls two different documents intact and signed", () => {
  it("null and 1e400 (and numbers past double precision) share one canonical form", { timeout: 30_000 }, async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const report: Record<string, unknown> = { suite: { name: "lg-webhook-conformance", version: "0.1.0" }, verdict: null, reason: "stopped", exitCode: 130 };
    report.integrity = seal(report, pem);
    const forged = JSON.stringify(report, null, 2).replace('"verdict": null', '"verdict": 1e400');
    const dir = await mkdtemp(join(tmpdir(), "lgwc-r24b-"));
    await writeFile(join(dir, "certification.json"), forged);
    expect((JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as { verdict: unknown }).verdict).toBe(Infinity);
    const run = await runCli(["verify", join(dir, "certification.json")]);
    // The signer signed verdict null; this file says verdict Infinity (inf in Python): not the signed document.
    expect(run.stdout).toMatch(/NOT intact/);
    expect(run.code).toBe(1);
  });
});

describe("review 24b finding 5: requests abandoned mid-body keep their budget charge and are counted nowhere", () => {
  it("100 webhook requests cut off mid-body leave keptBytes charged with nothing kept, and no counter says so", { timeout: 30_000 }, async () => {
    const { startSink } = await import("../src/sink/server.js");
    const { connect } = await import("node:net");
    const sink = await startSink({ budgetBytes: 1024 * 1024 });
    sink.register("thread-run-0badc0de");
    const port = Number(new URL(sink.url).port);
    try {
      for (let i = 0; i < 100; i += 1) {
        await new Promise<void>((resolve) => {
          const socket = connect(port, "127.0.0.1", () => {
            socket.write(`POST /hook/thread-run-0badc0de?token=x HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 20000\r\n\r\n${"x".repeat(10_000)}`, () => {
              setTimeout(() => {
                socket.destroy();
                resolve();
              }, 20);
            });
          });
        });
      }
      await new Promise((r) => setTimeout(r, 300));
      const stats = sink.stats();
      expect(sink.deliveriesFor("thread-run-0badc0de")).toHaveLength(0);
      // Nothing is kept, yet ~1 MB of the budget is gone for good: the next real webhook is answered 507/503 and its case made inconclusive.
      expect(stats.keptBytes, JSON.stringify(stats)).toBeLessThan(10_000);
    } finally {
      await sink.close();
    }
  });
});

describe("review 24b finding 6: verify and merge crash (exit 4, internal error) on a deeply nested certification.json", () => {
  it("a file nested 200,000 arrays deep is a file that is not intact (1) or unusable (2), not a bug of the suite (4)", { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "lgwc-r24b-"));
    const n = 200_000;
    await writeFile(
      join(dir, "certification.json"),
      `{"verdict":"conformant","integrity":{"canonicalization":"json-sorted-keys/1","sha256":"00"},"x":${"[".repeat(n)}${"]".repeat(n)}}`,
    );
    const verify = await runCli(["verify", join(dir, "certification.json")]);
    expect(verify.stderr).not.toMatch(/internal error/);
    expect([1, 2]).toContain(verify.code);
    const merge = await runCli(["merge", dir, "--report-dir", await mkdtemp(join(tmpdir(), "lgwc-r24b-out-"))]);
    expect(merge.stderr).not.toMatch(/internal error/);
    expect(merge.code).toBe(2);
  });
});
