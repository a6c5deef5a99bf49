import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { ConformanceError, describeError, usageError } from "../errors.js";
import { exitCodeFor, EXIT } from "./exit-code.js";
import { parseCommandLine, type Options } from "./args.js";
import { HELP } from "./help.js";
import { cleanup } from "./cleanup.js";
import { verifyCommand } from "./verify.js";
import { mergeCommand } from "./merge.js";
import { loadExpectations } from "./expectations.js";
import { createPrivateKey } from "node:crypto";
import { renderSummary } from "./summary.js";
import { select, shardOf } from "../selection.js";
import { ALL_CASE_IDS, caseIdsOf } from "../target/catalog.js";
import { CHECK_NAMES, checksNamed } from "../checks/index.js";
import { TargetClient } from "../target/client.js";
import { preflight } from "../target/preflight.js";
import { canary } from "../target/canary.js";
import { LOCAL_ASSISTANT, startLocalTarget, type LocalTarget } from "../target/local.js";
import { startSink, type Sink } from "../sink/server.js";
import { RUN_SCHEMA, RUN_SCHEMA_VERSION } from "../schema/run-schema.js";
import { loadOpenApiRunSchema, runSchemaFromDocument, type LoadedSchema } from "../schema/openapi.js";
import { compareRunSchemas } from "../schema/compare.js";
import { compileRunValidator } from "../schema/validate.js";
import { RUNTIME_ENV, type Runtime } from "../runtime.js";
import { runTag as tagFor } from "../target/cleanup.js";
import { Conductor, type FreshTarget } from "../conductor/conductor.js";
import { startControlServer, type ControlServer } from "../conductor/control-server.js";
import type { Certification } from "../report/certification.js";
import { writeRunReports } from "../report/write.js";
import { Redactor } from "../report/redact.js";

/** Workers only collect results the main process computes concurrently, so two are plenty. */
const DEFAULT_WORKERS = 2;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const here = dirname(fileURLToPath(import.meta.url));
// dist/src/cli -> package root
const packageRoot = resolve(here, "..", "..", "..");

function suiteVersion(): { name: string; version: string } {
  const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { name: string; version: string };
  return { name: manifest.name, version: manifest.version };
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.toString().replace(/\/+$/, "");
}

function redactedCommandLine(argv: readonly string[], redactor: Redactor): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    out.push(arg);
    if ((arg === "--api-key" || arg === "-H" || arg === "--header") && i + 1 < argv.length) {
      const value = argv[++i]!;
      out.push(arg === "--api-key" ? "REDACTED" : `${value.split(":")[0]}: REDACTED`);
    }
  }
  return redactor.text(["lg-webhook-conformance", ...out].map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" "));
}

async function loadSchema(options: Options, api: TargetClient): Promise<Runtime["schema"]> {
  const chosen: LoadedSchema = options.openapi
    ? await loadOpenApiRunSchema(options.openapi)
    : { schema: RUN_SCHEMA, source: "built-in Run schema", version: RUN_SCHEMA_VERSION };
  const served = await api.send("GET", "/openapi.json", undefined, { timeoutMs: 10_000 }).catch(() => undefined);
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

function playwrightCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@playwright/test/package.json")), "cli.js");
}

function runPlaywright(runtimePath: string, io: Io, onChild: (child: ChildProcess) => void): Promise<number> {
  const config = join(packageRoot, "dist", "playwright.config.js");
  if (!existsSync(config)) {
    throw new ConformanceError("LGWC_INTERNAL", `The built suite is missing ${config}; run \`npm run build\` first.`);
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [playwrightCli(), "test", "--config", config], {
      cwd: packageRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        [RUNTIME_ENV]: runtimePath,
        ...(process.stderr.isTTY ? { FORCE_COLOR: "1" } : {}),
        PLAYWRIGHT_HTML_OPEN: "never",
      },
    });
    onChild(child);
    // Playwright's progress is diagnostics: it goes to stderr, leaving stdout for the verdict.
    child.stdout.on("data", (chunk: Buffer) => io.stderr(chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => io.stderr(chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolvePromise(code ?? EXIT.internal));
  });
}

function readCa(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConformanceError("LGWC_CONFIG", `Cannot read --ca ${path}: ${describeError(error)}.`);
  }
}

