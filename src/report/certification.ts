import { count } from "../text.js";
import type { SinkStats } from "../sink/server.js";
import { CHECKS } from "../checks/index.js";
import { DEFAULT_CLOCK_SKEW_MS } from "../checks/timestamps.js";
import type { Runtime } from "../runtime.js";
import type { Windows } from "../conductor/windows.js";
import { withoutRuns, type CaseResult } from "./types.js";
import type { RunEvidence } from "../evidence.js";
import { evaluate, failsRequired } from "../checks/evaluate.js";
import type { Redactor } from "./redact.js";
import type { Integrity } from "./integrity.js";
import { summarizeLoad, type LoadSummary } from "./load.js";
import { evaluateGate, type Expectation, type Gate } from "./gate.js";

/**
 * conformant: every case that ran passed, and every one had the evidence it needed.
 * non-conformant: a required check failed (or a case passed only on a retry).
 * inconclusive: nothing failed, but evidence a required check needs could not be gathered, or no case ran at all.
 */
export type Verdict = "conformant" | "non-conformant" | "inconclusive";

/**
 * What a certificate covers. It is complete only when every case of its profile ran with every
 * required check, and no failure was waived; otherwise it is partial, and says why.
 */
export interface Scope {
  complete: boolean;
  /** Why it is partial, one sentence each. */
  reasons: string[];
}

export interface Certification {
  suite: { name: string; version: string };
  /** With --local: which embedded server it was. Its URL is a fresh loopback port each run, so shards of one split compare this instead. */
  target: { url: string; info: unknown; embedded?: string };
  startedAt: string;
  finishedAt: string;
  /** The windows as used: the given ones below, scaled by the target's latency. */
  windows?: Windows;
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
  scope: Scope;
  /** --allowed-fields, when given: the fields the deployment's webhooks carry (the checks of others were not judged). */
  allowedFields?: string[];
  /** The names of the headers --expect-header asked for, when given (their values are not written). */
  expectedHeaders?: string[];
  /** How far the target's clock may be off (--clock-skew-ms): timestamps-ordered allows it. */
  clockSkewMs?: number;
  /** --input, when given: the input every case of the conformance graph ran with instead of the suite's own. */
  input?: unknown;
  summary: { cases: number; passed: number; failed: number; skipped: number; flaky: number; inconclusive: number; warnings: number };
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
  /** What the run's cleanup could not remove from the target, or could not vouch was gone, one line each; absent when it left nothing. */
  leftOnTarget?: string[];
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
  /** Requests for a run closed by their sender before their body ended: counted, nothing kept (absent in reports of older versions). */
  aborted?: number;
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
  return withoutRuns(
    { id: UNHEARD_CASE_ID, operation: "(the suite's sink)", title: "requests and connections the sink could not take" },
    "inconclusive",
    `The sink turned away ${sink.dropped} request(s) past its record cap or byte budget and refused ${sink.refusedConnections} connection(s) at its connection limit, so webhooks may have gone unheard: a delivered failure in this report may be the suite's limit, not the target's (raise --sink-budget-mb, or keep others from flooding the sink).`,
  );
}

/**
 * Requests to URLs the suite never handed out, judged as one case by the registry's no-strays
 * check, so they can be left out (--skip no-strays) or expected like any other finding.
 */
export function strayCase(count: number, strays: readonly StrayRecord[], checkNames: readonly string[]): CaseResult {
  const title = { id: STRAY_CASE_ID, operation: "(any)", title: "requests to URLs the suite never handed out" };
  const checks = CHECKS.filter((c) => c.name === "no-strays" && checkNames.includes(c.name));
  if (checks.length === 0) return withoutRuns(title, "skipped", `${count} stray request(s) counted, not judged: no-strays was left out`, { durationMs: 0, reproduce: "", deliveries: count });
  const evidence: RunEvidence = {
    label: "requests to URLs never handed out",
    webhookUrl: "",
    created: {},
    deliveries: [],
    expect: { delivery: "none" },
    deadlineMs: 0,
    settleMs: 0,
    strays: { count, sample: strays.map((s) => ({ method: s.method, target: s.target })) },
  };
  // No run's schema is judged here: the check reads only the count and the sample.
  const outcomes = evaluate(checks, evidence, { validateRun: Object.assign(() => [], { source: "none" }) });
  return withoutRuns(title, failsRequired(outcomes) ? "failed" : "passed", undefined, { durationMs: 0, reproduce: "", deliveries: count, checks: outcomes });
}

