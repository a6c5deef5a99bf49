import { count } from "../text.js";
import { readCa } from "./read-ca.js";
import { readFlagFile } from "./read-flag-file.js";
import { cleanupCommand, describeLeftovers, leftoverLine, sweepLeftovers, unsweptCreates, type Leftover } from "../conductor/leftovers.js";
import type { ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { createPrivateKey, randomBytes } from "node:crypto";
import { ConformanceError, describeError, usageError } from "../errors.js";
import { exitCodeFor, EXIT } from "./exit-code.js";
import { withoutUserinfo, type Options } from "./args.js";
import type { Io } from "./main.js";
import { loadExpectations } from "./expectations.js";
import { renderSummary } from "./summary.js";
import { select, shardOf, type Selection } from "../selection.js";
import { ALL_CASE_IDS, caseIdsOf } from "../cases/catalog.js";
import { CHECK_NAMES, checksNamed } from "../checks/index.js";
import { TargetClient } from "../api/client.js";
import { preflight, runsConformanceGraph, type Preflight } from "../preflight/preflight.js";
import { canary } from "../preflight/canary.js";
import { LOCAL_ASSISTANT, startLocalTarget, type LocalTarget } from "../local/local.js";
import { startSink, type Sink } from "../sink/server.js";
import { makeTokenParts } from "../sink/case-url.js";
import { RUN_SCHEMA, RUN_SCHEMA_VERSION } from "../schema/run-schema.js";
import { loadOpenApiRunSchema, runSchemaFromDocument, type LoadedSchema } from "../schema/openapi.js";
import { compareRunSchemas } from "../schema/compare.js";
import { compileRunValidator } from "../schema/validate.js";
import type { Runtime } from "../runtime.js";
import { runTag as tagFor, sweep } from "../api/cleanup.js";
import { describeWindows, windowsFor, type Windows } from "../conductor/windows.js";
import { Conductor, STOP_CREATES_WAIT_MS, type FreshTarget } from "../conductor/conductor.js";
import { startControlServer, type ControlServer } from "../conductor/control-server.js";
import { casesInProcess, casesThroughPlaywright, type CaseRunHooks } from "../conductor/playwright.js";
import type { CaseResult } from "../report/types.js";
import { writeRunReports } from "../report/write.js";
import type { Redactor } from "../report/redact.js";
import { claimReportFolder, removeReports, REPORT_FILES, type ReportFolder } from "../report/files.js";
import { writeNoVerdict, writeNoVerdictNow, type NoVerdict } from "../report/no-verdict.js";

type NoVerdictReport = Omit<NoVerdict, "integrity">;
import type { Expectation } from "../report/gate.js";
import { packageRoot } from "../package-root.js";

/** Workers only collect results the main process computes concurrently, so two are plenty. */
const DEFAULT_WORKERS = 2;
const MIB = 1024 * 1024;


export function suiteVersion(): { name: string; version: string } {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { name: string; version: string };
  return { name: manifest.name, version: manifest.version };
}

/** Everything a run holds open, so that any way out of it releases them. */
export interface Resources {
  redactor: Redactor;
  folder?: ReportFolder;
  local?: LocalTarget;
  sink?: Sink;
  conductor?: Conductor;
  control?: ControlServer;
  runtimeDir?: string;
  child?: ChildProcess;
  /** Ends a wait that no child process would end on a signal (load mode's in-process run). */
  interrupt?: () => void;
  /** Set when the run was stopped: what Playwright wrote of it describes no finished run. */
  stopped?: boolean;
  /** The run's tag, once chosen: what `cleanup --run` needs to find what a stop left. */
  runTag?: string;
  /** The cleanup command for what this run leaves, with the flags its target needs (set with the tag). */
  cleanupCommand?: string;
  /** Before the cases begin, what removes what the preflight made (its canary and graph probe), should the run end there. */
  preflightSweep?: () => Promise<Leftover[]>;
  /** The words the run was started with, for a no-verdict report. */
  commandLine?: readonly string[];
  startedAt?: Date;
  /** Set once the report stage has said what the cleanup left: release() need not say it again. */
  leftoversSaid?: boolean;
  /** Set once the certification with the run's verdict is written. */
  verdictWritten?: boolean;
  /** How a run without a verdict ended: what its report folder says instead of a verdict. */
  ending?: { exitCode: number; reason: string };
}

function noVerdictOf(resources: Resources): NoVerdictReport {
  const ending = resources.ending ?? { exitCode: EXIT.internal, reason: "the run ended before it reached a verdict" };
  return {
    suite: suiteVersion(),
    verdict: null,
    reason: ending.reason,
    exitCode: ending.exitCode,
    commandLine: redactedCommandLine(resources.commandLine ?? [], resources.redactor),
    startedAt: (resources.startedAt ?? new Date()).toISOString(),
    finishedAt: new Date().toISOString(),
  };
}

/**
 * For a process that must exit now (a second signal, a cleanup past its grace): the report folder
 * says there is no verdict, whatever state the run left it in. Never throws.
 */
export function noVerdictNow(resources: Resources, ending: { exitCode: number; reason: string }): void {
  if (!resources.folder || resources.verdictWritten === true) return;
  resources.ending = ending;
  try {
    rmSync(resources.folder.staging, { recursive: true, force: true });
    writeNoVerdictNow(resources.folder.path, noVerdictOf(resources), REPORT_FILES);
  } catch {
    // The process is leaving: a folder it cannot write says nothing, which is no false verdict either.
  }
}

/** Releases everything; returns what could not be deleted from the target (after a stop, nothing else says so). */
export async function release(resources: Resources): Promise<Leftover[]> {
  if (resources.child && resources.child.exitCode === null) resources.child.kill("SIGTERM");
  const cleanup = resources.conductor !== undefined ? resources.conductor.abandon() : resources.preflightSweep?.();
  const left = (await cleanup?.catch((error: unknown): Leftover[] => [{ why: `the cleanup failed: ${describeError(error)}` }])) ?? [];
  await resources.control?.close().catch(() => undefined);
  await resources.sink?.close().catch(() => undefined);
  await resources.local?.stop().catch(() => undefined);
  if (resources.runtimeDir) await rm(resources.runtimeDir, { recursive: true, force: true }).catch(() => undefined);
  if (resources.folder && resources.verdictWritten !== true) {
    // No verdict of this run: nothing of an earlier one, or half of this one, may stand in the folder; it says why instead.
    await removeReports(resources.folder.path).catch(() => undefined);
    await writeNoVerdict(resources.folder.path, noVerdictOf(resources)).catch(() => undefined);
  }
  await resources.folder?.release().catch(() => undefined);
  return left;
}

/** Thrown at a checkpoint after Ctrl-C or SIGTERM, so nothing new starts. */
class Interrupted extends Error {}

/** The shell words of the command line, with every secret taken out (credentials in --target included). */
function redactedCommandLine(argv: readonly string[], redactor: Redactor): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const secret = flag === "--api-key" || flag === "-H" || flag === "--header" || flag === "--expect-header";
    const value = inline ?? (secret || flag === "--target" ? argv[i + 1] : undefined);
    if (value === undefined || !(secret || flag === "--target")) {
      out.push(arg);
      continue;
    }
    if (inline === undefined) i += 1;
    const shown = flag === "--target" ? withoutUserinfo(value) : flag === "--api-key" ? "REDACTED" : value.includes(":") ? `${value.split(":")[0]}: REDACTED` : value;
    out.push(...(inline === undefined ? [flag, shown] : [`${flag}=${shown}`]));
  }
  return redactor.text(["lg-webhook-conformance", ...out].map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" "));
}