/** A signing key that cannot sign must stop the run before it starts, not after it ends. */
function checkSigningKey(path: string): void {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConformanceError("LGWC_CONFIG", `Cannot read --sign-key ${path}: ${describeError(error)}.`);
  }
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch {
    throw new ConformanceError("LGWC_CONFIG", `--sign-key ${path} is not a PEM private key; make one with \`openssl genpkey -algorithm ed25519\`.`);
  }
  if (type !== "ed25519") throw new ConformanceError("LGWC_CONFIG", `--sign-key ${path} is a ${type ?? "unknown"} key; certification reports are signed with Ed25519.`);
}

/**
 * Load mode judges and writes the reports in this process: its cases are measurements, not tests
 * of record, and Playwright's runner and worker would add about 300 MB to the suite's footprint.
 */
async function certifyInProcess(conductor: Conductor, sink: Sink, runtime: Runtime): Promise<void> {
  const cases = await Promise.all(runtime.cases.map((id) => conductor.result(id, 0)));
  await writeRunReports(runtime, cases, { strays: sink.strays(), dropped: sink.dropped() });
}

/** A server of its own for one disruptive probe, with the same credentials and limits as the main target. */
async function freshLocalTarget(like: TargetClient, io: Io): Promise<FreshTarget> {
  const local = await startLocalTarget({ progress: (line) => io.stderr(`${line}\n`) });
  try {
    const api = like.withBaseUrl(local.url);
    const checked = await preflight(api, LOCAL_ASSISTANT);
    return { api, resolvedAssistantId: checked.resolvedAssistantId, stop: () => local.stop() };
  } catch (error) {
    await local.stop();
    throw error;
  }
}

/** Thrown at a checkpoint after Ctrl-C or SIGTERM, so nothing new starts. */
class Interrupted extends Error {}

interface Resources {
  local?: LocalTarget;
  sink?: Sink;
  conductor?: Conductor;
  control?: ControlServer;
  runtimeDir?: string;
  child?: ChildProcess;
  /** Ends a wait that no child process would end on a signal (load mode's in-process run). */
  interrupt?: () => void;
}

async function release(resources: Resources): Promise<void> {
  if (resources.child && resources.child.exitCode === null) resources.child.kill("SIGTERM");
  await resources.conductor?.abandon().catch(() => undefined);
  await resources.control?.close().catch(() => undefined);
  await resources.sink?.close().catch(() => undefined);
  await resources.local?.stop().catch(() => undefined);
  if (resources.runtimeDir) await rm(resources.runtimeDir, { recursive: true, force: true }).catch(() => undefined);
}