/** Verdict, counts and gate, from the cases alone: one rule for a run and for merged shards. */
export function judge(
  cases: readonly CaseResult[],
  expectations: readonly Expectation[],
  strict: boolean,
): Pick<Certification, "verdict" | "summary" | "gate"> {
  const count = (outcome: string): number => cases.filter((c) => c.outcome === outcome).length;
  const warnings = cases.reduce((n, c) => n + c.checks.filter((k) => k.outcome === "failed" && k.severity === "recommended").length, 0);
  // Nothing that ran proved anything: a run where every case was skipped certifies nothing.
  const nothingRan = cases.every((c) => c.outcome === "skipped");
  return {
    verdict: count("failed") + count("flaky") > 0 ? "non-conformant" : count("inconclusive") > 0 || nothingRan ? "inconclusive" : "conformant",
    summary: {
      cases: cases.length,
      passed: count("passed"),
      failed: count("failed"),
      skipped: count("skipped"),
      flaky: count("flaky"),
      inconclusive: count("inconclusive"),
      warnings,
    },
    gate: evaluateGate(cases, expectations, strict),
  };
}

/** The settings of a run that bear on what its certificate covers. */
export interface ScopeSettings {
  profile: Certification["profile"];
  allowedFields?: readonly string[] | undefined;
  expectedHeaders?: readonly string[] | undefined;
  clockSkewMs?: number | undefined;
  input?: unknown;
}

/** What the certificate covers, from what the profile holds, what ran, what was waived, and settings that judge less. */
export function scopeOf(cases: readonly CaseResult[], profileCases: readonly string[], checksRun: readonly string[], gate: Gate, settings: ScopeSettings): Scope {
  const { allowedFields, expectedHeaders } = settings;
  const reasons: string[] = [];
  const ids = new Set(cases.map((c) => c.id));
  const notSelected = profileCases.filter((id) => !ids.has(id));
  if (notSelected.length > 0) reasons.push(`${notSelected.length} of the profile's ${profileCases.length} cases were not selected (--only, --skip or --shard): ${notSelected.slice(0, 8).join(", ")}${notSelected.length > 8 ? ", …" : ""}`);
  const skipped = cases.filter((c) => c.outcome === "skipped");
  if (skipped.length > 0) {
    const why = [...new Set(skipped.map((c) => c.reason ?? "skipped"))];
    reasons.push(`${count(skipped.length, "case")} did not run: ${skipped.map((c) => c.id).slice(0, 8).join(", ")}${skipped.length > 8 ? ", …" : ""} (${why.slice(0, 2).join("; ")})`);
  }
  // expected-headers judges nothing without --expect-header; with one, leaving it out leaves the headers unjudged.
  const moot = (name: string): boolean => name === "expected-headers" && (expectedHeaders === undefined || expectedHeaders.length === 0);
  // The profile's own required checks count too (a hardening check skipped leaves its probes unjudged).
  const leftOut = CHECKS.filter((c) => c.severity === "required" && (c.profile === undefined || c.profile === settings.profile) && !moot(c.name) && !checksRun.includes(c.name)).map((c) => c.name);
  if (leftOut.length > 0) reasons.push(`required check(s) left out: ${leftOut.join(", ")}`);
  if (allowedFields !== undefined) reasons.push(`the deployment's webhooks carry only ${allowedFields.join(", ")} (--allowed-fields), so the checks of every other field were not judged`);
  if (settings.clockSkewMs !== undefined && settings.clockSkewMs > DEFAULT_CLOCK_SKEW_MS) {
    reasons.push(`--clock-skew-ms ${settings.clockSkewMs} lets the target's times be off by more than the suite's ${DEFAULT_CLOCK_SKEW_MS} ms, so timestamps-ordered judged them less strictly`);
  }
  if (settings.input !== undefined) {
    const shown = JSON.stringify(settings.input);
    reasons.push(`the cases ran with --input ${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown}, not the input the suite chooses for each outcome, so what each case shows depends on it`);
  }
  if (gate.expected.length > 0) reasons.push(`${gate.expected.length} failure(s) waived by --expect-failures: ${gate.expected.map((f) => `${f.case}/${f.check}`).join(", ")}`);
  return { complete: reasons.length === 0, reasons };
}