/** The Run schema the webhooks are judged by: an unusable --openapi is a usage error before the target is contacted. */
async function chosenSchema(options: Options): Promise<LoadedSchema> {
  return options.openapi ? loadOpenApiRunSchema(options.openapi) : { schema: RUN_SCHEMA, source: "built-in Run schema", version: RUN_SCHEMA_VERSION };
}

/** The chosen schema, compared with the one the target serves, if it serves one. */
async function compareWithTarget(chosen: LoadedSchema, options: Options, api: TargetClient): Promise<Runtime["schema"]> {
  const served = await api.send("GET", "/openapi.json", undefined, { timeoutMs: Math.min(10_000, options.timeoutMs) }).catch(() => undefined);
  let target: Runtime["schema"]["target"];
  if (served === undefined || served.status !== 200 || served.json === undefined) {
    target = { available: false, reason: `the target does not serve /openapi.json (${served ? `HTTP ${served.status}` : "no answer"})` };
  } else {
    try {
      const theirs = runSchemaFromDocument(served.json, "target /openapi.json");
      target = { available: true, differences: compareRunSchemas(chosen.schema, theirs.schema) };
    } catch (error) {
      target = { available: false, reason: `the target's /openapi.json has no usable Run schema: ${describeError(error)}` };
    }
  }
  return { ...chosen, target };
}

