import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

/**
 * Runs a composite action or a workflow the way GitHub's runner does, without GitHub: each `run:`
 * step in `bash --noprofile --norc -eo pipefail {0}` with the runner's files and variables, and
 * `${{ … }}` pasted in as text before the script runs (which is what makes an expression inside
 * `run:` an injection). `uses:` steps: the cache and artifact actions are emulated with folders,
 * the local action (`./`) is run, anything else is skipped with the reason recorded.
 */

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string | number | boolean>;
  with?: Record<string, string | number | boolean>;
}

export interface Annotation {
  level: string;
  message: string;
}

export interface StepRecord {
  name: string;
  status: "success" | "failure" | "skipped";
  /** Why a `uses:` step was not run, or what its emulation did. */
  note?: string;
  exitCode?: number;
  durationMs: number;
  /** What the step printed, with workflow command lines taken out (and nothing masked). */
  log: string;
}

export interface Recorder {
  steps: StepRecord[];
  annotations: Annotation[];
  /** Values the steps asked the runner to mask. */
  masks: string[];
  /** Workflow commands seen while commands were stopped: printed as text, not acted on. */
  inertCommands: string[];
  summary: string;
}

export interface Runner {
  /** The folder standing in for the runner's machine: temp, caches, artifacts. */
  root: string;
  temp: string;
  cacheStore: string;
  artifactStore: string;
  /** Variables every step sees (PATH, HOME …). */
  baseEnv: NodeJS.ProcessEnv;
  stepTimeoutMs: number;
}

export function makeRunner(root: string, stores: { cacheStore?: string; artifactStore?: string } = {}, stepTimeoutMs = 300_000): Runner {
  const temp = join(root, "runner-temp");
  const cacheStore = stores.cacheStore ?? join(root, "cache-store");
  const artifactStore = stores.artifactStore ?? join(root, "artifacts");
  for (const dir of [temp, cacheStore, artifactStore]) mkdirSync(dir, { recursive: true });
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: "true",
    GITHUB_ACTIONS: "true",
    RUNNER_OS: "Linux",
    RUNNER_TEMP: temp,
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
    ...(process.env.LGWC_CACHE_DIR ? { LGWC_CACHE_DIR: process.env.LGWC_CACHE_DIR } : {}),
  };
  return { root, temp, cacheStore, artifactStore, baseEnv, stepTimeoutMs };
}

export const newRecorder = (): Recorder => ({ steps: [], annotations: [], masks: [], inertCommands: [], summary: "" });

// ---- expressions -------------------------------------------------------------------------

type Value = string | boolean | undefined;
export interface Contexts {
  inputs: Record<string, string>;
  github: Record<string, string>;
  runner: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string }>;
  matrix: Record<string, string>;
  env: Record<string, string>;
  /** Whether every step so far succeeded. */
  ok: boolean;
}

const TOKEN = /\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||!|\(|\))|([A-Za-z_][A-Za-z0-9_.-]*(?:\(\))?))/y;

/** The part of GitHub's expression language the project's files use; anything else throws. */
export function evaluate(written: string, ctx: Contexts): Value {
  // An `if:` may be written with or without its ${{ }}.
  const expression = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(written)?.[1] ?? written;
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(expression);
    if (!m) throw new Error(`the runner emulation cannot read the expression "${expression}"`);
    tokens.push(m[0].trim());
  }
  let i = 0;
  const atom = (): Value => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`"${expression}" ends early`);
    if (t === "(") {
      const v = or();
      if (tokens[i++] !== ")") throw new Error(`"${expression}": ) expected`);
      return v;
    }
    if (t === "!") return !truthy(atom());
    if (t.startsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
    if (t === "always()") return true;
    if (t === "success()") return ctx.ok;
    if (t === "failure()") return !ctx.ok;
    if (t === "cancelled()") return false;
    if (t === "true" || t === "false") return t === "true";
    return lookup(t, ctx);
  };
  const compare = (): Value => {
    let left = atom();
    while (tokens[i] === "==" || tokens[i] === "!=") {
      const op = tokens[i++];
      const right = atom();
      // GitHub compares strings without regard to case.
      const same = String(left ?? "").toLowerCase() === String(right ?? "").toLowerCase();
      left = op === "==" ? same : !same;
    }
    return left;
  };
  const and = (): Value => {
    let left = compare();
    while (tokens[i] === "&&") {
      i++;
      const right = compare();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  function or(): Value {
    let left = and();
    while (tokens[i] === "||") {
      i++;
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  }
  const value = or();
  if (i !== tokens.length) throw new Error(`"${expression}": unexpected "${tokens[i]}"`);
  return value;
}

const truthy = (v: Value): boolean => v !== undefined && v !== false && v !== "";

function lookup(path: string, ctx: Contexts): Value {
  const [head, ...rest] = path.split(".");
  const known: Record<string, unknown> = { inputs: ctx.inputs, github: ctx.github, runner: ctx.runner, steps: ctx.steps, matrix: ctx.matrix, env: ctx.env };
  if (!(head! in known)) throw new Error(`the runner emulation does not know the context "${head}" (in ${path})`);
  let node: unknown = known[head!];
  for (const key of rest) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  if (typeof node === "boolean" || typeof node === "string") return node;
  if (typeof node === "number") return String(node);
  // A whole object (steps.x, inputs) is not something the project's files compare or paste.
  return "";
}

/** Pastes every `${{ … }}` in as text, as the runner does before a script runs. */
export function substitute(text: string, ctx: Contexts): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => {
    const v = evaluate(expression, ctx);
    return v === undefined ? "" : String(v);
  });
}