/** Whether --input gave the cases an input of the user's (the default is {}, which lets each case choose). */
function customInput(input: unknown): boolean {
  return input !== undefined && JSON.stringify(input) !== "{}";
}

/** "conformant", or "conformant (partial)" when the certificate does not cover the whole profile. */
export function verdictWords(c: Pick<Certification, "verdict" | "scope">): string {
  return c.scope.complete ? c.verdict : `${c.verdict} (partial)`;
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
      aborted: stats.aborted,
    },
  };
}

/** The run tags whose leftovers a certificate lists: each merged line names its run; a single run's lines are its own. */
export function leftoverRunTags(c: Pick<Certification, "leftOnTarget" | "runTag">): string[] {
  const named = (c.leftOnTarget ?? []).map((line) => /^run (\S+): /.exec(line)?.[1]).filter((tag): tag is string => tag !== undefined);
  return named.length === 0 ? [c.runTag] : [...new Set(named)];
}

export function buildCertification(
  runtime: Runtime,
  cases: readonly CaseResult[],
  stats: SinkStats,
  finishedAt: Date,
  redactor: Redactor,
  leftOnTarget: readonly string[] = [],
): Certification {
  const { strays, sink } = sinkRecords(stats);
  const unheard = unheardCase(sink);
  const all = [...cases, ...(strays.count > 0 ? [strayCase(strays.count, strays.requests, runtime.checks)] : []), ...(unheard === undefined ? [] : [unheard])];
  const judged = judge(all, runtime.expectations ?? [], runtime.strictExpectations ?? false);
  const certification: Certification = {
    suite: runtime.suite,
    target: runtime.target,
    startedAt: runtime.startedAt,
    finishedAt: finishedAt.toISOString(),
    windows: runtime.windows,
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
    ...judged,
    scope: scopeOf(all, runtime.profileCases, runtime.checks, judged.gate, {
      profile: runtime.profile,
      allowedFields: runtime.allowedFields,
      expectedHeaders: runtime.expectedHeaders,
      clockSkewMs: runtime.clockSkewMs,
      ...(customInput(runtime.input) ? { input: runtime.input } : {}),
    }),
    ...(runtime.allowedFields === undefined ? {} : { allowedFields: runtime.allowedFields }),
    ...(runtime.expectedHeaders === undefined ? {} : { expectedHeaders: runtime.expectedHeaders }),
    clockSkewMs: runtime.clockSkewMs,
    ...(customInput(runtime.input) ? { input: runtime.input } : {}),
    expectations: runtime.expectations ?? [],
    strictExpectations: runtime.strictExpectations ?? false,
    ...(runtime.shard ? { shards: [runtime.shard] } : {}),
    strays,
    sink,
    ...(leftOnTarget.length === 0 ? {} : { leftOnTarget: leftOnTarget.map((line) => redactor.text(line)) }),
    cases: all,
  };
  if (runtime.load !== undefined) certification.load = summarizeLoad(cases, runtime.load, strays.count, sink.dropped + sink.discarded);
  return redactor.deep(certification);
}
