import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, ROOT, runCli } from "./helpers/cli.js";
import { startTestTarget, type TestTarget } from "../fixtures/test-target/server.js";
import { SUITE_MARK } from "../src/api/cleanup.js";

const MARK = Object.keys(SUITE_MARK)[0]!;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const marked = (items: Record<string, unknown>[]): number =>
  items.filter((i) => MARK in ((i.metadata as Record<string, unknown> | undefined) ?? {})).length;

async function foreignThread(url: string): Promise<string> {
  const answer = await fetch(`${url}/threads`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ metadata: { owner: "someone-else" } }),
  });
  return ((await answer.json()) as { thread_id: string }).thread_id;
}

/** Starts the suite and resolves once the target holds threads and crons the suite marked. */
async function suiteMidRun(target: TestTarget): Promise<{ child: ReturnType<typeof spawn>; closed: Promise<number | null>; stderr: () => string }> {
  const dir = await mkdtemp(join(tmpdir(), "lgwc-kill-"));
  dirs.push(dir);
  // A long settle window and a cron that never fires keep everything the cases created alive.
  const child = spawn(process.execPath, [BIN, "--target", target.url, "--report-dir", dir, "--settle-ms", "60000", "--cron-timeout-ms", "60000", "--only", "thread-run,stateless-run,thread-cron,cron-patch"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  const deadline = Date.now() + 30_000;
  while (!(marked(target.threads()) >= 3 && marked(target.crons()) >= 2)) {
    if (Date.now() > deadline) throw new Error(`the suite never created its threads and crons; stderr:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, closed, stderr: () => stderr };
}

describe("the suite leaves nothing behind", () => {
  it("after Ctrl-C (SIGINT) mid-run, and touches nothing it did not create", { timeout: 90_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    try {
      const mine = await foreignThread(target.url);
      const run = await suiteMidRun(target);
      run.child.kill("SIGINT");
      expect(await run.closed, run.stderr()).toBe(130);
      expect(marked(target.threads())).toBe(0);
      expect(marked(target.crons())).toBe(0);
      expect(target.threads().map((t) => t.thread_id)).toContain(mine);
    } finally {
      await target.close();
    }
  });

  it("after SIGTERM mid-run", { timeout: 90_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    try {
      const run = await suiteMidRun(target);
      run.child.kill("SIGTERM");
      expect(await run.closed, run.stderr()).toBe(143);
      expect(marked(target.threads()) + marked(target.crons())).toBe(0);
    } finally {
      await target.close();
    }
  });

  it("after SIGKILL, once `cleanup` has run", { timeout: 90_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    try {
      const mine = await foreignThread(target.url);
      const run = await suiteMidRun(target);
      run.child.kill("SIGKILL");
      await run.closed;
      // The suite could not clean up: what it made is still there, until cleanup finds it by its mark.
      expect(marked(target.threads())).toBeGreaterThan(0);
      expect(marked(target.crons())).toBeGreaterThan(0);
      // Without --run, a run that began within the hour may still be going on: its items are left.
      const cautious = await runCli(["cleanup", "--target", target.url]);
      expect(cautious.code, cautious.stderr).toBe(0);
      expect(cautious.stderr).toMatch(/item\(s\) belong to runs that began in the last hour and may still be going on; they were left alone/);
      expect(marked(target.threads())).toBeGreaterThan(0);
      // Review 17: an empty --run once read as no --run at all; it is a usage error, and nothing is removed.
      for (const bad of ["", " ", "a tag"]) {
        const refused = await runCli(["cleanup", "--target", target.url, "--run", bad]);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/--run ".*" is not a run tag; give the tag a run printed when it started/);
      }
      expect(marked(target.threads())).toBeGreaterThan(0);
      const tag = /Run tag (\S+):/.exec(run.stderr())![1]!;
      const swept = await runCli(["cleanup", "--target", target.url, "--run", tag]);
      expect(swept.code, swept.stderr).toBe(0);
      expect(swept.stdout).toMatch(new RegExp(`Removed [1-9]\\d* cron\\(s\\) and [1-9]\\d* thread\\(s\\) marked by lg-webhook-conformance run ${tag}\\.`));
      expect(marked(target.threads()) + marked(target.crons())).toBe(0);
      expect(target.threads().map((t) => t.thread_id)).toContain(mine);
    } finally {
      await target.close();
    }
  });

  it("cleanup explains its flags", async () => {
    const missing = await runCli(["cleanup"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cleanup needs --target URL/);
    const help = await runCli(["cleanup", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--run TAG/);
  });
});
