import type { SinkStats } from "../sink/server.js";
import { CHECKS } from "../checks/index.js";
import type { Runtime } from "../runtime.js";
import type { CaseResult } from "./types.js";
import type { Redactor } from "./redact.js";
import type { Integrity } from "./integrity.js";
import { summarizeLoad, type LoadSummary } from "./load.js";
import { evaluateGate, type Expectation, type Gate } from "./gate.js";

export type Verdict = "conformant" | "non-conformant";

export interface Certification {
  suite: { name: string; version: string };
  target: { url: string; info: unknown };
  startedAt: string;
  finishedAt: string;
  settleMs: number;
  timeoutMs: number;
  cronTimeoutMs: number;
  assistant: { requested: string; resolved: string };
  schema: { source: string; version?: string; target: Runtime["schema"]["target"] };
  commandLine: string;
  /** Which set of cases judged the target: the standard cases, or the hardening probes. */
  profile: "standard" | "hardening";
  /** Load mode's accounting and delivery latency per operation, when --repeat was given. */
  load?: LoadSummary;
  /** The tag on everything this run created: `cleanup --run TAG` removes what an interrupted run left. */
  runTag: string;
  checkDefinitions: { name: string; severity: string; version: number; description: string }[];
  verdict: Verdict;
  summary: { cases: number; passed: number; failed: number; skipped: number; flaky: number; warnings: number };
  /** The CI gate: expected failures (--expect-failures) forgiven, flaky cases not. */
  gate: Gate;
  /** The expectations the gate used, so merged shards can be judged again. */
  expectations: Expectation[];
  strictExpectations: boolean;
  /** Which share of the cases this report covers, or the shares merged into it. */
  shards?: { index: number; total: number }[];
  /** Requests to URLs the suite never handed out: all counted, the first few kept with a preview of their body. */
  strays: { count: number; bytes: number; requests: StrayRecord[] };
  /** What the webhook sink kept and what it could not (its byte budget and record cap). */
  sink: SinkAccount;
  cases: CaseResult[];
  /** SHA-256 over the canonical report and, with --sign-key, an Ed25519 signature. */
  integrity?: Integrity;
}

export interface StrayRecord {
  method: string;
  target: string;
  receivedAt: string;
  bytes: number;
  /** The body's first bytes, as text. */
  body: string;
}

export interface SinkAccount {
  /** One request body is cut beyond this many bytes. */
  maxBodyBytes: number;
  budgetBytes: number;
  keptBytes: number;
  /** Requests for a run whose body did not fit the byte budget: counted, body not kept, answered 507. */
  discarded: number;
  /** Requests for a run beyond the sink's record cap or budget: counted only, answered 503. */
  dropped: number;
  /** Requests that were not webhooks (not a POST under /hook/): counted, not a finding. */
  noise: number;
  /** Connections the sink refused at its limit of open connections. */
  refusedConnections: number;
}

export const STRAY_CASE_ID = "unexpected-deliveries";
export const UNHEARD_CASE_ID = "sink-limits";

/**
 * When the sink had to turn requests or connections away, a missing webhook may be the suite's
 * fault: this failed case says so, so no verdict stands on evidence the suite could not hear.
 */
export function unheardCase(sink: SinkAccount): CaseResult | undefined {
  const lost = sink.dropped + sink.refusedConnections;
  if (lost === 0) return undefined;
  return {
    id: UNHEARD_CASE_ID,
    operation: "(the suite's sink)",
    title: "requests and connections the sink could not take",
    outcome: "failed",
    reason: `The sink turned away ${sink.dropped} request(s) past its record cap or byte budget and refused ${sink.refusedConnections} connection(s) at its connection limit, so webhooks may have gone unheard: a delivered failure in this report may be the suite's limit, not the target's (raise --sink-budget-mb, or keep others from flooding the sink).`,
    deliveries: 0,
    durationMs: 0,
    reproduce: "",
    runs: [],
    checks: [],
  };
}

