import { randomUUID } from "node:crypto";
import type { Check, CheckContext } from "../checks/types.js";
import { evaluate, failsRequired, unjudgedRequired, type CheckOutcome } from "../checks/evaluate.js";
import { ANNOUNCED, bodyText, parseBody, type CreatedRun, type Delivery, type RunEvidence, type StateReadBack } from "../evidence.js";
import { caseUrl, makeCaseKey } from "../sink/case-url.js";
import type { Sink } from "../sink/server.js";
import { withoutRuns, type CaseResult, type DeliveryEvidence, type RunResult } from "../report/types.js";
import { reproduceCommand } from "../report/curl.js";
import { describeError } from "../errors.js";
import type { TargetClient } from "../api/client.js";
import { CaseInconclusive, CaseSkipped, type CaseDefinition, type DriveContext, type DrivenRun, type PremiseCheck, type SentRequest } from "../cases/drive-types.js";
import { describeAttempts, duplicates } from "../checks/attempts.js";
import { deleteOwn } from "../api/cleanup.js";
import type { Redactor } from "../report/redact.js";
import { stateAfterRun } from "../api/state.js";
import { asRecord, stringField } from "../json.js";
import { parseDateTime } from "../checks/timestamps.js";
import { endSeenAt } from "../cases/operations/common.js";
import { earlyVerdict, graceFor, isEnded, parsedIds, readRun, statusNow, watchFirstArrival, type FirstArrival } from "./early-webhook.js";

export interface CaseDeps {
  api: TargetClient;
  sink: Pick<Sink, "register" | "waitFor" | "deliveriesFor">;
  /** Base URL at which the target reaches the sink. */
  sinkUrl: string;
  assistantId: string;
  resolvedAssistantId: string;
  input: unknown;
  tag: Record<string, string>;
  checks: readonly Check[];
  checkContext: CheckContext;
  settleMs: number;
  timeoutMs: number;
  cronTimeoutMs: number;
  progress(message: string): void;
  /** A fresh webhook token, already known to the run's redactor. */
  newToken: () => string;
  /** The run's secrets, to clean evidence before any of it is cut to length. */
  redactor: Redactor;
  /** The assistant runs the suite's conformance graph. */
  conformanceGraph: boolean;
  /** The median duration of one API call in the preflight. */
  latencyMs: number;
  /**
   * Load mode: observe a run only until its first delivery and hand over a function that judges
   * it again with everything that arrived by the time it is called (after one shared settle window).
   */
  deferSettle?: (rejudge: () => RunResult) => void;
  /**
   * Hands over, for every run, a function that judges it again with everything that arrived by the
   * time it is called: the whole run's end, when late deliveries and late duplicates are attached.
   */
  keepRejudge?: (rejudge: () => RunResult) => void;
  /** Every thread and cron created is reported here at once, so cleanup survives a crash mid-case; a cron deleted in the case is reported gone. */
  created: { thread(id: string): void; cron(id: string): void; cronGone(id: string): void };
}

const PROGRESS_EVERY_MS = 15_000;

function publicPrefix(sinkUrl: string): { publicPrefix?: string } {
  const path = new URL(sinkUrl).pathname.replace(/\/+$/, "");
  return path === "" ? {} : { publicPrefix: path };
}

async function waitWithProgress<T>(work: Promise<T>, progress: (elapsedMs: number) => void): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => progress(Date.now() - started), PROGRESS_EVERY_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** Per check, the worst outcome over the case's runs, with the run named in the message. */
function aggregate(runs: readonly RunResult[], checks: readonly Check[]): CheckOutcome[] {
  return checks.map((check) => {
    const outcomes = runs.map((run) => ({ run, outcome: run.checks.find((o) => o.name === check.name)! }));
    // The worst over the runs: a failure, then a check that could not be judged, then a pass.
    const failed = outcomes.find((o) => o.outcome.outcome === "failed") ?? outcomes.find((o) => o.outcome.outcome === "inconclusive");
    if (failed) {
      const prefix = runs.length > 1 ? `${failed.run.label}: ` : "";
      return { ...failed.outcome, message: `${prefix}${failed.outcome.message}` };
    }
    const passed = outcomes.find((o) => o.outcome.outcome === "passed");
    if (passed) return passed.outcome;
    return outcomes[0]?.outcome ?? { name: check.name, severity: check.severity, version: check.version, outcome: "skipped", message: "no run" };
  });
}