/** A signing key that cannot sign must stop the run before it starts, not after it ends. */
export async function checkSigningKey(path: string, flag = "--sign-key"): Promise<string> {
  const pem = await readFlagFile(flag, path);
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch {
    throw new ConformanceError("LGWC_CONFIG", `${flag} ${path} is not a PEM private key; make one with \`openssl genpkey -algorithm ed25519\`.`);
  }
  if (type !== "ed25519") throw new ConformanceError("LGWC_CONFIG", `${flag} ${path} is a ${type ?? "unknown"} key; certification reports are signed with Ed25519.`);
  return pem;
}

/** A server of its own for one disruptive probe, with the same credentials and limits as the main target. */
async function freshLocalTarget(like: TargetClient, io: Io, serverVersion: Options["serverVersion"]): Promise<FreshTarget> {
  const local = await startLocalTarget({ progress: (line) => io.stderr(`${line}\n`), serverVersion });
  try {
    const api = like.withBaseUrl(local.url);
    const checked = await preflight(api, LOCAL_ASSISTANT);
    return { api, resolvedAssistantId: checked.resolvedAssistantId, stop: () => local.stop() };
  } catch (error) {
    await local.stop();
    throw error;
  }
}

/** What the command line asks for, checked before anything is started. */
interface Plan {
  selection: Selection;
  signKeyPath?: string;
  expectations?: Expectation[];
  /** The --ca certificates, read once. */
  caPem?: string;
}

async function plan(options: Options): Promise<Plan> {
  const chosen = select(caseIdsOf(options.profile), CHECK_NAMES, options.only, options.skip);
  const selection = options.shard ? { ...chosen, cases: shardOf(chosen.cases, options.shard.index, options.shard.total) } : chosen;
  if (selection.cases.length === 0) throw usageError(`--shard ${options.shard?.index}/${options.shard?.total} leaves no case: use fewer shards.`);
  const result: Plan = { selection };
  if (options.signKey !== undefined) {
    result.signKeyPath = resolve(options.signKey);
    await checkSigningKey(result.signKeyPath);
  }
  if (options.expectFailures !== undefined) {
    result.expectations = loadExpectations(options.expectFailures, await readFlagFile("--expect-failures", options.expectFailures), ALL_CASE_IDS, CHECK_NAMES);
  }
  if (options.ca !== undefined) result.caPem = await readCa(options.ca);
  return result;
}

/**
 * Takes the report folder for this run alone; the claim removes verdicts an earlier run left there
 * (a CI job that publishes junit.xml would show an earlier run's pass). The run writes into the
 * folder's staging folder, which takes the report folder's place once everything is written.
 */
async function claimReports(options: Options, resources: Resources): Promise<string> {
  resources.folder = await claimReportFolder(resolve(options.reportDir));
  return resources.folder.staging;
}

function warnings(options: Options, io: Io): void {
  if (options.profile === "hardening") {
    io.stderr(
      `Profile hardening: these probes send invalid webhook values and make deliveries fail, hang and retry; they may stall or crash the target. Use a deployment you may disrupt${options.local ? "" : " (--local starts fresh servers for them)"}.\n`,
    );
  }
  if (options.keyOnCommandLine) {
    io.stderr("Note: --api-key puts the key on the command line, where every user of this machine can read it (ps); set LANGGRAPH_API_KEY instead.\n");
  }
}

function clientFor(options: Options, caPem: string | undefined, baseUrl: string, redactor: Redactor): TargetClient {
  return new TargetClient({
    baseUrl,
    redact: (text) => redactor.textOfJson(text),
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(caPem === undefined ? {} : { ca: caPem }),
    headers: options.headers,
    requestTimeoutMs: options.timeoutMs,
  });
}

/** Issues webhook tokens that the run's redactor knows from the moment they exist. */
function tokenIssuer(redactor: Redactor): () => string {
  return () => {
    const { token, pieces } = makeTokenParts();
    redactor.addToken(token, pieces);
    return token;
  };
}