// ---- steps -------------------------------------------------------------------------------

/** Takes the workflow commands out of a step's output, as the runner does, honouring stop-commands. */
function readCommands(output: string, rec: Recorder): string {
  const log: string[] = [];
  let stopped: string | undefined;
  for (const line of output.split("\n")) {
    if (stopped !== undefined) {
      if (line.trim() === `::${stopped}::`) stopped = undefined;
      else {
        if (line.startsWith("::")) rec.inertCommands.push(line);
        log.push(line);
      }
      continue;
    }
    // The runner trims leading blanks before it looks for a command.
    const m = /^\s*::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (!m) {
      log.push(line);
      continue;
    }
    const [, name, data] = m;
    const text = data!.replaceAll("%0A", "\n").replaceAll("%0D", "\r").replaceAll("%25", "%");
    if (name === "add-mask") rec.masks.push(text);
    else if (name === "stop-commands") stopped = data;
    else if (name === "error" || name === "warning" || name === "notice") rec.annotations.push({ level: name, message: text });
    else log.push(line);
  }
  return log.join("\n");
}

/** Reads $GITHUB_OUTPUT: `name=value` lines and `name<<DELIMITER` blocks. */
export function readOutputFile(path: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  if (!existsSync(path)) return outputs;
  const lines = readFileSync(path, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: the delimiter ${heredoc[2]} never closes`);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return outputs;
}

function runScript(script: string, env: NodeJS.ProcessEnv, cwd: string, runner: Runner): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(runner.temp, "step-"));
  const file = join(dir, "script.sh");
  writeFileSync(file, script);
  return new Promise((resolvePromise, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`a step ran past ${runner.stepTimeoutMs} ms; its output so far:\n${output}`));
    }, runner.stepTimeoutMs);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? 1, output });
    });
  });
}

export interface Job {
  runner: Runner;
  workspace: string;
  rec: Recorder;
}

const text = (v: string | number | boolean | undefined): string => (v === undefined ? "" : String(v));

/** Runs one step in `ctx`; `actionPath` is set inside a composite action. */
async function runStep(step: Step, ctx: Contexts, job: Job, actionPath: string | undefined): Promise<StepRecord> {
  const name = step.name ?? step.uses ?? step.run?.split("\n")[0] ?? "step";
  const started = Date.now();
  const done = (status: StepRecord["status"], extra: Partial<StepRecord> = {}): StepRecord => ({ name, status, durationMs: Date.now() - started, log: "", ...extra });
  if (!truthy(evaluate(step.if ?? "success()", ctx))) return done("skipped", { note: `if: ${step.if ?? "success()"} is false` });
  const withs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(text(v), ctx)]));
  let outputs: Record<string, string> = {};
  let record: StepRecord;
  if (step.uses !== undefined) {
    const emulated = await useAction(step.uses, withs, ctx, job);
    outputs = emulated.outputs;
    record = done(emulated.ok ? "success" : "failure", { note: emulated.note });
  } else {
    if (step.shell !== undefined && step.shell !== "bash") throw new Error(`the runner emulation runs bash steps only, not ${step.shell}`);
    const dir = mkdtempSync(join(job.runner.temp, "files-"));
    const files = { GITHUB_OUTPUT: join(dir, "output"), GITHUB_ENV: join(dir, "env"), GITHUB_STEP_SUMMARY: join(dir, "summary") };
    for (const f of Object.values(files)) writeFileSync(f, "");
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(text(v), ctx)]));
    const env = { ...job.runner.baseEnv, GITHUB_WORKSPACE: job.workspace, ...(actionPath ? { GITHUB_ACTION_PATH: actionPath } : {}), ...ctx.env, ...stepEnv, ...files };
    const run = await runScript(substitute(step.run ?? "", ctx), env, job.workspace, job.runner);
    outputs = readOutputFile(files.GITHUB_OUTPUT);
    Object.assign(ctx.env, readOutputFile(files.GITHUB_ENV));
    job.rec.summary += readFileSync(files.GITHUB_STEP_SUMMARY, "utf8");
    record = done(run.code === 0 ? "success" : "failure", { exitCode: run.code, log: readCommands(run.output, job.rec) });
  }
  if (step.id !== undefined) ctx.steps[step.id] = { outputs, outcome: record.status };
  return record;
}

/** Runs a list of steps as a job or a composite action does: after a failure only `always()` steps run. */
async function runSteps(steps: Step[], ctx: Contexts, job: Job, actionPath: string | undefined): Promise<boolean> {
  for (const step of steps) {
    const record = await runStep(step, ctx, job, actionPath);
    job.rec.steps.push(record);
    if (record.status === "failure") ctx.ok = false;
  }
  return ctx.ok;
}

export interface ActionResult {
  ok: boolean;
  outputs: Record<string, string>;
}

interface ActionFile {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  outputs?: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

/** Runs the composite action in `actionPath` with these `with:` values. */
export async function runCompositeAction(actionPath: string, withs: Record<string, string>, job: Job, parent?: Contexts): Promise<ActionResult> {
  const action = parse(readFileSync(join(actionPath, "action.yml"), "utf8")) as ActionFile;
  if (action.runs.using !== "composite") throw new Error("only composite actions are emulated");
  for (const key of Object.keys(withs)) if (!(key in (action.inputs ?? {}))) throw new Error(`the action has no input "${key}"`);
  const inputs = Object.fromEntries(Object.entries(action.inputs ?? {}).map(([k, d]) => [k, withs[k] ?? text(d.default)]));
  const ctx: Contexts = {
    inputs,
    github: { action_path: actionPath, workspace: job.workspace, ...(parent?.github ?? {}) },
    runner: { temp: job.runner.temp, os: "Linux" },
    steps: {},
    matrix: parent?.matrix ?? {},
    env: { ...(parent?.env ?? {}) },
    ok: true,
  };
  ctx.github.action_path = actionPath;
  const ok = await runSteps(action.runs.steps, ctx, job, actionPath);
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([k, o]) => [k, substitute(o.value, ctx)]));
  return { ok, outputs };
}

async function useAction(uses: string, withs: Record<string, string>, ctx: Contexts, job: Job): Promise<{ ok: boolean; outputs: Record<string, string>; note: string }> {
  const [name] = uses.split("@");
  switch (name) {
    case "./": {
      const result = await runCompositeAction(job.workspace, withs, job, ctx);
      return { ...result, note: "the local action, run" };
    }
    case "actions/checkout":
      return { ok: true, outputs: {}, note: "skipped: the workspace already is a fresh clone of the repository" };
    case "actions/setup-node":
      if (!process.version.startsWith(`v${withs["node-version"]}.`)) throw new Error(`the step asks for Node ${withs["node-version"]}, this machine has ${process.version}`);
      return { ok: true, outputs: {}, note: `skipped: this machine's Node is ${process.version}` };
    case "actions/cache/restore": {
      const stored = join(job.runner.cacheStore, withs.key!);
      if (!existsSync(stored)) return { ok: true, outputs: { "cache-hit": "false" }, note: `emulated: no cache under ${withs.key}` };
      rmSync(withs.path!, { recursive: true, force: true });
      cpSync(stored, withs.path!, { recursive: true, verbatimSymlinks: true });
      return { ok: true, outputs: { "cache-hit": "true", "cache-matched-key": withs.key! }, note: `emulated: restored ${withs.key}` };
    }
    case "actions/cache/save": {
      const stored = join(job.runner.cacheStore, withs.key!);
      if (!existsSync(stored)) cpSync(withs.path!, stored, { recursive: true, verbatimSymlinks: true });
      return { ok: true, outputs: {}, note: `emulated: saved ${withs.key}` };
    }
    case "actions/upload-artifact": {
      const path = resolve(job.workspace, withs.path!);
      const stored = join(job.runner.artifactStore, withs.name!);
      if (existsSync(stored) && withs.overwrite !== "true") return { ok: false, outputs: {}, note: `emulated: an artifact named ${withs.name} exists already` };
      rmSync(stored, { recursive: true, force: true });
      if (!existsSync(path)) return { ok: true, outputs: {}, note: `emulated: nothing at ${path} to upload` };
      cpSync(path, stored, { recursive: true });
      return { ok: true, outputs: {}, note: `emulated: uploaded ${withs.name}` };
    }
    case "actions/download-artifact": {
      const pattern = new RegExp(`^${(withs.pattern ?? withs.name ?? "*").replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`);
      const target = resolve(job.workspace, withs.path ?? ".");
      const names = readdirSync(job.runner.artifactStore).filter((n) => pattern.test(n));
      for (const n of names) cpSync(join(job.runner.artifactStore, n), withs.name !== undefined ? target : join(target, n), { recursive: true });
      return { ok: true, outputs: {}, note: `emulated: downloaded ${names.join(", ")}` };
    }
    default:
      return { ok: true, outputs: {}, note: `skipped: ${uses} is not emulated` };
  }
}

