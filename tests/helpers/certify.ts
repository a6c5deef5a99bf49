import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { runCli } from "./cli.js";
import { startTestTarget, type TestTargetOptions } from "../../fixtures/test-target/server.js";
import { SUITE_MARK } from "../../src/api/cleanup.js";
import type { Certification } from "../../src/report/certification.js";

const TAG_KEY = Object.keys(SUITE_MARK)[0]!;

export interface Certified {
  code: number | null;
  cert: Certification;
  /** Threads and crons carrying the suite's mark still on the target afterwards. */
  leftovers: number;
  stdout: string;
  stderr: string;
  reportDir: string;
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Runs the CLI against a fresh test target with these faults, and reads what it certified. */
export async function certifyTestTarget(faults: string[], args: string[], options: TestTargetOptions = {}, timeoutMs?: number): Promise<Certified> {
  const target = await startTestTarget({ faults, cronIntervalMs: 1_000, ...options });
  const reportDir = await mkdtemp(join(tmpdir(), "lgwc-fault-"));
  dirs.push(reportDir);
  try {
    const run = await runCli(["--target", target.url, "--report-dir", reportDir, ...args], timeoutMs === undefined ? {} : { timeoutMs });
    const text = await readFile(join(reportDir, "certification.json"), "utf8").catch(() => {
      throw new Error(`no certification.json (exit ${run.code}); stderr:\n${run.stderr}`);
    });
    const leftovers =
      target.threads().filter((t) => TAG_KEY in ((t.metadata as Record<string, unknown> | undefined) ?? {})).length + target.crons().length;
    return { code: run.code, cert: JSON.parse(text) as Certification, leftovers, stdout: run.stdout, stderr: run.stderr, reportDir };
  } finally {
    await target.close();
  }
}