function conductorFor(options: Options, api: TargetClient, checked: Preflight, schema: Runtime["schema"], runTag: string, sink: Sink, sinkUrl: string, selection: Selection, resources: Resources, io: Io, windows: Windows): Conductor {
  const assistantId = assistantFor(options);
  return new Conductor({
    api,
    sink,
    sinkUrl,
    assistantId,
    resolvedAssistantId: checked.resolvedAssistantId,
    input: options.input,
    tag: tagFor(runTag),
    checks: checksNamed(selection.checks),
    checkContext: {
      validateRun: compileRunValidator(schema.schema, schema.source),
      expectHeaders: options.expectHeaders,
      clockSkewMs: options.clockSkewMs,
      relayed: options.publicUrl !== undefined,
      ...(options.allowedFields === undefined ? {} : { allowedFields: new Set(options.allowedFields) }),
    },
    settleMs: windows.settleMs,
    timeoutMs: windows.deadlineMs,
    cronTimeoutMs: windows.cronDeadlineMs,
    cronsSupported: checked.crons.supported,
    ...(checked.graphId === LOCAL_ASSISTANT
      ? {}
      : {
          noConformanceGraph: `the assistant "${assistantId}" runs graph "${checked.graphId ?? "unknown"}", not the suite's conformance graph, whose input selects each outcome; deploy fixtures/graphs/conformance.ts as graph "conformance" beside your graphs (see the README) and run with --assistant-id conformance`,
        }),
    redactor: resources.redactor,
    newToken: tokenIssuer(resources.redactor),
    conformanceGraph: checked.graphId === LOCAL_ASSISTANT,
    latencyMs: checked.latencyMs,
    progress: (line) => io.stderr(`${line}\n`),
    ...(options.load === undefined ? {} : { load: options.load }),
    ...(options.local && options.profile === "hardening" ? { freshTarget: () => freshLocalTarget(api, io, options.serverVersion) } : {}),
  });
}

function assistantFor(options: Options): string {
  return options.local && options.assistantId === "conformance" ? LOCAL_ASSISTANT : options.assistantId;
}

/** The target, checked: its client, what the preflight found, and the schema compared with its own. */
interface CheckedTarget {
  url: string;
  api: TargetClient;
  checked: Preflight;
  schema: Runtime["schema"];
}

/** Stage: the target to certify, started first with --local, and what the preflight finds there. */
async function checkTarget(options: Options, caPem: string | undefined, chosen: LoadedSchema, resources: Resources, io: Io): Promise<CheckedTarget> {
  let url = options.target!;
  if (options.local) {
    resources.local = await startLocalTarget({ progress: (line) => io.stderr(`${line}\n`), serverVersion: options.serverVersion });
    url = resources.local.url;
  }
  const api = clientFor(options, caPem, url, resources.redactor);
  // Nothing is created before the sink opens: a stop need not wait for a target that does not answer.
  const checked = await abandonedOnStop(preflight(api, assistantFor(options)), resources);
  if (checked.info === null) io.stderr(`Warning: ${url} has no GET /info, but its API answers; ${checked.crons.reason ?? ""}.\n`);
  return { url, api, checked, schema: await abandonedOnStop(compareWithTarget(chosen, options, api), resources) };
}

/** Reads the target without waiting for its answer once a stop comes: what it would have said no longer matters, and nothing was made. */
function abandonedOnStop<T>(work: Promise<T>, resources: Resources): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    resources.interrupt = () => reject(new Interrupted());
    work.then(resolve, reject);
  }).finally(() => {
    delete resources.interrupt;
  });
}

