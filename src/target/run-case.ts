import { randomUUID } from "node:crypto";
import type { Check, CheckContext } from "../checks/types.js";
import { evaluate, failsRequired, type CheckOutcome } from "../checks/evaluate.js";
import { ANNOUNCED, bodyText, type CreatedRun, type Delivery, type RunEvidence } from "../evidence.js";
import { caseUrl, makeCaseKey, makeToken } from "../sink/case-url.js";
import type { Sink } from "../sink/server.js";
import type { CaseResult, RunResult } from "../report/types.js";
import { reproduceCommand } from "../report/curl.js";
import { describeError } from "../errors.js";
import type { TargetClient } from "./client.js";
import type { CaseDefinition, DriveContext, DrivenRun, SentRequest } from "./drive-types.js";
import { idsFromRun } from "./run-ids.js";

export interface CaseDeps {
  api: TargetClient;
  sink: Pick<Sink, "register" | "waitFor">;
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
  /** Every thread and cron created is reported here at once, so cleanup survives a crash mid-case. */
  created: { thread(id: string): void; cron(id: string): void };
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

function parsedIds(delivery: Delivery | undefined) {
  if (delivery === undefined) return undefined;
  try {
    return idsFromRun(JSON.parse(bodyText(delivery)));
  } catch {
    return {};
  }
}

/** Per check, the worst outcome over the case's runs, with the run named in the message. */
function aggregate(runs: readonly RunResult[], checks: readonly Check[]): CheckOutcome[] {
  return checks.map((check) => {
    const outcomes = runs.map((run) => ({ run, outcome: run.checks.find((o) => o.name === check.name)! }));
    const failed = outcomes.find((o) => o.outcome.outcome === "failed");
    if (failed) {
      const prefix = runs.length > 1 ? `${failed.run.label}: ` : "";
      return { ...failed.outcome, message: `${prefix}${failed.outcome.message}` };
    }
    const passed = outcomes.find((o) => o.outcome.outcome === "passed");
    if (passed) return passed.outcome;
    return outcomes[0]?.outcome ?? { name: check.name, severity: check.severity, version: check.version, outcome: "skipped", message: "no run" };
  });
}

export async function runCase(definition: CaseDefinition, deps: CaseDeps): Promise<CaseResult> {
  const started = Date.now();
  const sent: SentRequest[] = [];
  const keys = new Map<string, string>();
  const say = (message: string): void => deps.progress(`[${definition.id}] ${message}`);

  const context: DriveContext = {
    api: deps.api,
    assistantId: deps.assistantId,
    resolvedAssistantId: deps.resolvedAssistantId,
    input: deps.input,
    tag: deps.tag,
    timeoutMs: deps.timeoutMs,
    cronTimeoutMs: deps.cronTimeoutMs,
    hook() {
      const key = makeCaseKey(definition.id);
      deps.sink.register(key);
      const url = caseUrl(deps.sinkUrl, key, makeToken());
      keys.set(url, key);
      return Promise.resolve(url);
    },
    async createThread() {
      const threadId = randomUUID();
      const request: SentRequest = { method: "POST", path: "/threads", body: { thread_id: threadId, metadata: deps.tag } };
      sent.push(request);
      deps.created.thread(threadId);
      await deps.api.ok(request.method, request.path, request.body);
      return threadId;
    },
    trackThread: (id) => deps.created.thread(id),
    trackCron: (id) => deps.created.cron(id),
    sent: (request) => sent.push(request),
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
    return {
      id: definition.id,
      operation: definition.operation,
      title: definition.title,
      outcome: "failed",
      reason: `The target could not run this operation: ${describeError(error)}`,
      deliveries: 0,
      durationMs: Date.now() - started,
      reproduce: reproduce(),
      checks: [],
      runs: [],
    };
  }

  const runs = await Promise.all(driven.map((run) => observe(run, keys.get(run.webhookUrl) ?? "", started, deps)));
  const deliveries = runs.reduce((sum, run) => sum + run.deliveries, 0);
  const checks = aggregate(runs, deps.checks);
  return {
    id: definition.id,
    operation: definition.operation,
    title: definition.title,
    outcome: runs.some((run) => failsRequired(run.checks)) ? "failed" : "passed",
    deliveries,
    durationMs: Date.now() - started,
    reproduce: reproduce(),
    checks,
    runs,
  };
}

/** Collects one run's evidence: its deliveries through the settle window, and its status read back. */
async function observe(run: DrivenRun, key: string, started: number, deps: CaseDeps): Promise<RunResult> {
  let terminalAt: number | undefined;
  const terminal = run.terminal.then(
    () => {
      terminalAt = Date.now();
    },
    () => undefined,
  );
  const expectation = run.expect ?? ANNOUNCED;
  const silentOrOptional = expectation.delivery === "none" || expectation.delivery === "optional";
  const grace = silentOrOptional ? deps.settleMs : run.graceAfterEndMs;
  let deadlineMs = deps.timeoutMs;
  let firstWait: Delivery[];
  if (grace === undefined) {
    firstWait = await deps.sink.waitFor(key, 1, deps.timeoutMs);
    await terminal;
  } else {
    // The suite knows when this run ended; a delivery is due within the grace after that.
    await terminal;
    deadlineMs = grace;
    firstWait = await deps.sink.waitFor(key, 1, grace);
  }
  const mine = (all: Delivery[]): Delivery[] =>
    run.runFilter === undefined ? all : all.filter((d) => parsedIds(d)?.run_id === run.runFilter);
  firstWait = mine(firstWait);
  let deliveries = firstWait;
  const first = firstWait[0];
  if (first !== undefined) {
    // The settle window: whatever else arrives for this run before it closes is a duplicate.
    deliveries = mine(await deps.sink.waitFor(key, Number.MAX_SAFE_INTEGER, first.receivedAt + deps.settleMs - Date.now()));
  }

  const evidence: RunEvidence = {
    label: run.label,
    webhookUrl: run.webhookUrl,
    created: run.created,
    deliveries,
    expect: expectation,
    ...publicPrefix(deps.sinkUrl),
    deadlineMs,
    settleMs: deps.settleMs,
  };
  if (terminalAt !== undefined) evidence.terminalAt = terminalAt;
  if ("skipped" in run.readBack) {
    evidence.readBackSkipped = run.readBack.skipped;
  } else {
    const { thread_id, run_id } = run.readBack;
    const read = await deps.api.send("GET", `/threads/${thread_id}/runs/${run_id}`).catch(() => undefined);
    const status = (read?.json as { status?: unknown } | undefined)?.status;
    if (read?.status === 200 && typeof status === "string") evidence.apiStatus = status;
    else evidence.readBackSkipped = `GET /threads/${thread_id}/runs/${run_id} answered ${read ? `HTTP ${read.status}` : "nothing"}`;
  }

  const checks = evaluate(deps.checks, evidence, deps.checkContext);
  const result: RunResult = {
    label: run.label,
    webhookUrl: run.webhookUrl,
    created: run.created,
    deliveries: deliveries.length,
    timings: {},
    checks,
  };
  if (evidence.apiStatus !== undefined) result.apiStatus = evidence.apiStatus;
  if (evidence.readBackSkipped !== undefined) result.readBackSkipped = evidence.readBackSkipped;
  if (terminalAt !== undefined) result.timings.createdToTerminalMs = terminalAt - started;
  if (terminalAt !== undefined && first !== undefined) result.timings.terminalToDeliveryMs = first.receivedAt - terminalAt;
  if (first !== undefined) {
    result.evidence = {
      method: first.method,
      target: first.target,
      headers: first.headers,
      body: bodyText(first),
      truncated: first.truncated,
    };
  }
  return result;
}