/**
 * The run's times, each from one clock: create call to delivery and create call to the end the
 * suite saw are this machine's; the run's own end (run_ended_at in the body) to the delivery's
 * arrival spans the target's clock and this one, so a figure that is negative, or longer than the
 * create call's to the delivery, is clock skew, and says so.
 */
export function timingsOf(first: Delivery | undefined, createdAt: number, terminalAt: number | undefined): RunResult["timings"] {
  const timings: RunResult["timings"] = {};
  if (terminalAt !== undefined) timings.createdToTerminalMs = terminalAt - createdAt;
  if (first === undefined) return timings;
  timings.createdToDeliveryMs = first.receivedAt - createdAt;
  const parsed = parseBody(first);
  const endedAt = parsed.ok ? parseDateTime(asRecord(parsed.value)?.run_ended_at) : undefined;
  if (endedAt !== undefined) {
    timings.endToDeliveryMs = first.receivedAt - endedAt;
    // Negative, or longer than from the suite's own create call: the run cannot have ended before it was created.
    if (timings.endToDeliveryMs < 0 || timings.endToDeliveryMs > timings.createdToDeliveryMs) timings.clockSkew = true;
  }
  return timings;
}

/** The webhook URLs a create call's body hands out (one, or one per item of a batch). */
function webhooksIn(body: unknown): string[] {
  const items = Array.isArray(body) ? body : [body];
  return items.map((item) => stringField(item, "webhook")).filter((url): url is string => url !== undefined);
}

/** What each run a create call starts was given (by its webhook URL); a cron's runs are the cron's, not the call's. */
function runsSentIn(request: SentRequest): [string, NonNullable<RunEvidence["sentRun"]>][] {
  if (request.path.includes("/crons")) return [];
  const items = Array.isArray(request.body) ? (request.body as unknown[]) : [request.body];
  return items.flatMap((item) => {
    const url = stringField(item, "webhook");
    if (url === undefined) return [];
    const metadata = asRecord(asRecord(item)?.metadata);
    const strategy = stringField(item, "multitask_strategy");
    return [[url, { ...(metadata === undefined ? {} : { metadata }), ...(strategy === undefined ? {} : { multitaskStrategy: strategy }) }]];
  });
}

/** A case that produced no runs to judge: skipped, or failed before its runs existed. */
export { withoutRuns };