// ---- workflows ---------------------------------------------------------------------------

interface WorkflowJob {
  needs?: string | string[];
  if?: string;
  strategy?: { matrix?: Record<string, (string | number)[]> };
  steps: Step[];
}

export interface JobResult {
  job: string;
  matrix: Record<string, string>;
  ok: boolean;
  rec: Recorder;
  workspace: string;
}

/** Expands a matrix of lists into its combinations. */
function combinations(matrix: Record<string, (string | number)[]> | undefined): Record<string, string>[] {
  let rows: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(matrix ?? {})) rows = rows.flatMap((row) => values.map((v) => ({ ...row, [key]: String(v) })));
  return rows;
}

/**
 * Runs a workflow's jobs in the order their `needs` allow, each matrix combination as a job of its
 * own in a fresh copy of `source` (what actions/checkout would give it).
 */
export async function runWorkflow(file: string, source: string, runner: Runner, inputs: Record<string, string>): Promise<JobResult[]> {
  const workflow = parse(readFileSync(file, "utf8")) as { jobs: Record<string, WorkflowJob> };
  const results: JobResult[] = [];
  const finished = new Map<string, boolean>();
  const pending = Object.entries(workflow.jobs);
  while (pending.length > 0) {
    const index = pending.findIndex(([, j]) => [j.needs ?? []].flat().every((n) => finished.has(n)));
    if (index < 0) throw new Error("the workflow's jobs need each other in a circle");
    const [id, spec] = pending.splice(index, 1)[0]!;
    const needsOk = [spec.needs ?? []].flat().every((n) => finished.get(n));
    let allOk = true;
    for (const matrix of combinations(spec.strategy?.matrix)) {
      const name = `${id}-${Object.values(matrix).join("-") || "0"}`;
      const workspace = join(runner.root, `workspace-${name}`);
      // Each job gets a machine of its own: its own temp folder; the cache and the artifacts are the repository's.
      const machine = makeRunner(join(runner.root, `machine-${name}`), runner, runner.stepTimeoutMs);
      rmSync(workspace, { recursive: true, force: true });
      cpSync(source, workspace, { recursive: true, verbatimSymlinks: true });
      const ctx: Contexts = { inputs, github: { workspace, event_name: "workflow_dispatch" }, runner: { temp: machine.temp, os: "Linux" }, steps: {}, matrix, env: {}, ok: needsOk };
      const rec = newRecorder();
      if (!truthy(evaluate(spec.if ?? "success()", ctx))) {
        finished.set(id, false);
        continue;
      }
      ctx.ok = true;
      const ok = await runSteps(spec.steps, ctx, { runner: machine, workspace, rec }, undefined);
      results.push({ job: id, matrix, ok, rec, workspace });
      allOk &&= ok;
    }
    finished.set(id, allOk);
  }
  return results;
}
