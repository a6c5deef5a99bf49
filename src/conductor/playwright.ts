import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtemp, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ConformanceError } from "../errors.js";
import { RUNTIME_ENV, specRuntimeOf, type Runtime } from "../runtime.js";
import type { CaseResult } from "../report/types.js";
import type { Conductor } from "./conductor.js";
import type { ControlServer } from "./control-server.js";
import { resultsFromOutcomes } from "./test-outcomes.js";
import { packageRoot } from "../package-root.js";


/** Where the cases run: what the stage hands back so that a stop can reach it and clean up after it. */
export interface CaseRunHooks {
  /** The temporary folder holding runtime.json (which names the control server), to delete at the end. */
  runtimeDir(path: string): void;
  child(child: ChildProcess): void;
  /** Load mode: a function that ends the in-process wait on a stop. */
  interrupt(stop: () => void): void;
  interrupted(): boolean;
  /** Playwright's progress lines. */
  progress(text: string): void;
}

function playwrightCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@playwright/test/package.json")), "cli.js");
}

function runPlaywright(runtimePath: string, hooks: CaseRunHooks): Promise<number | null> {
  const config = join(packageRoot(), "dist", "playwright.config.js");
  if (!existsSync(config)) {
    throw new ConformanceError("LGWC_INTERNAL", `The built suite is missing ${config}; run \`npm run build\` first.`);
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [playwrightCli(), "test", "--config", config], {
      cwd: packageRoot(),
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        [RUNTIME_ENV]: runtimePath,
        // No colours: everything printed is made inert (a target's text could carry escape sequences), which would show them as noise.
        FORCE_COLOR: "0",
        PLAYWRIGHT_HTML_OPEN: "never",
      },
    });
    hooks.child(child);
    // A signal that came just before the child existed stops it as soon as it does.
    if (hooks.interrupted()) child.kill("SIGINT");
    // Playwright's progress is diagnostics: it goes to stderr, leaving stdout for the verdict.
    child.stdout.on("data", (chunk: Buffer) => hooks.progress(chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => hooks.progress(chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolvePromise(code));
  });
}

/** The cases' results through Playwright: its workers collect them from the conductor, its reporter says how each test ended. */
export async function casesThroughPlaywright(runtime: Runtime, conductor: Conductor, control: ControlServer, hooks: CaseRunHooks): Promise<CaseResult[] | undefined> {
  const dir = await mkdtemp(join(tmpdir(), "lgwc-run-"));
  hooks.runtimeDir(dir);
  const runtimePath = join(dir, "runtime.json");
  // The test runner's internals (its HTML report, JSON results, blob, test output) are for debugging: kept only with --traces.
  const tracesDir = runtime.keepTraces ? join(runtime.reportDir, "traces") : join(dir, "traces");
  await writeFile(runtimePath, JSON.stringify(specRuntimeOf(runtime, tracesDir)), { mode: 0o600 });
  const code = await runPlaywright(runtimePath, hooks);
  // Stopped: the cases still running are not waited for.
  if (hooks.interrupted()) return undefined;
  const outcomes = control.outcomes();
  if (outcomes === undefined) {
    throw new ConformanceError("LGWC_INTERNAL", `The test runner ended (exit ${code ?? "by a signal"}) without saying how the tests ended; see its output above.`);
  }
  return resultsFromOutcomes(runtime.cases, outcomes, (id, attempt) => conductor.result(id, attempt));
}

/**
 * Load mode judges in this process: its cases are measurements, not tests of record, and
 * Playwright's runner and worker would add about 300 MB to the suite's footprint.
 */
export async function casesInProcess(runtime: Runtime, conductor: Conductor, hooks: CaseRunHooks): Promise<CaseResult[] | undefined> {
  const stopped = new Promise<undefined>((done) => hooks.interrupt(() => done(undefined)));
  return Promise.race([Promise.all(runtime.cases.map((id) => conductor.result(id, 0))), stopped]);
}
