import type { CheckOutcome } from "../checks/evaluate.js";
import type { CreatedRun } from "../evidence.js";
import type { CaseLoad } from "./load.js";

/**
 * flaky: failed, then passed on a retry; a certification cannot stand on it.
 * inconclusive: evidence a required check needs could not be gathered; not a pass, not a finding.
 */
export type Outcome = "passed" | "failed" | "skipped" | "flaky" | "inconclusive";

/** The first delivery of a run, as a reader needs it to judge a finding (secrets redacted). */
export interface DeliveryEvidence {
  method: string;
  target: string;
  headers: [string, string][];
  body: string;
  truncated: boolean;
}

export interface RunResult {
  label: string;
  webhookUrl: string;
  created: CreatedRun;
  apiStatus?: string;
  readBackSkipped?: string;
  deliveries: number;
  /**
   * createdToDeliveryMs and createdToTerminalMs: from the create call to the delivery's arrival, and
   * to the end the suite saw (join returned), on this machine's clock. endToDeliveryMs: from the
   * run's own end (run_ended_at in the body, the target's clock) to the arrival; clockSkew marks it
   * negative, which only clocks that disagree can make.
   */
  timings: { createdToTerminalMs?: number; createdToDeliveryMs?: number; endToDeliveryMs?: number; clockSkew?: boolean };
  checks: CheckOutcome[];
  evidence?: DeliveryEvidence;
  /** Whether the target had to announce the run (required, recommended) or need not / must not. */
  expected?: "required" | "recommended" | "optional" | "none";
  /** Requests for the run after the receiver had accepted one. */
  duplicates?: number;
  /** Requests for the run that came after the suite stopped watching it (judged at the run's end). */
  late?: number;
  /** Requests for the run whose body the sink could not keep (its byte budget was spent). */
  discarded?: number;
  /** Requests for the run whose body exceeded the sink's limit on one body, and was cut. */
  cut?: number;
  /** Hardening: every request the failing receiver saw for the run, with its answer ("+1012 ms → 204"). */
  attempts?: string;
  /** Hardening: the target's answer to a create call with an invalid webhook. */
  creation?: string;
}

export interface CaseResult {
  id: string;
  operation: string;
  title: string;
  outcome: Outcome;
  /** Why the case was skipped, or why it could not run (the target's answer quoted). */
  reason?: string;
  deliveries: number;
  durationMs: number;
  reproduce: string;
  checks: CheckOutcome[];
  runs: RunResult[];
  /** Load mode: the accounting over every repetition (runs lists only a few of them). */
  load?: CaseLoad;
}

export const CASE_ATTACHMENT = "lgwc-case.json";

/**
 * The one way a case's result is made without runs to judge: skipped, failed before its runs
 * existed, or a pseudo-case of the run itself (strays, the sink's limits) with the checks that judged it.
 */
export function withoutRuns(
  definition: { id: string; operation: string; title: string },
  outcome: Outcome,
  reason: string | undefined,
  ran: { durationMs: number; reproduce: string; deliveries?: number; checks?: CheckOutcome[] } = { durationMs: 0, reproduce: "" },
): CaseResult {
  const { deliveries = 0, checks = [], ...times } = ran;
  return {
    id: definition.id,
    operation: definition.operation,
    title: definition.title,
    outcome,
    ...(reason === undefined ? {} : { reason }),
    deliveries,
    ...times,
    checks,
    runs: [],
  };
}