export async function runCase(definition: CaseDefinition, deps: CaseDeps): Promise<CaseResult> {
  const started = Date.now();
  const sent: SentRequest[] = [];
  const keys = new Map<string, string>();
  // When each webhook URL first went out in a create call: the start of "create to delivery", on this machine's clock.
  const createdAt = new Map<string, number>();
  const sentRuns = new Map<string, NonNullable<RunEvidence["sentRun"]>>();
  const record = (request: SentRequest): void => {
    sent.push(request);
    const at = Date.now();
    for (const url of webhooksIn(request.body)) if (!createdAt.has(url)) createdAt.set(url, at);
    for (const [url, given] of runsSentIn(request)) if (!sentRuns.has(url)) sentRuns.set(url, given);
  };
  const say = (message: string): void => deps.progress(`[${definition.id}] ${message}`);
  const watching = new AbortController();
  const arrivals = new Map<string, Promise<FirstArrival | undefined>>();
  let resolveEnded = (): void => undefined;
  const caseEnded = new Promise<void>((resolve) => (resolveEnded = resolve));
  const endCase = (): void => {
    watching.abort();
    resolveEnded();
  };

  const context: DriveContext = {
    api: deps.api,
    assistantId: deps.assistantId,
    resolvedAssistantId: deps.resolvedAssistantId,
    input: deps.input,
    tag: deps.tag,
    timeoutMs: deps.timeoutMs,
    cronTimeoutMs: deps.cronTimeoutMs,
    conformanceGraph: deps.conformanceGraph,
    latencyMs: deps.latencyMs,
    caseEnded,
    hook(_label, answering) {
      const key = makeCaseKey(definition.id);
      deps.sink.register(key, answering);
      arrivals.set(key, watchFirstArrival(deps, key, watching.signal));
      const url = caseUrl(deps.sinkUrl, key, deps.newToken());
      keys.set(url, key);
      return Promise.resolve(url);
    },
    async createThread(options = {}) {
      const threadId = randomUUID();
      const request: SentRequest = { method: "POST", path: "/threads", body: { thread_id: threadId, metadata: deps.tag } };
      if (options.quiet !== true) sent.push(request);
      deps.created.thread(threadId);
      await deps.api.ok(request.method, request.path, request.body);
      return threadId;
    },
    trackThread: (id) => deps.created.thread(id),
    trackCron: (id) => deps.created.cron(id),
    async deleteCron(id) {
      const removal = await deleteOwn(deps.api, "cron", id, deps.tag);
      // What could not be deleted now stays tracked, and the case's cleanup says so.
      if ("done" in removal) deps.created.cronGone(id);
      else say("foreign" in removal ? removal.foreign : removal.problem);
    },
    sent: record,
    async distinctRuns(webhookUrl, runs, timeoutMs, waitingFor) {
      const key = keys.get(webhookUrl);
      if (key === undefined) return [];
      const deadline = Date.now() + timeoutMs;
      say(`waiting up to ${Math.round(timeoutMs / 1000)} s for ${waitingFor}`);
      const named = (deliveries: Delivery[]): CreatedRun[] => {
        const seen = new Map<string, CreatedRun>();
        for (const ids of deliveries.map(parsedIds)) if (ids?.run_id !== undefined && !seen.has(ids.run_id)) seen.set(ids.run_id, ids);
        return [...seen.values()];
      };
      let deliveries = await deps.sink.waitFor(key, 1, timeoutMs);
      while (named(deliveries).length < runs && Date.now() < deadline) {
        deliveries = await waitWithProgress(deps.sink.waitFor(key, deliveries.length + 1, deadline - Date.now()), (elapsed) =>
          say(`still waiting for ${waitingFor} (${Math.round(elapsed / 1000)} s)`),
        );
      }
      return named(deliveries);
    },
    say,
    hasDelivery(webhookUrl) {
      const key = keys.get(webhookUrl);
      return key !== undefined && deps.sink.deliveriesFor(key).length > 0;
    },
    async firstBody(webhookUrl, timeoutMs) {
      const key = keys.get(webhookUrl);
      if (key === undefined) return undefined;
      const [first] = await deps.sink.waitFor(key, 1, timeoutMs);
      if (first === undefined) return undefined;
      try {
        return asRecord(JSON.parse(bodyText(first)));
      } catch {
        return undefined;
      }
    },
    async firstDelivery(webhookUrl, timeoutMs, waitingFor) {
      const key = keys.get(webhookUrl);
      if (key === undefined) return undefined;
      say(`waiting up to ${Math.round(timeoutMs / 1000)} s for ${waitingFor}`);
      const deliveries = await waitWithProgress(deps.sink.waitFor(key, 1, timeoutMs), (elapsed) =>
        say(`still waiting for ${waitingFor} (${Math.round(elapsed / 1000)} s of ${Math.round(timeoutMs / 1000)} s)`),
      );
      return parsedIds(deliveries[0]);
    },
  };

  const reproduce = (): string => reproduceCommand(deps.api.baseUrl, deps.api.sentHeaders, sent);
  let driven: DrivenRun[];
  try {
    driven = await definition.drive(context);
  } catch (error) {
    endCase();
    const ran = { durationMs: Date.now() - started, reproduce: reproduce() };
    if (error instanceof CaseSkipped) return withoutRuns(definition, "skipped", error.message, ran);
    if (error instanceof CaseInconclusive) return withoutRuns(definition, "inconclusive", deps.redactor.text(error.message), ran);
    return withoutRuns(definition, "failed", `The target could not run this operation: ${describeError(error)}`, ran);
  }

  const runs = await Promise.all(
    driven.map((run) => {
      const key = keys.get(run.webhookUrl) ?? "";
      return observe(run, key, run.sentAt ?? createdAt.get(run.webhookUrl) ?? started, deps, sentRuns.get(run.webhookUrl), arrivals.get(key));
    }),
  );
  endCase();
  return rejudgeCase(
    { id: definition.id, operation: definition.operation, title: definition.title, durationMs: Date.now() - started, reproduce: reproduce() },
    runs,
    deps.checks,
  );
}