async function certify(
  argv: readonly string[],
  options: Options,
  io: Io,
  resources: Resources,
  interrupted: () => boolean,
): Promise<number> {
  const chosen = select(caseIdsOf(options.profile), CHECK_NAMES, options.only, options.skip);
  const selection = options.shard ? { ...chosen, cases: shardOf(chosen.cases, options.shard.index, options.shard.total) } : chosen;
  if (selection.cases.length === 0) throw usageError(`--shard ${options.shard?.index}/${options.shard?.total} leaves no case: use fewer shards.`);
  const signKeyPath = options.signKey === undefined ? undefined : resolve(options.signKey);
  if (signKeyPath !== undefined) checkSigningKey(signKeyPath);
  const expectations = options.expectFailures === undefined ? undefined : loadExpectations(options.expectFailures, ALL_CASE_IDS, CHECK_NAMES);
  const reportDir = resolve(options.reportDir);
  await mkdir(reportDir, { recursive: true }).catch((error: unknown) => {
    throw new ConformanceError("LGWC_CONFIG", `Cannot create the report folder ${reportDir}: ${describeError(error)}.`);
  });
  // A stale verdict must never outlive a run that failed to write a new one.
  await rm(join(reportDir, "certification.json"), { force: true });
  await rm(join(reportDir, "certification.md"), { force: true });
  if (options.load !== undefined) {
    // Load mode writes no Playwright reports; older ones beside its certification would mislead.
    for (const name of ["junit.xml", "results.json", "html", "blob", "test-results"]) await rm(join(reportDir, name), { recursive: true, force: true });
  }

  const checkpoint = (): void => {
    if (interrupted()) throw new Interrupted();
  };
  if (options.profile === "hardening") {
    io.stderr(
      `Profile hardening: these probes send invalid webhook values and make deliveries fail, hang and retry; they may stall or crash the target. Use a deployment you may disrupt${options.local ? "" : " (--local starts fresh servers for them)"}.\n`,
    );
  }
  let targetUrl = options.target;
  if (options.local) {
    resources.local = await startLocalTarget({ progress: (line) => io.stderr(`${line}\n`) });
    targetUrl = resources.local.url;
  }
  checkpoint();
  const assistantId = options.local && options.assistantId === "conformance" ? LOCAL_ASSISTANT : options.assistantId;
  const api = new TargetClient({
    baseUrl: targetUrl!,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.ca === undefined ? {} : { ca: readCa(options.ca) }),
    headers: options.headers,
    requestTimeoutMs: options.timeoutMs,
  });
  const checked = await preflight(api, assistantId);
  const schema = await loadSchema(options, api);
  checkpoint();
  // Load mode must keep every delivery to account for it; a batch makes three runs, and a run may be repeated.
  const maxRecords = options.load === undefined ? undefined : 10_000 + options.load.repeat * selection.cases.length * 6;
  resources.sink = await startSink({ host: options.sinkHost, port: options.sinkPort, ...(maxRecords === undefined ? {} : { maxRecords }) });
  const sinkUrl = options.publicUrl ?? resources.sink.url;
  const runTag = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`;
  if (options.canary) {
    io.stderr(`Preflight: one canary run to prove webhooks reach ${sinkUrl} …\n`);
    await canary(api, resources.sink, {
      publicUrl: sinkUrl,
      throughPublicUrl: options.publicUrl !== undefined,
      assistantId,
      // The conformance graph ends at once on empty input; another assistant gets the user's input.
      input: checked.graphId === LOCAL_ASSISTANT ? {} : options.input,
      tag: tagFor(runTag),
      timeoutMs: options.timeoutMs,
    });
  }
  if (options.preflightOnly) {
    io.stdout(
      `Preflight passed: ${withoutCredentials(targetUrl!)} is a LangGraph API server, assistant ${assistantId} exists${options.canary ? `, and a canary run's webhook reached ${sinkUrl}` : ""}.\n`,
    );
    return EXIT.conformant;
  }
  checkpoint();

  const secrets = [...(options.apiKey ? [options.apiKey] : []), ...Object.values(options.headers)];
  const redactor = new Redactor(secrets);
  const conductor = new Conductor({
    api,
    sink: resources.sink,
    sinkUrl,
    assistantId,
    resolvedAssistantId: checked.resolvedAssistantId,
    input: options.input,
    tag: tagFor(runTag),
    checks: checksNamed(selection.checks),
    checkContext: { validateRun: compileRunValidator(schema.schema, schema.source) },
    settleMs: options.settleMs,
    timeoutMs: options.timeoutMs,
    cronTimeoutMs: options.cronTimeoutMs,
    cronsSupported: checked.crons.supported,
    ...(checked.graphId === LOCAL_ASSISTANT
      ? {}
      : {
          noConformanceGraph: `the assistant "${assistantId}" runs graph "${checked.graphId ?? "unknown"}", not the suite's conformance graph, whose input selects each outcome; deploy fixtures/graphs/conformance.ts as graph "conformance" beside your graphs (see the README) and run with --assistant-id conformance`,
        }),
    redactor,
    progress: (line) => io.stderr(`${line}\n`),
    ...(options.load === undefined ? {} : { load: options.load }),
    ...(options.local && options.profile === "hardening" ? { freshTarget: () => freshLocalTarget(api, io) } : {}),
  });
  resources.conductor = conductor;
  resources.control = await startControlServer(conductor, resources.sink);
  const runtime: Runtime = {
    suite: suiteVersion(),
    target: { url: withoutCredentials(targetUrl!), info: checked.info },
    assistant: { requested: assistantId, resolved: checked.resolvedAssistantId },
    input: options.input,
    settleMs: options.settleMs,
    timeoutMs: options.timeoutMs,
    cronTimeoutMs: options.cronTimeoutMs,
    workers: options.workers ?? Math.min(selection.cases.length, DEFAULT_WORKERS),
    retries: options.retries,
    reportDir,
    sink: { url: sinkUrl },
    control: resources.control.url,
    schema,
    crons: checked.crons,
    cases: selection.cases,
    checks: selection.checks,
    profile: options.profile,
    ...(options.load === undefined ? {} : { load: options.load }),
    runTag,
    startedAt: new Date().toISOString(),
    commandLine: redactedCommandLine(argv, redactor),
    secrets,
  };
  if (signKeyPath !== undefined) runtime.signKeyPath = signKeyPath;
  if (options.shard) runtime.shard = options.shard;
  if (expectations !== undefined) {
    runtime.expectations = expectations;
    runtime.strictExpectations = options.strictExpectations;
  }
  resources.runtimeDir = await mkdtemp(join(tmpdir(), "lgwc-run-"));
  const runtimePath = join(resources.runtimeDir, "runtime.json");
  await writeFile(runtimePath, JSON.stringify(runtime), { mode: 0o600 });

  io.stderr(
    options.load === undefined
      ? `Certifying ${runtime.target.url}: ${selection.cases.length} cases at once, settle ${runtime.settleMs} ms …\n`
      : `Load mode on ${runtime.target.url}: ${selection.cases.length} case(s) × ${options.load.repeat}, ${options.load.concurrency} at once …\n`,
  );
  checkpoint();
  conductor.startAll(selection.cases);
  if (options.load === undefined) {
    await runPlaywright(runtimePath, io, (child) => {
      resources.child = child;
    });
  } else {
    const stopped = new Promise<void>((resolve) => (resources.interrupt = resolve));
    await Promise.race([certifyInProcess(conductor, resources.sink, runtime), stopped]);
  }
  // Interrupted: do not wait for cases still running; release() deletes what they created.
  if (interrupted()) return EXIT.internal;
  const leftovers = await conductor.finish();
  if (leftovers.length > 0) io.stderr(`Could not delete everything the suite created on the target: ${leftovers.join(", ")}\n`);
  const text = await readFile(join(reportDir, "certification.json"), "utf8").catch(() => undefined);
  if (text === undefined) {
    throw new ConformanceError("LGWC_INTERNAL", "The test run ended without writing certification.json; see the output above.");
  }
  const certification = JSON.parse(text) as Certification;
  if (options.json) {
    io.stderr(renderSummary(certification, options.reportDir));
    io.stdout(text);
  } else {
    io.stdout(renderSummary(certification, options.reportDir));
  }
  // With expectations the gate decides: expected failures are forgiven, new ones and flaky cases are not.
  return expectations === undefined
    ? exitCodeFor({ kind: "verdict", verdict: certification.verdict })
    : exitCodeFor({ kind: "gate", passed: certification.gate.passed });
}