/** Stage: the sink the target will post to, and the tag everything this run creates carries. */
async function openSink(options: Options, selection: Selection, resources: Resources, io: Io): Promise<{ sink: Sink; sinkUrl: string; runTag: string }> {
  // Load mode must keep every delivery to account for it; a batch makes three runs, and a run may be repeated.
  const maxRecords = options.load === undefined ? undefined : 10_000 + options.load.repeat * selection.cases.length * 6;
  const sink = await startSink({ host: options.sinkHost, port: options.sinkPort, budgetBytes: options.sinkBudgetMb * MIB, ...(maxRecords === undefined ? {} : { maxRecords }) });
  resources.sink = sink;
  const runTag = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`;
  resources.runTag = runTag;
  resources.cleanupCommand = cleanupCommand(runTag, { ca: options.ca !== undefined });
  io.stderr(`Run tag ${runTag}: everything this run creates on the target carries it (if the run is killed: ${resources.cleanupCommand}).\n`);
  return { sink, sinkUrl: options.publicUrl ?? sink.url, runTag };
}

/** Stage: what must hold before any case: the graph behind the assistant, and a canary run's webhook arriving. */
async function proveTarget(options: Options, target: CheckedTarget, sink: Sink, sinkUrl: string, runTag: string, resources: Resources, io: Io): Promise<void> {
  const { api, checked } = target;
  // The probe and the canary make runs (and threads) with the run's tag: a run that ends before the cases begin removes them too.
  resources.preflightSweep = async () => {
    // As a stop during the cases does: a create still under way makes its thread after a sweep that ran now.
    const waitMs = Math.min(options.timeoutMs, STOP_CREATES_WAIT_MS);
    const unswept = unsweptCreates(await api.stopCreating(waitMs), waitMs);
    return [...unswept, ...sweepLeftovers(await sweep(api, tagFor(runTag), { crons: false }))];
  };
  if (checked.graphId === undefined) {
    // The target hides the assistant's graph: the graph's own answer tells.
    // A stop does not wait for these answers: what they made carries the run's tag, and the sweep at the end removes it.
    if (await abandonedOnStop(runsConformanceGraph(api, checked.resolvedAssistantId, tagFor(runTag), options.timeoutMs), resources)) checked.graphId = LOCAL_ASSISTANT;
    io.stderr(`Preflight: the target does not say which graph the assistant runs; a run without a webhook shows it ${checked.graphId === LOCAL_ASSISTANT ? "is" : "is not"} the conformance graph.\n`);
  }
  if (!options.canary) return;
  io.stderr(`Preflight: one canary run to prove webhooks reach ${sinkUrl} …\n`);
  await abandonedOnStop(canary(api, sink, {
    publicUrl: sinkUrl,
    throughPublicUrl: options.publicUrl !== undefined,
    assistantId: assistantFor(options),
    // The conformance graph ends at once on empty input; another assistant gets the user's input.
    input: checked.graphId === LOCAL_ASSISTANT ? {} : options.input,
    tag: tagFor(runTag),
    timeoutMs: options.timeoutMs,
    newToken: tokenIssuer(resources.redactor),
  }), resources);
}

/** Stage: the run as the specs and reports see it. */
function runtimeOf(argv: readonly string[], options: Options, planned: Plan, target: CheckedTarget, reportDir: string, sinkUrl: string, control: string, runTag: string, windows: Windows, redactor: Redactor): Runtime {
  const { selection } = planned;
  const runtime: Runtime = {
    suite: suiteVersion(),
    target: { url: target.url, info: target.checked.info, ...(options.local ? { embedded: `the embedded @langchain/langgraph-api ${options.serverVersion}` } : {}) },
    assistant: { requested: assistantFor(options), resolved: target.checked.resolvedAssistantId },
    input: options.input,
    clockSkewMs: options.clockSkewMs,
    settleMs: options.settleMs,
    timeoutMs: options.timeoutMs,
    cronTimeoutMs: options.cronTimeoutMs,
    windows,
    workers: options.workers ?? Math.min(selection.cases.length, DEFAULT_WORKERS),
    retries: options.retries,
    reportDir,
    keepTraces: options.traces,
    sink: { url: sinkUrl },
    control,
    schema: target.schema,
    crons: target.checked.crons,
    cases: selection.cases,
    profileCases: caseIdsOf(options.profile),
    checks: selection.checks,
    profile: options.profile,
    ...(options.load === undefined ? {} : { load: options.load }),
    runTag,
    startedAt: new Date().toISOString(),
    commandLine: redactedCommandLine(argv, redactor),
  };
  if (options.allowedFields !== undefined) runtime.allowedFields = options.allowedFields;
  if (options.expectHeaders.length > 0) runtime.expectedHeaders = options.expectHeaders.map(([name]) => name);
  if (planned.signKeyPath !== undefined) runtime.signKeyPath = planned.signKeyPath;
  if (options.shard) runtime.shard = options.shard;
  if (planned.expectations !== undefined) {
    runtime.expectations = planned.expectations;
    runtime.strictExpectations = options.strictExpectations;
  }
  return runtime;
}

/** Stage: every case driven, through Playwright's specs of record, or in this process for load mode. */
async function runCases(options: Options, runtime: Runtime, conductor: Conductor, control: ControlServer, resources: Resources, io: Io, interrupted: () => boolean): Promise<CaseResult[] | undefined> {
  io.stderr(
    options.load === undefined
      ? `Certifying ${runtime.target.url}: ${count(runtime.cases.length, "case")} at once; the suite ${describeWindows(runtime.windows)} …\n`
      : `Load mode on ${runtime.target.url}: ${count(runtime.cases.length, "case")} × ${options.load.repeat}, ${options.load.concurrency} at once …\n`,
  );
  conductor.startAll(runtime.cases);
  const hooks: CaseRunHooks = {
    runtimeDir: (path) => (resources.runtimeDir = path),
    child: (child) => (resources.child = child),
    interrupt: (stop) => (resources.interrupt = stop),
    interrupted,
    progress: (text) => io.stderr(text),
  };
  return options.load === undefined ? casesThroughPlaywright(runtime, conductor, control, hooks) : casesInProcess(runtime, conductor, hooks);
}

/** Stage: the reports written, the summary printed, and the exit status. */
async function report(options: Options, runtime: Runtime, cases: readonly CaseResult[], leftovers: readonly Leftover[], resources: Resources, io: Io, interrupted: () => boolean): Promise<number> {
  if (leftovers.length > 0) io.stderr(describeLeftovers(leftovers, resources.cleanupCommand ?? cleanupCommand(resources.runTag)));
  resources.leftoversSaid = true;
  const certification = await writeRunReports(runtime, cases, resources.sink!.stats(), resources.redactor, interrupted, [...new Set(leftovers.map(leftoverLine))]).catch((error: unknown) => {
    // The file system refused (the folder was removed, the disk is full): that is the folder, not a bug in the suite.
    if (typeof (error as NodeJS.ErrnoException).code !== "string" || error instanceof ConformanceError) throw error;
    throw new ConformanceError("LGWC_CONFIG", `Cannot write this run's reports into ${resources.folder!.path}: ${describeError(error)}; the report folder must stay in place and writable for the whole run.`);
  });
  if (certification === undefined) return EXIT.internal;
  await resources.folder!.publish();
  resources.verdictWritten = true;
  const summary = renderSummary(certification, options.reportDir, { caseLines: options.load !== undefined });
  const partialRefused = options.requireComplete && !certification.scope.complete;
  // Said before the summary, whose last line names the report to read.
  if (partialRefused) io.stderr("--require-complete: the certificate is partial (see below), so the run does not pass.\n");
  if (options.json) {
    io.stderr(summary);
    io.stdout(`${JSON.stringify(certification, null, 2)}\n`);
  } else {
    io.stdout(summary);
  }
  // With expectations the gate decides: expected failures are forgiven, new ones and flaky cases are not.
  return runtime.expectations === undefined
    ? exitCodeFor({ kind: "verdict", verdict: certification.verdict, partialRefused })
    : exitCodeFor({ kind: "gate", passed: certification.gate.passed, partialRefused });
}