/** How much of a body the report keeps: enough to read a finding, little enough to pass between processes. */
const EVIDENCE_BODY_CHARS = 64 * 1024;

/**
 * The body as the report shows it: cleaned of secrets first (a cut could leave half of one), and
 * re-serialised where the raw text hid a secret in JSON escapes (\u0073…) that a reader would decode.
 */
function shownBody(raw: string, redactor: Redactor): string {
  // Only what the report shows is cleaned (a cut is marked, so a secret cut in half is still found).
  return redactor.textOfJson(raw.length > EVIDENCE_BODY_CHARS ? `${raw.slice(0, EVIDENCE_BODY_CHARS)}… (${Buffer.byteLength(raw)} bytes in all)` : raw);
}

/** Header names whose values are credentials by their nature, whatever the suite was told. */
const SENSITIVE_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key)$|secret|token|auth|signature|password|api-?key/i;

/** The headers as the report shows them: a credential's value (or a header the user named with --expect-header) is not. */
function shownHeaders(headers: [string, string][], expected: readonly (readonly [string, string | undefined])[]): [string, string][] {
  const named = new Set(expected.map(([name]) => name.toLowerCase()));
  return headers.map(([name, value]) => (SENSITIVE_HEADER.test(name) || named.has(name.toLowerCase()) ? [name, "(value not shown)"] : [name, value]));
}

function evidenceOf(delivery: Delivery, redactor: Redactor, expected: readonly (readonly [string, string | undefined])[]): DeliveryEvidence {
  const evidence: DeliveryEvidence = {
    method: delivery.method,
    target: delivery.target,
    headers: shownHeaders(delivery.headers, expected),
    body: delivery.discarded ? "(not kept: the sink's byte budget was spent)" : shownBody(bodyText(delivery), redactor),
    truncated: delivery.truncated,
  };
  return evidence;
}

/** Why a case cannot be judged when the sink could not keep what its runs were sent. */
function budgetReason(runs: readonly RunResult[]): string | undefined {
  const discarded = runs.reduce((n, run) => n + (run.discarded ?? 0), 0);
  const cut = runs.reduce((n, run) => n + (run.cut ?? 0), 0);
  if (discarded + cut === 0) return undefined;
  const what = [
    discarded > 0 ? `the sink's byte budget was spent before ${discarded} request(s) for this case arrived, so their bodies were not kept (raise --sink-budget-mb)` : "",
    cut > 0 ? `${cut} request body(ies) for this case exceeded the sink's limit on one body and were cut` : "",
  ].filter(Boolean);
  return `${what.join("; ")}: they could not be judged, which is the suite's limit, not a finding about the target.`;
}