/** Runs the command; never throws. Returns the exit status. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const resources: Resources = {};
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = signal;
    io.stderr(`\nReceived ${signal}: stopping the run and cleaning up …\n`);
    // Playwright tears down its fixtures (deleting what the cases created) when asked to stop.
    resources.child?.kill("SIGINT");
    resources.interrupt?.();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    if (argv[0] === "cleanup") return await cleanup(argv.slice(1), env, io);
    if (argv[0] === "verify") return await verifyCommand(argv.slice(1), io);
    if (argv[0] === "merge") return await mergeCommand(argv.slice(1), io);
    const parsed = parseCommandLine(argv, env);
    if (parsed.kind === "help") {
      io.stdout(HELP);
      return exitCodeFor({ kind: "help" });
    }
    if (parsed.kind === "version") {
      io.stdout(`${suiteVersion().version}\n`);
      return exitCodeFor({ kind: "help" });
    }
    const code = await certify(argv, parsed.options, io, resources, () => interrupted !== undefined);
    return interrupted ? 128 + (interrupted === "SIGINT" ? 2 : 15) : code;
  } catch (error) {
    if (interrupted) return 128 + (interrupted === "SIGINT" ? 2 : 15);
    if (error instanceof ConformanceError) {
      io.stderr(`lg-webhook-conformance: ${error.message} [${error.code}]\n`);
      return exitCodeFor({ kind: "error", code: error.code });
    }
    io.stderr(`lg-webhook-conformance: internal error: ${describeError(error)} [LGWC_INTERNAL]\n`);
    return EXIT.internal;
  } finally {
    await release(resources);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
