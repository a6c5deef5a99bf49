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
  /** Terminal (as the API reported it) to the first delivery, per delivered run, in ms. */
  latenciesMs: number[];
}

export interface OperationLoad {
  operation: string;
  runs: number;
  delivered: number;
  lost: number;
  duplicates: number;
  /** Terminal to delivery in ms; negative where the webhook came before the API said the run had ended. */
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
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
    const latency = run.timings.terminalToDeliveryMs;
    if (latency !== undefined && run.deliveries > 0) load.latenciesMs.push(latency);
  }
}

export function emptyLoad(repetitions: number): CaseLoad {
  return { repetitions, failedRepetitions: 0, runs: 0, delivered: 0, lost: 0, duplicates: 0, requests: 0, latenciesMs: [] };
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
    byOperation.set(c.operation, l);
  }
  const operations: OperationLoad[] = [...byOperation].map(([operation, load]) => {
    const sorted = [...load.latenciesMs].sort((a, b) => a - b);
    const row: OperationLoad = { operation, runs: load.runs, delivered: load.delivered, lost: load.lost, duplicates: load.duplicates };
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(sorted, p));
    if (p50 !== undefined) row.p50Ms = p50;
    if (p95 !== undefined) row.p95Ms = p95;
    if (p99 !== undefined) row.p99Ms = p99;
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

const ms = (value: number | undefined): string => (value === undefined ? "–" : `${value} ms`);

/** The load summary as plain lines, shared by the terminal summary and the Markdown report. */
export function loadLines(load: LoadSummary): string[] {
  const lines = [
    `Load: ${load.repeat} repetition(s) of each case, ${load.concurrency} at once: ${load.runs} runs, ${load.delivered} delivered, ${load.lost} lost, ${load.duplicates} duplicate(s), ${load.strays} stray request(s)${load.dropped > 0 ? `, ${load.dropped} not kept whole (sink full)` : ""}; accounting ${load.exact ? "exact" : "NOT exact"}.`,
  ];
  for (const o of load.operations) {
    lines.push(`  ${o.operation}: ${o.runs} runs, ${o.delivered} delivered, ${o.lost} lost, ${o.duplicates} dup; end to delivery p50 ${ms(o.p50Ms)}, p95 ${ms(o.p95Ms)}, p99 ${ms(o.p99Ms)}`);
  }
  return lines;
}