/** A case's outcome, delivery count and checks from its runs' results (again, after a deferred settle window). */
export function rejudgeCase(
  base: Pick<CaseResult, "id" | "operation" | "title" | "durationMs" | "reproduce">,
  runs: RunResult[],
  checks: readonly Check[],
): CaseResult {
  // A required failure decides; then evidence that could not be gathered (the suite's limits, a read-back that failed).
  const failed = runs.some((run) => failsRequired(run.checks));
  const missing = runs.map((run) => unjudgedRequired(run.checks)).find((o) => o !== undefined);
  const unjudged = budgetReason(runs) ?? (missing === undefined ? undefined : `${missing.name} could not be judged: ${missing.message}`);
  return {
    ...base,
    outcome: failed ? "failed" : unjudged !== undefined ? "inconclusive" : "passed",
    ...(unjudged === undefined ? {} : { reason: unjudged }),
    deliveries: runs.reduce((sum, run) => sum + run.deliveries, 0),
    checks: aggregate(runs, checks),
    runs,
  };
}

/** Where the run can be read: its read-back, or (a run deleted at its end, not read back afterwards) the ids it was created with. */
function runIds(run: DrivenRun): { thread_id: string; run_id: string } | undefined {
  if ("thread_id" in run.readBack) return run.readBack;
  const { thread_id, run_id } = run.created;
  return thread_id !== undefined && run_id !== undefined ? { thread_id, run_id } : undefined;
}

/** The run's status when the API says it has not ended (so no webhook was due), or undefined. */
async function stillRunning(deps: CaseDeps, ids: { thread_id: string; run_id: string }): Promise<string | undefined> {
  const now = await statusNow(deps, ids);
  return now.ended ? undefined : now.status;
}

/**
 * A doubt from the reads (the run shown going on after the grace, then an end no later than the
 * webhook, or gone) settles by the suite's own sight of the end: seen after the webhook and its
 * grace, the webhook came first; seen before, a replica lagged. Not seen at all, it stays unproven.
 */
function settledEarly(reading: { early?: string; doubt?: string; vanished?: true; joinedAt?: number }, arrived: Delivery | undefined, ownEndAt: number | undefined, graceMs: number): { announcedEarly?: string; endUnproven?: string } {
  if (reading.early !== undefined) return { announcedEarly: reading.early };
  if (reading.doubt === undefined || arrived === undefined) return {};
  // The latest the suite saw the run end: its own wait for the end, or the join sent as the webhook arrived.
  const seen = [ownEndAt, reading.joinedAt].filter((at): at is number => at !== undefined);
  const witnessedEndAt = seen.length === 0 ? undefined : Math.max(...seen);
  if (witnessedEndAt === undefined) return { endUnproven: `${reading.doubt}; nothing but those reads showed when the run ended` };
  if (witnessedEndAt > arrived.receivedAt + graceMs) return { announcedEarly: `${reading.doubt}; yet the suite saw the run end ${witnessedEndAt - arrived.receivedAt} ms after its webhook arrived` };
  // A run that vanished has only the suite's sight of its end against the reads: that alone does not outweigh them.
  if (reading.vanished === true) return { endUnproven: `${reading.doubt}; only the suite's own sight of the end (${witnessedEndAt - arrived.receivedAt} ms from the webhook) says it came first` };
  return {};
}