/** Requests to URLs the suite never handed out become one failed case, so they cannot go unseen. */
export function strayCase(count: number, strays: readonly StrayRecord[]): CaseResult {
  const listed = strays.map((s) => `${s.method} ${s.target}`);
  if (count > strays.length) listed.push(`… and ${count - strays.length} more`);
  return {
    id: STRAY_CASE_ID,
    operation: "(any)",
    title: "requests to URLs the suite never handed out",
    outcome: "failed",
    deliveries: count,
    durationMs: 0,
    reproduce: "",
    runs: [],
    checks: [
      {
        name: "exactly-once",
        severity: "required",
        version: 1,
        outcome: "failed",
        message: `${count} request${count === 1 ? "" : "s"} arrived for no run the suite created (first: ${strays[0]?.method} ${strays[0]?.target}).`,
        expected: "no request other than one per run the suite created",
        received: listed.join("\n"),
      },
    ],
  };
}

/** Verdict, counts and gate, from the cases alone: one rule for a run and for merged shards. */
export function judge(
  cases: readonly CaseResult[],
  expectations: readonly Expectation[],
  strict: boolean,
): Pick<Certification, "verdict" | "summary" | "gate"> {
  const count = (outcome: string): number => cases.filter((c) => c.outcome === outcome).length;
  const warnings = cases.reduce((n, c) => n + c.checks.filter((k) => k.outcome === "failed" && k.severity === "recommended").length, 0);
  return {
    verdict: count("failed") + count("flaky") > 0 ? "non-conformant" : "conformant",
    summary: { cases: cases.length, passed: count("passed"), failed: count("failed"), skipped: count("skipped"), flaky: count("flaky"), warnings },
    gate: evaluateGate(cases, expectations, strict),
  };
}

/** The sink's counts as the certification records them. */
export function sinkRecords(stats: SinkStats): Pick<Certification, "strays" | "sink"> {
  return {
    strays: {
      count: stats.strays,
      bytes: stats.strayBytes,
      // A preview that was cut says so, which also lets the redactor recognise a secret cut at its end.
      requests: stats.straySample.map((s) => ({
        method: s.method,
        target: s.target,
        receivedAt: new Date(s.receivedAt).toISOString(),
        bytes: s.bytes,
        body: Buffer.byteLength(s.bodyPreview) < s.bytes ? `${s.bodyPreview}…` : s.bodyPreview,
      })),
    },
    sink: {
      maxBodyBytes: stats.maxBodyBytes,
      budgetBytes: stats.budgetBytes,
      keptBytes: stats.keptBytes,
      discarded: stats.discarded,
      dropped: stats.dropped,
      noise: stats.noise,
      refusedConnections: stats.refusedConnections,
    },
  };
}

export function buildCertification(
  runtime: Runtime,
  cases: readonly CaseResult[],
  stats: SinkStats,
  finishedAt: Date,
  redactor: Redactor,
): Certification {
  const { strays, sink } = sinkRecords(stats);
  const unheard = unheardCase(sink);
  const all = [...cases, ...(strays.count > 0 ? [strayCase(strays.count, strays.requests)] : []), ...(unheard === undefined ? [] : [unheard])];
  const certification: Certification = {
    suite: runtime.suite,
    target: runtime.target,
    startedAt: runtime.startedAt,
    finishedAt: finishedAt.toISOString(),
    settleMs: runtime.settleMs,
    timeoutMs: runtime.timeoutMs,
    cronTimeoutMs: runtime.cronTimeoutMs,
    assistant: runtime.assistant,
    schema: {
      source: runtime.schema.source,
      ...(runtime.schema.version === undefined ? {} : { version: runtime.schema.version }),
      target: runtime.schema.target,
    },
    commandLine: runtime.commandLine,
    profile: runtime.profile,
    runTag: runtime.runTag,
    checkDefinitions: CHECKS.filter((c) => runtime.checks.includes(c.name)).map((c) => ({
      name: c.name,
      severity: c.severity,
      version: c.version,
      description: c.description,
    })),
    ...judge(all, runtime.expectations ?? [], runtime.strictExpectations ?? false),
    expectations: runtime.expectations ?? [],
    strictExpectations: runtime.strictExpectations ?? false,
    ...(runtime.shard ? { shards: [runtime.shard] } : {}),
    strays,
    sink,
    cases: all,
  };
  if (runtime.load !== undefined) certification.load = summarizeLoad(cases, runtime.load, strays.count, sink.dropped + sink.discarded);
  return redactor.deep(certification);
}
