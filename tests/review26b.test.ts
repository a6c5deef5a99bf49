/**
 * Review 26b (hostile review): an --input the suite cannot judge, the stray sample, and the canary's leftovers. Each test failed before its fix.
 */
import { describe, expect, it } from "vitest";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { startSink } from "../src/sink/server.js";
import { runCli, startCliUntil } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), "lgwc-r26b-"));
const nested = (n: number): string => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

describe("review 26b findings 1, 2 and 6: an --input the suite could not send or judge is refused before anything runs", () => {
  it("an --input nested deeper than 64 levels is a usage error (a genuine certificate of depth 1,000 failed verify; depth 100 made a correct target inconclusive, 512 non-conformant)", { timeout: 60_000 }, async () => {
    for (const depth of [65, 100, 512, 1000]) {
      const run = await runCli(["--target", "http://127.0.0.1:9", "--input", nested(depth), "--report-dir", join(await tmp(), "r")]);
      expect({ depth, code: run.code, stderr: run.stderr }).toMatchObject({ depth, code: 2, stderr: expect.stringMatching(/--input nests more than 64 levels deep/) as string });
    }
    const shallow = await runCli(["--target", "http://127.0.0.1:9", "--input", nested(64), "--report-dir", join(await tmp(), "r")]);
    expect(shallow.stderr).not.toMatch(/--input nests/);
  });

  it("an --input holding a number JSON cannot carry (1e400) is a usage error, not a kwargs-input failure of the target", { timeout: 60_000 }, async () => {
    const run = await runCli(["--target", "http://127.0.0.1:9", "--input", '{"i":1e400}', "--report-dir", join(await tmp(), "r")]);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(/--input holds a number JSON cannot carry \(it reads as Infinity/) as string });
  });
});

describe("review 26b finding 3: requests that never end hold every stray sample place, must not keep the real strays out of the sample", () => {
  it("20 open, never-ending strays; then 5 complete stray POSTs carrying a run: strays 5, all 5 in the sample", { timeout: 60_000 }, async () => {
    const sink = await startSink();
    const port = Number(new URL(sink.url).port);
    const sockets: net.Socket[] = [];
    try {
      for (let i = 0; i < 20; i += 1) {
        const s = net.connect(port, "127.0.0.1");
        s.on("error", () => undefined);
        // Headers, then a body that never ends (any sender reaching the sink can do this).
        s.write(`GET /favicon-${i}.ico HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nx`);
        sockets.push(s);
      }
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 5; i += 1) {
        const res = await fetch(`${sink.url}/hook/made-up-${i}?token=x`, { method: "POST", body: JSON.stringify({ run_id: `r${i}`, status: "success" }) });
        await res.text();
      }
      const stats = sink.stats();
      expect(stats.strays).toBe(5);
      // Requests held open take no place in the sample: the strays that ended are its evidence.
      expect(stats.straySample.map((s) => s.target)).toEqual([0, 1, 2, 3, 4].map((i) => `/hook/made-up-${i}?token=x`));
    } finally {
      for (const s of sockets) s.destroy();
      await sink.close();
    }
  });
});



describe("review 26b finding 5: what the preflight's canary made is swept when the run ends there", () => {
  const marked = (target: { threads(): { metadata?: unknown }[] }): number =>
    target.threads().filter((t) => "lg_webhook_conformance" in ((t.metadata as Record<string, unknown> | undefined) ?? {})).length;

  it("a canary that times out (exit 3) leaves no marked thread behind", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["no-delivery", "ignore-on-completion-delete"], cronIntervalMs: 600_000 });
    try {
      const run = await runCli(["--target", target.url, "--report-dir", join(await tmp(), "r"), "--only", "thread-run", "--timeout-ms", "3000"]);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toContain("LGWC_WEBHOOKS_DISABLED");
      expect(marked(target)).toBe(0);
    } finally {
      await target.close();
    }
  });

  it("Ctrl-C while the canary waits: exit 130, and the canary's thread is removed", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["no-delivery", "ignore-on-completion-delete"], cronIntervalMs: 600_000 });
    try {
      const cli = await startCliUntil(["--target", target.url, "--report-dir", join(await tmp(), "r"), "--only", "thread-run", "--timeout-ms", "30000"], (e) => e.includes("one canary run"));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await cli.stop("SIGINT")).toBe(130);
      expect(marked(target)).toBe(0);
    } finally {
      await target.close();
    }
  });
});
