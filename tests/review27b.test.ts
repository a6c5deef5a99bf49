/**
 * Review 27b (hostile review). Each test asserts the correct behaviour and fails on the code reviewed.
 */
import { describe, expect, it } from "vitest";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { runCli, startCliUntil } from "./helpers/cli.js";
import { writeFile } from "node:fs/promises";
import { hostileServer, json } from "./helpers/hostile.js";

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), "lgwc-r27b-"));

/**
 * A LangGraph-like target whose stateless run creates (POST /runs, /runs/wait) answer after `delayMs`; the run's
 * thread, carrying the request's metadata, is made when the answer goes out (a loaded production server).
 */
async function slowStatelessTarget(delayMs: number, options: { hideGraph?: boolean } = {}) {
  const threads = new Map<string, { thread_id: string; metadata: Record<string, unknown> }>();
  const matches = (meta: Record<string, unknown>, filter: Record<string, unknown> = {}): boolean => Object.entries(filter).every(([k, v]) => meta[k] === v);
  const server = await hostileServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const body = (raw ? JSON.parse(raw) : {}) as { metadata?: Record<string, unknown>; offset?: number; limit?: number };
      const url = (req.url ?? "").split("?")[0]!;
      if (req.method === "GET" && url === "/info") return json(res, 200, { version: "0.0.0", flags: { crons: false } });
      if (req.method === "GET" && url === "/assistants/conformance") return json(res, 200, { assistant_id: "conformance", ...(options.hideGraph ? {} : { graph_id: "conformance" }) });
      if (req.method === "POST" && url === "/threads/search") {
        const offset = body.offset ?? 0;
        return json(res, 200, [...threads.values()].filter((t) => matches(t.metadata, body.metadata)).slice(offset, offset + (body.limit ?? 10)));
      }
      const one = /^\/threads\/([^/]+)$/.exec(url);
      if (one && req.method === "GET") {
        const t = threads.get(decodeURIComponent(one[1]!));
        return t ? json(res, 200, t) : json(res, 404, { detail: "not found" });
      }
      if (one && req.method === "DELETE") {
        threads.delete(decodeURIComponent(one[1]!));
        res.writeHead(204).end();
        return;
      }
      if (req.method === "POST" && (url === "/runs" || url === "/runs/wait")) {
        setTimeout(() => {
          const thread_id = randomUUID();
          threads.set(thread_id, { thread_id, metadata: body.metadata ?? {} });
          json(res, 200, url === "/runs" ? { run_id: randomUUID(), thread_id, status: "pending", metadata: body.metadata } : { result: "done:succeed" });
        }, delayMs);
        return;
      }
      json(res, 404, { detail: "not found" });
    });
  });
  return { ...server, marked: () => [...threads.values()].filter((t) => "lg_webhook_conformance" in t.metadata).length };
}

describe("review 27b finding 1: Ctrl-C while a preflight create call is under way leaves what it makes on the target, unsaid", () => {
  it("Ctrl-C while the canary's POST /runs is unanswered: the stop waits for it (as a stop during the cases does) and removes its thread, or says it may remain", { timeout: 60_000 }, async () => {
    const target = await slowStatelessTarget(4_000);
    try {
      const cli = await startCliUntil(["--target", target.url, "--report-dir", join(await tmp(), "r"), "--only", "thread-run"], (e) => e.includes("one canary run"));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await cli.stop("SIGINT")).toBe(130);
      // The create is answered 3 s after the stop; give it time to land.
      await new Promise((r) => setTimeout(r, 4_500));
      const left = target.marked();
      // Either nothing is left, or the user was told something may remain (with the cleanup command).
      expect(left === 0 || /cleanup --target URL --run/.test(cli.stderr().split("Received SIGINT")[1] ?? ""), `marked threads left: ${left}; stderr:\n${cli.stderr()}`).toBe(true);
      expect(left).toBe(0);
    } finally {
      await target.close();
    }
  });

  it("Ctrl-C while the graph probe's POST /runs/wait is unanswered: its thread is removed too", { timeout: 60_000 }, async () => {
    const target = await slowStatelessTarget(4_000, { hideGraph: true });
    try {
      const cli = await startCliUntil(["--target", target.url, "--report-dir", join(await tmp(), "r"), "--only", "thread-run"], (e) => e.includes("Run tag"));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await cli.stop("SIGINT")).toBe(130);
      await new Promise((r) => setTimeout(r, 4_500));
      expect(target.marked(), cli.stderr()).toBe(0);
    } finally {
      await target.close();
    }
  });
});

describe("review 27b finding 1b: a canary create the target answers only after --timeout-ms leaves its thread, unsaid", () => {
  it("exit 3 on a canary create that timed out: what it made later is swept, or the user is told it may remain and how to remove it", { timeout: 60_000 }, async () => {
    const target = await slowStatelessTarget(3_000);
    try {
      const run = await runCli(["--target", target.url, "--report-dir", join(await tmp(), "r"), "--only", "thread-run", "--timeout-ms", "1000"]);
      expect(run.code).toBe(3);
      await new Promise((r) => setTimeout(r, 3_500));
      if (target.marked() > 0) expect(run.stderr, `a marked thread was left and nothing said so:\n${run.stderr}`).toMatch(/may remain[\s\S]*cleanup --target URL --run /);
    } finally {
      await target.close();
    }
  });
});

describe("review 27b finding 2: a cache folder that cannot be written is blamed on the network", () => {
  it("install-server with LGWC_CACHE_DIR under a file: exit 2, naming LGWC_CACHE_DIR, not the npm registry", { timeout: 60_000 }, async () => {
    const file = join(await tmp(), "a-file");
    await writeFile(file, "");
    const run = await runCli(["install-server"], { env: { LGWC_CACHE_DIR: join(file, "cache") } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("LGWC_CACHE_DIR");
    expect(run.stderr).not.toMatch(/Check the network/);
  });
});
