import type { RunEvidence } from "../evidence.js";
import type { RunValidator } from "../schema/validate.js";

export type Severity = "required" | "recommended";

export interface CheckContext {
  validateRun: RunValidator;
  /** Headers every delivery must carry (--expect-header): a name, and the value when one was given. */
  expectHeaders?: readonly (readonly [string, string | undefined])[];
  /**
   * The top-level fields the deployment lets its webhooks carry (its webhooks.allowed_fields, given
   * with --allowed-fields); the checks of any other field do not apply. Absent: every field.
   */
  allowedFields?: ReadonlySet<string>;
  /** How far the target's clock may be from this machine's (webhook_sent_at against the arrival), in ms. */
  clockSkewMs?: number;
  /**
   * The target reaches the sink through --public-url (a tunnel or proxy): what the sink answered
   * is not necessarily what the target was answered.
   */
  relayed?: boolean;
}

/** A check that did not hold: what it wanted, and what the target sent instead. */
export interface CheckFailure {
  check: string;
  expected: string;
  received: string;
  message: string;
}

export interface CheckSkip {
  skipped: string;
}

/** The check applies, but the evidence it needs could not be gathered: not a pass, not a finding. */
export interface CheckInconclusive {
  inconclusive: string;
}

export type CheckVerdict = CheckFailure | CheckSkip | CheckInconclusive | undefined;

export interface Check {
  name: string;
  severity: Severity;
  /** Where the published API promises less for some runs, the severity for this one. */
  severityFor?(evidence: RunEvidence): Severity;
  /** Bumped whenever what the check accepts changes, so reports can say which rule judged them. */
  version: number;
  description: string;
  /** Hardening checks judge only the probes of --profile hardening and skip everywhere else. */
  profile?: "hardening";
  run(evidence: RunEvidence, context: CheckContext): CheckVerdict;
}

export function defineCheck(check: Check): Check {
  return check;
}

export function fail(check: string, expected: string, received: string, message: string): CheckFailure {
  return { check, expected, received, message };
}

export function skip(reason: string): CheckSkip {
  return { skipped: reason };
}

export function isSkip(verdict: CheckVerdict): verdict is CheckSkip {
  return verdict !== undefined && "skipped" in verdict;
}

export function inconclusive(reason: string): CheckInconclusive {
  return { inconclusive: reason };
}

export function isInconclusive(verdict: CheckVerdict): verdict is CheckInconclusive {
  return verdict !== undefined && "inconclusive" in verdict;
}