/** Collects one run's evidence: its deliveries through the settle window, and its status read back. */
async function observe(
  run: DrivenRun,
  key: string,
  started: number,
  deps: CaseDeps,
  sentRun: RunEvidence["sentRun"],
  arrival: Promise<FirstArrival | undefined> | undefined,
): Promise<RunResult> {
  let terminalAt: number | undefined;
  let witnessedEndAt: number | undefined;
  // When the run's end (or the wait for it) settled: a window after the end counts from here, however long the premise takes.
  let settledAt: number | undefined;
  const terminal = run.terminal.then(
    (ended) => {
      settledAt = Date.now();
      if (ended !== false) terminalAt = settledAt;
      // The suite's own sight of the end (a join, a wait's or a stream's), not reads that a lagging replica serves.
      if (ended === true && run.endFromReads !== true) witnessedEndAt = endSeenAt(run.terminal) ?? settledAt;
    },
    () => {
      settledAt = Date.now();
    },
  );
  // The deadline counts from here, not from when the premise is known: a premise may itself wait for this run's webhook.
  const observingFrom = Date.now();
  const ids = runIds(run);
  // A premise settles first: where it failed, the run may have to be judged as another kind of run.
  // A premise whose read-back broke (a reset, a timeout) is unknown, not the case's end.
  const premise = await Promise.resolve(run.premise).catch((error: unknown): PremiseCheck => ({
    asked: "the target did what the case asked",
    held: false,
    observed: "",
    why: "",
    severity: "required",
    unknown: `reading it back failed: ${deps.redactor.text(describeError(error))}`,
  }));
  const expectation = premise !== undefined && !premise.held && premise.otherwise !== undefined ? premise.otherwise : (run.expect ?? ANNOUNCED);
  const settleMs = run.observeMs ?? deps.settleMs;
  const silentOrOptional = expectation.delivery === "none" || expectation.delivery === "optional";
  // Silence is watched for at least the grace the case declares, and never less than a settle window.
  const grace = silentOrOptional ? Math.max(deps.settleMs, run.graceAfterEndMs ?? 0) : run.graceAfterEndMs;
  // On a URL several runs share (a cron's firings), only the requests that name this run are its own.
  const known = new Set(run.strangersAmong ?? []);
  const mine = (all: Delivery[]): Delivery[] => {
    if (run.runFilter === undefined) return all;
    return all.filter((d) => {
      const id = parsedIds(d)?.run_id;
      return id === run.runFilter || (run.strangersAmong !== undefined && (id === undefined || !known.has(id)));
    });
  };
  let deadlineMs = deps.timeoutMs;
  let deadlineAt = observingFrom + deps.timeoutMs;
  // A run kept after its end may be read on until the deadline; one deleted at its end answers 404 for good.
  const readOnUntil = (): number | undefined => ("thread_id" in run.readBack ? Math.max(deadlineAt, Date.now() + 1_000) : undefined);
  let early: Promise<{ early?: string; doubt?: string; vanished?: true; joinedAt?: number }> | undefined;
  let earlyOf: Delivery | undefined;
  let firstWait: Delivery[];
  if (run.creation !== undefined) {
    // The probe is the create call's answer; the value reaches no sink, so there is nothing to wait for.
    deadlineMs = 0;
    deadlineAt = Date.now();
    firstWait = [];
  } else if (grace === undefined) {
    firstWait = await deps.sink.waitFor(key, 1, deadlineAt - Date.now());
    // A webhook that came while the suite still waits for the run's end is checked against the API at once.
    // Whatever a join said: a join may answer before the run has ended.
    const arrived = mine(firstWait)[0];
    if (arrived !== undefined) [early, earlyOf] = [earlyVerdict(deps, arrived, ids, arrival, readOnUntil()), arrived];
    await terminal;
  } else {
    // The suite knows when this run ended; a delivery is due within the grace after that.
    await terminal;
    deadlineMs = grace;
    deadlineAt = (settledAt ?? Date.now()) + grace;
    // A run the suite ends itself (a cancel) may be announced before it has stopped: the watch from its URL's handing out tells.
    firstWait = await deps.sink.waitFor(key, 1, deadlineAt - Date.now());
  }
  firstWait = mine(firstWait);
  // The run's own first webhook, where the wait for its end did not already check it.
  if (early === undefined && firstWait[0] !== undefined && run.creation === undefined) [early, earlyOf] = [earlyVerdict(deps, firstWait[0], ids, arrival, readOnUntil()), firstWait[0]];
  let deliveries = firstWait;
  const first = firstWait[0];
  if (first !== undefined && deps.deferSettle === undefined) {
    // The settle window: whatever else arrives for this run before it closes is a duplicate.
    deliveries = mine(await deps.sink.waitFor(key, Number.MAX_SAFE_INTEGER, first.receivedAt + settleMs - Date.now()));
  }
  const watchedUntil = Date.now();
  // No webhook, and the suite never saw the run end: the API says whether one was due at all.
  const notEnded = first === undefined && terminalAt === undefined && !silentOrOptional && ids !== undefined ? await stillRunning(deps, ids) : undefined;

  // skipped: the case never reads this run back (its design); failed: it should have, and could not.
  const readBack: { status?: string; createdAt?: string; updatedAt?: string; multitaskStrategy?: string; skipped?: string; failed?: string } = {};
  if ("skipped" in run.readBack) {
    readBack.skipped = run.readBack.skipped;
  } else if ("missing" in run.readBack) {
    readBack.failed = run.readBack.missing;
  } else {
    const { thread_id, run_id } = run.readBack;
    const read = await readRun(deps, thread_id, run_id);
    const status = (read?.json as { status?: unknown } | undefined)?.status;
    if (read?.status === 200 && typeof status === "string") readBack.status = status;
    const strategy = (read?.json as { multitask_strategy?: unknown } | undefined)?.multitask_strategy;
    if (read?.status === 200 && typeof strategy === "string") readBack.multitaskStrategy = strategy;
    const createdAt = (read?.json as { created_at?: unknown } | undefined)?.created_at;
    const updatedAt = (read?.json as { updated_at?: unknown } | undefined)?.updated_at;
    if (read?.status === 200 && typeof updatedAt === "string") readBack.updatedAt = updatedAt;
    if (read?.status === 200 && typeof createdAt === "string") readBack.createdAt = createdAt;
    else if (read?.status === 404 && expectation.rolledBack) readBack.skipped = "the run was rolled back and is deleted, as the published API says";
    else readBack.failed = `GET on run ${JSON.stringify(run_id)} of thread ${JSON.stringify(thread_id)} answered ${read ? `HTTP ${read.status}` : "nothing"}`;
  }
  const { announcedEarly, endUnproven } = settledEarly(await (early ?? Promise.resolve({})), earlyOf, witnessedEndAt, graceFor(deps.latencyMs));
  // The state the webhook's values must describe, where a state can be read: also for a run whose webhook has not come
  // but that has ended, since one that comes late is judged at the end of the whole run with it. A run still going on
  // has no final state yet: a late webhook's values are then not compared with a state from the middle of the run.
  const ended = isEnded(readBack.status);
  const state: StateReadBack | undefined =
    !("thread_id" in run.readBack) || expectation.rolledBack || expectation.delivery === "none"
      ? undefined
      : deliveries.length > 0 || ended
        ? await stateAfterRun(deps.api, run.readBack.thread_id, run.readBack.run_id, run.laterRuns === true)
        : readBack.status !== undefined
          ? { skipped: `the run still read back ${JSON.stringify(readBack.status)} when the suite stopped watching it, so its final state was not known` }
          : undefined;

  const judge = (deliveries: Delivery[]): RunResult => {
    const first = deliveries[0];
    const evidence: RunEvidence = {
      label: run.label,
      webhookUrl: run.webhookUrl,
      created: run.created,
      deliveries,
      expect: expectation,
      ...publicPrefix(deps.sinkUrl),
      deadlineMs,
      deadlineAt,
      watchedUntil,
      settleMs,
    };
    if (notEnded !== undefined) evidence.notEnded = notEnded;
    if (run.creation !== undefined) evidence.creation = run.creation;
    if (run.unidentified !== undefined) evidence.unidentified = run.unidentified;
    if (run.misnamed !== undefined) evidence.misnamed = run.misnamed;
    if (announcedEarly !== undefined) evidence.announcedBeforeEnd = announcedEarly;
    if (endUnproven !== undefined) evidence.endUnproven = endUnproven;
    if (run.identityMarker !== undefined) evidence.identityMarker = run.identityMarker;
    if ("input" in run) evidence.input = { sent: run.input };
    if (sentRun !== undefined) evidence.sentRun = sentRun;
    evidence.createSentAt = started;
    if (run.stateless) evidence.stateless = true;
    if (state !== undefined) evidence.state = state;
    if (run.expectedValues !== undefined) evidence.expectedValues = run.expectedValues;
    if (run.minRunMs !== undefined) evidence.minRunMs = run.minRunMs;
    if (premise !== undefined) evidence.premise = premise;
    if (run.receiver !== undefined) evidence.receiver = run.receiver;
    if (terminalAt !== undefined) evidence.terminalAt = terminalAt;
    if (readBack.status !== undefined) evidence.apiStatus = readBack.status;
    if (readBack.createdAt !== undefined) evidence.apiCreatedAt = readBack.createdAt;
    if (readBack.updatedAt !== undefined) evidence.apiUpdatedAt = readBack.updatedAt;
    if (readBack.multitaskStrategy !== undefined) evidence.apiMultitaskStrategy = readBack.multitaskStrategy;
    if (run.answeredCreatedAt !== undefined) evidence.answeredCreatedAt = run.answeredCreatedAt;
    if (run.createdNotBefore !== undefined) evidence.createdNotBefore = run.createdNotBefore;
    if (run.apiCreatedAtMissing !== undefined) evidence.apiCreatedAtMissing = run.apiCreatedAtMissing;
    // A run that should have been read back and was not: its created_at was held to nothing the API said.
    else if (readBack.failed !== undefined && run.answeredCreatedAt === undefined) evidence.apiCreatedAtMissing = `the run could not be read back (${readBack.failed})`;
    if (readBack.skipped !== undefined) evidence.readBackSkipped = readBack.skipped;
    if (readBack.failed !== undefined) evidence.readBackFailed = readBack.failed;
    const checks = evaluate(deps.checks, evidence, deps.checkContext);
    const result: RunResult = {
      label: run.label,
      webhookUrl: run.webhookUrl,
      created: run.created,
      deliveries: deliveries.length,
      expected: expectation.delivery,
      timings: {},
      checks,
    };
    const repeated = duplicates(deliveries).length;
    if (repeated > 0) result.duplicates = repeated;
    const late = deliveries.filter((d) => d.receivedAt > watchedUntil).length;
    if (late > 0) result.late = late;
    if (evidence.apiStatus !== undefined) result.apiStatus = evidence.apiStatus;
    if (run.receiver !== undefined) result.attempts = `${deliveries.length} request(s): ${describeAttempts(deliveries) || "none"}`;
    if (run.creation !== undefined) {
      const body = run.creation.body.length > 300 ? `${run.creation.body.slice(0, 300)}…` : run.creation.body;
      result.creation = `HTTP ${run.creation.status}: ${body || "(empty body)"}`;
    }
    if (evidence.readBackSkipped !== undefined) result.readBackSkipped = evidence.readBackSkipped;
    if (evidence.readBackFailed !== undefined) result.readBackSkipped = evidence.readBackFailed;
    Object.assign(result.timings, timingsOf(first, started, terminalAt));
    if (first !== undefined) result.evidence = evidenceOf(first, deps.redactor, deps.checkContext.expectHeaders ?? []);
    const discarded = deliveries.filter((d) => d.discarded === true).length;
    if (discarded > 0) result.discarded = discarded;
    const cut = deliveries.filter((d) => d.truncated).length;
    if (cut > 0) result.cut = cut;
    return result;
  };
  // Load mode: the case's runs are judged again once one settle window has passed after the last of them;
  // otherwise, once more at the end of the whole run, with whatever came late.
  const rejudge = (): RunResult => judge(mine(deps.sink.deliveriesFor(key)));
  deps.deferSettle?.(rejudge);
  deps.keepRejudge?.(rejudge);
  return judge(deliveries);
}

