import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { spawn } from "node:child_process";
import { BIN, runCli, startCliUntil } from "./helpers/cli.js";
import { hostileServer, json, peakRssMb } from "./helpers/hostile.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const INFO = { version: "hostile", flags: { crons: false } };

/** Runs the CLI against a server that answers with `handler`, and returns how it ended. */
async function against(handler: (req: IncomingMessage, res: ServerResponse) => void, args: string[] = []) {
  const server = await hostileServer(handler);
  const dir = await mkdtemp(join(tmpdir(), "lgwc-broken-"));
  dirs.push(dir);
  try {
    return await runCli(["--target", server.url, "--report-dir", dir, "--timeout-ms", "2000", ...args], { timeoutMs: 30_000 });
  } finally {
    await server.close();
  }
}

/** A broken target is the target's failure: exit 3 and one sentence, never "internal error" or a stack. */
function expectTargetFailure(run: { code: number | null; stderr: string }, sentence: RegExp): void {
  expect(run.code, run.stderr).toBe(3);
  expect(run.stderr).toMatch(sentence);
  expect(run.stderr).not.toMatch(/internal error|LGWC_INTERNAL|\n\s+at /);
}

describe("a broken target is the target's fault (exit 3), never the suite's (exit 4)", () => {
  it("an answer cut off mid-body", async () => {
    const run = await against((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"version":');
      setTimeout(() => res.destroy(), 50);
    });
    expectTargetFailure(run, /GET \/info on http:\/\/127\.0\.0\.1:\d+ answered HTTP 200, but its body was cut off .*; the target is not answering as a LangGraph API server does\. \[LGWC_TARGET_BROKEN\]/);
  });

  it("a body that drips for ever ends within the deadline", async () => {
    const run = await against((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const drip = setInterval(() => res.write(" "), 100);
      res.once("close", () => clearInterval(drip));
    });
    expectTargetFailure(run, /GET \/info .* answered HTTP 200, but its body did not finish within 2000 ms/);
  });

  it("a body without end is cut at 16 MiB, and the suite's memory stays bounded", { timeout: 60_000 }, async () => {
    const server = await hostileServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    try {
      const cli = await startCliUntil(["--target", server.url, "--timeout-ms", "20000", "--report-dir", await mkdtemp(join(tmpdir(), "lgwc-endless-"))], () => true);
      let peak = 0;
      const sampling = setInterval(() => void peakRssMb(cli.pid).then((mb) => (peak = Math.max(peak, mb ?? 0))), 50);
      const code = await cli.exited;
      clearInterval(sampling);
      expectTargetFailure({ code, stderr: cli.stderr() }, /its body is larger than 16 MiB, more than any answer of the API needs/);
      // It grew to 6.8 GB before the cap.
      expect(peak).toBeLessThan(300);
    } finally {
      await server.close();
    }
  });

  it("an assistant search that answers [null]", async () => {
    const run = await against((req, res) => {
      if (req.url === "/info") return json(res, 200, INFO);
      if (req.url === "/assistants/search") return json(res, 200, [null]);
      return json(res, 404, { detail: "not found" });
    });
    expectTargetFailure(run, /The assistant "conformance" does not exist on the target \(the target lists no assistants\)/);
  });

  it("/info that never answers waits --timeout-ms, not a fixed 15 s", async () => {
    const started = Date.now();
    const run = await against(() => undefined, ["--timeout-ms", "1000"]);
    expectTargetFailure(run, /GET \/info on http:\/\/127\.0\.0\.1:\d+ failed: .*; it did not answer in time/);
    // Bounded by the flag plus the whole-exchange margin (5 s), well under the 15 s it used to wait.
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it("a redirect says where it points", async () => {
    const run = await against((_req, res) => {
      res.writeHead(308, { location: "http://127.0.0.1:1/api/info" });
      res.end();
    });
    expectTargetFailure(run, /GET \/info answered HTTP 308 with an empty body; it redirects to "http:\/\/127\.0\.0\.1:1\/api\/info"; the suite follows no redirects, so pass "http:\/\/127\.0\.0\.1:1\/api" as --target\./);
  });

  it("a relative redirect is read against the target's URL, so the advice is a URL (review 21b)", async () => {
    const run = await against((_req, res) => {
      res.writeHead(308, { location: "/langgraph/info" });
      res.end();
    });
    expectTargetFailure(run, /it redirects to "\/langgraph\/info"; the suite follows no redirects, so pass "http:\/\/127\.0\.0\.1:\d+\/langgraph" as --target\./);
  });

  it("Ctrl-C while the preflight waits on a silent target ends at once, saying nothing was created (review 21b)", { timeout: 60_000 }, async () => {
    let asked!: () => void;
    const reached = new Promise<void>((resolve) => (asked = resolve));
    // Takes the request and never answers.
    const server = await hostileServer(() => asked());
    const dir = await mkdtemp(join(tmpdir(), "lgwc-silent-"));
    dirs.push(dir);
    try {
      const child = spawn(process.execPath, [BIN, "--target", server.url, "--timeout-ms", "120000", "--report-dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => void (stderr += c.toString()));
      const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
      await reached;
      const stoppedAt = Date.now();
      child.kill("SIGINT");
      expect(await closed).toBe(130);
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      expect(stderr).not.toMatch(/may remain on the target/);
    } finally {
      await server.close();
    }
  });
});
