import type { CheckOutcome } from "../checks/evaluate.js";
import type { CreatedRun } from "../evidence.js";

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
}

export const CASE_ATTACHMENT = "lgwc-case.json";
