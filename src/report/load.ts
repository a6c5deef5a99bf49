import { count } from "../text.js";
import type { CaseResult, RunResult } from "./types.js";

/** What load mode accounts for one case over all its repetitions. */
export interface CaseLoad {
  repetitions: number;
  failedRepetitions: number;
  /** Runs the target had to announce (not those cancelled before they started, rolled back, or refused). */
  runs: number;
  /** Runs whose webhook arrived. */
  delivered: number;
  /** Runs whose webhook never arrived. */
  lost: number;
  /** Requests beyond the first for a run that the receiver had accepted. */
  duplicates: number;
  /** Every request the sink matched to one of the case's runs. */
  requests: number;
  /** The run's own end (run_ended_at in the body) to the first delivery's arrival, per delivered run, in ms; never negative. */
  latenciesMs: number[];
  /** The create call to the first delivery's arrival, per delivered run, in ms (this machine's clock alone). */
  createdLatenciesMs: number[];
  /** Runs whose run_ended_at is off this machine's clock (after the arrival, or before the create call): the figure is left out. */
  skewed: number;
}

export interface OperationLoad {
  operation: string;
  runs: number;
  delivered: number;
  lost: number;
  duplicates: number;
  /** run_ended_at (the target's clock) to arrival (this machine's), in ms. */
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  /** Create call to arrival, both on this machine's clock, in ms. */
  createdP50Ms?: number;
  createdP95Ms?: number;
  createdP99Ms?: number;
  /** Deliveries whose run_ended_at figure shows clock skew (negative, or longer than from the create call), left out of the end-to-delivery figures. */
  skewed: number;
}

export interface LoadSummary {
  repeat: number;
  concurrency: number;
  runs: number;
  delivered: number;
  lost: number;
  duplicates: number;
  /** Requests for URLs the suite never handed out. */
  strays: number;
  /** Requests the sink counted but could not keep (over its record cap). */
  dropped: number;
  /** Every run's webhook arrived exactly once and nothing else arrived. */
  exact: boolean;
  operations: OperationLoad[];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50, p95 and p99 of the values. */
function percentiles(values: readonly number[]): (number | undefined)[] {
  const sorted = [...values].sort((a, b) => a - b);
  return [50, 95, 99].map((p) => percentile(sorted, p));
}

/**
 * Accounts one repetition's runs into the case's totals. Only runs the published API says must be
 * announced count as runs (a run cancelled before it started, or rolled back, need not be);
 * duplicates count wherever they arrive.
 */
export function accountRuns(load: CaseLoad, runs: readonly RunResult[]): void {
  for (const run of runs) {
    load.requests += run.deliveries;
    load.duplicates += run.duplicates ?? 0;
    if (run.expected !== undefined && run.expected !== "required") continue;
    load.runs += 1;
    if (run.deliveries > 0) load.delivered += 1;
    else load.lost += 1;
    if (run.deliveries === 0) continue;
    const { endToDeliveryMs, createdToDeliveryMs, clockSkew } = run.timings;
    if (clockSkew === true) load.skewed += 1;
    else if (endToDeliveryMs !== undefined) load.latenciesMs.push(endToDeliveryMs);
    if (createdToDeliveryMs !== undefined) load.createdLatenciesMs.push(createdToDeliveryMs);
  }
}

export function emptyLoad(repetitions: number): CaseLoad {
  return { repetitions, failedRepetitions: 0, runs: 0, delivered: 0, lost: 0, duplicates: 0, requests: 0, latenciesMs: [], createdLatenciesMs: [], skewed: 0 };
}

/** Totals and per-operation latency percentiles over every case run in load mode. */
export function summarizeLoad(
  cases: readonly CaseResult[],
  settings: { repeat: number; concurrency: number },
  strays: number,
  dropped: number,
): LoadSummary {
  const byOperation = new Map<string, CaseLoad>();
  for (const c of cases) {
    if (c.load === undefined) continue;
    const l = byOperation.get(c.operation) ?? emptyLoad(0);
    l.runs += c.load.runs;
    l.delivered += c.load.delivered;
    l.lost += c.load.lost;
    l.duplicates += c.load.duplicates;
    l.latenciesMs.push(...c.load.latenciesMs);
    // Shares written before these figures existed have none to add.
    l.createdLatenciesMs.push(...(c.load.createdLatenciesMs ?? []));
    l.skewed += c.load.skewed ?? 0;
    byOperation.set(c.operation, l);
  }
  const operations: OperationLoad[] = [...byOperation].map(([operation, load]) => {
    const row: OperationLoad = { operation, runs: load.runs, delivered: load.delivered, lost: load.lost, duplicates: load.duplicates, skewed: load.skewed };
    const [p50, p95, p99] = percentiles(load.latenciesMs);
    const [c50, c95, c99] = percentiles(load.createdLatenciesMs);
    if (p50 !== undefined) row.p50Ms = p50;
    if (p95 !== undefined) row.p95Ms = p95;
    if (p99 !== undefined) row.p99Ms = p99;
    if (c50 !== undefined) row.createdP50Ms = c50;
    if (c95 !== undefined) row.createdP95Ms = c95;
    if (c99 !== undefined) row.createdP99Ms = c99;
    return row;
  });
  const sum = (key: "runs" | "delivered" | "lost" | "duplicates"): number => operations.reduce((n, o) => n + o[key], 0);
  const summary: LoadSummary = {
    ...settings,
    runs: sum("runs"),
    delivered: sum("delivered"),
    lost: sum("lost"),
    duplicates: sum("duplicates"),
    strays,
    dropped,
    exact: false,
    operations,
  };
  summary.exact = summary.lost === 0 && summary.duplicates === 0 && strays === 0 && dropped === 0 && summary.delivered === summary.runs;
  return summary;
}

/** What the latency figures measure, and on which clock. */
export const LATENCY_NOTE =
  "run_ended_at → delivery: from the end the run's own webhook states (the target's clock) to the request's arrival (this machine's clock); a figure that is negative, or longer than from the create call, shows the two clocks disagree and is counted under clock skew and left out. create call → delivery: both ends on this machine's clock.";

const ms = (value: number | undefined): string => (value === undefined ? "–" : `${value} ms`);

/** The load summary as plain lines, shared by the terminal summary and the Markdown report. */
export function loadLines(load: LoadSummary): string[] {
  const lines = [
    `Load: ${count(load.repeat, "repetition")} of each case, ${load.concurrency} at once: ${count(load.runs, "run")}, ${load.delivered} delivered, ${load.lost} lost, ${count(load.duplicates, "duplicate")}, ${count(load.strays, "stray request")}${load.dropped > 0 ? `, ${load.dropped} not kept whole (sink full)` : ""}; accounting ${load.exact ? "exact" : "NOT exact"}.`,
  ];
  for (const o of load.operations) {
    const skew = (o.skewed ?? 0) > 0 ? `; ${o.skewed} left out: their run_ended_at is off this machine's clock (before the create call, or after the arrival)` : "";
    lines.push(
      `  ${o.operation}: ${count(o.runs, "run")}, ${o.delivered} delivered, ${o.lost} lost, ${o.duplicates} dup; run_ended_at to delivery p50 ${ms(o.p50Ms)}, p95 ${ms(o.p95Ms)}, p99 ${ms(o.p99Ms)} (target's clock to this one); create call to delivery p50 ${ms(o.createdP50Ms)}, p95 ${ms(o.createdP95Ms)}, p99 ${ms(o.createdP99Ms)} (this machine's clock)${skew}`,
    );
  }
  return lines;
}
