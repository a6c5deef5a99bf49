import type { CheckOutcome } from "../checks/evaluate.js";
import type { CreatedRun } from "../evidence.js";
import type { CaseLoad } from "./load.js";

/** flaky: failed, then passed on a retry; a certification cannot stand on it. */
export type Outcome = "passed" | "failed" | "skipped" | "flaky";

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
   * Creation to the moment the suite saw the run end (join returned, stream closed, wait
   * returned), and from then to the first delivery: negative when the webhook came before the
   * API reported the end, as servers that deliver before answering a join do.
   */
  timings: { createdToTerminalMs?: number; terminalToDeliveryMs?: number };
  checks: CheckOutcome[];
  evidence?: DeliveryEvidence;
  /** Whether the target had to announce the run (required, recommended) or need not / must not. */
  expected?: "required" | "recommended" | "optional" | "none";
  /** Requests for the run after the receiver had accepted one. */
  duplicates?: number;
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