/** A run, stage by stage; each stage lives with its role, and a stop between stages starts nothing new. */
export async function certify(argv: readonly string[], options: Options, io: Io, resources: Resources, interrupted: () => boolean): Promise<number> {
  const checkpoint = (): void => {
    if (interrupted()) throw new Interrupted();
  };
  // The files flags name are read first, and a stop does not wait for one that never ends (a pipe nobody writes to).
  const planned = await abandonedOnStop(plan(options), resources);
  resources.startedAt = new Date();
  const stagingDir = await claimReports(options, resources);
  checkpoint();
  const chosen = await chosenSchema(options);
  warnings(options, io);
  const target = await checkTarget(options, planned.caPem, chosen, resources, io);
  checkpoint();
  const { sink, sinkUrl, runTag } = await openSink(options, planned.selection, resources, io);
  await proveTarget(options, target, sink, sinkUrl, runTag, resources, io);
  if (options.preflightOnly) {
    io.stdout(`Preflight passed: ${target.url} is a LangGraph API server, assistant ${assistantFor(options)} exists${options.canary ? `, and a canary run's webhook reached ${sinkUrl}` : ""}.\n`);
    return EXIT.conformant;
  }
  checkpoint();
  const windows = windowsFor(options, target.checked.latencyMs);
  const conductor = conductorFor(options, target.api, target.checked, target.schema, runTag, sink, sinkUrl, planned.selection, resources, io, windows);
  resources.conductor = conductor;
  const control = await startControlServer(conductor, resources.redactor);
  resources.control = control;
  const runtime = runtimeOf(argv, options, planned, target, stagingDir, sinkUrl, control.url, runTag, windows, resources.redactor);
  checkpoint();
  const cases = await runCases(options, runtime, conductor, control, resources, io, interrupted);
  // Interrupted: no verdict is written (the cases did not finish), and release() deletes what they created.
  if (interrupted() || cases === undefined) return EXIT.internal;
  const leftovers = await conductor.finish();
  // A stop during the final cleanup is a stop all the same: no verdict.
  if (interrupted()) return EXIT.internal;
  return report(options, runtime, cases, leftovers, resources, io, interrupted);
}
