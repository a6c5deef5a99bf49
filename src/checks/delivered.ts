import { defineCheck, fail, inconclusive, skip } from "./types.js";
import type { RunEvidence } from "../evidence.js";
import { parseDateTime, TIME_TOLERANCE_MS } from "./timestamps.js";

/**
 * Whether the run ended after the deadline: the suite saw its end only then, and the target's own
 * record agrees (its updated_at less its created_at, counted from the create call, falls after the
 * deadline). A join held open past the deadline does not by itself excuse a late webhook.
 */
function endedAfterDeadline(evidence: RunEvidence): boolean {
  const { terminalAt, deadlineAt, createSentAt } = evidence;
  if (terminalAt === undefined || deadlineAt === undefined || createSentAt === undefined || terminalAt <= deadlineAt) return false;
  const created = parseDateTime(evidence.apiCreatedAt);
  const updated = parseDateTime(evidence.apiUpdatedAt);
  if (created === undefined || updated === undefined) return false;
  return createSentAt + (updated - created) + TIME_TOLERANCE_MS > deadlineAt;
}

export const delivered = defineCheck({
  name: "delivered",
  severity: "required",
  version: 6,
  description:
    "A request arrived at the run's webhook URL before the deadline; one that came later is attached at the end of the run and fails as late (unless the API still reported the run pending or running at the deadline, or the suite saw the run end only after the deadline and the run's own created_at and updated_at agree, when it could not have come sooner; the hardening survives-* probes excepted, where a run that ends late is the finding). Where none came and the API still reports the run pending or running, no webhook was due: inconclusive, unless the case is about the target still running runs (the hardening survives-* probes), where a run that never ends fails. Recommended only for a run cancelled before it started (the published API does not say such a run is announced); not expected for a rolled-back run, which the API deletes.",
  severityFor: (evidence) => (evidence.expect.delivery === "recommended" ? "recommended" : "required"),
  run(evidence) {
    const { delivery, why } = evidence.expect;
    if (delivery === "none") return skip(`${evidence.label} must not be announced (see not-delivered)`);
    const first = evidence.deliveries[0];
    // A run the API still reported running at the deadline could not be announced by then: its webhook is not late,
    // unless the case is about the target still running runs, where a run that ends late is the finding.
    const slowRun = (evidence.notEnded !== undefined || endedAfterDeadline(evidence)) && evidence.expect.mustEnd === undefined;
    if (first !== undefined && evidence.deadlineAt !== undefined && first.receivedAt > evidence.deadlineAt && delivery !== "optional" && !slowRun) {
      return fail(
        "delivered",
        `one POST to the webhook URL handed out for ${evidence.label}, within ${evidence.deadlineMs} ms`,
        `the first request ${first.receivedAt - evidence.deadlineAt} ms after the deadline`,
        `The webhook for ${evidence.label} came late: ${first.receivedAt - evidence.deadlineAt} ms after the ${evidence.deadlineMs} ms the suite waited (it was attached at the end of the run).`,
      );
    }
    if (first !== undefined) return undefined;
    if (evidence.notEnded !== undefined && evidence.expect.mustEnd !== undefined) {
      return fail(
        "delivered",
        `${evidence.label} ends and is announced within ${evidence.deadlineMs} ms`,
        `no request; the API still reports the run ${evidence.notEnded}`,
        `${evidence.label} never ended: the API still reports it ${evidence.notEnded} after ${evidence.deadlineMs} ms, so ${evidence.expect.mustEnd}.`,
      );
    }
    if (evidence.notEnded !== undefined) {
      return inconclusive(`no webhook came, but none was due: the API still reports the run ${evidence.notEnded} after the ${evidence.deadlineMs} ms the suite waited`);
    }
    if (delivery === "optional") return skip(`no webhook came, which is allowed: ${why ?? "the run need not be announced"}`);
    const terminal =
      evidence.terminalAt === undefined ? "the suite never saw the run reach a terminal state" : "the run reached a terminal state";
    return fail(
      "delivered",
      `one POST to the webhook URL handed out for ${evidence.label}, within ${evidence.deadlineMs} ms`,
      "no request at all",
      `No webhook arrived for ${evidence.label} within ${evidence.deadlineMs} ms; ${terminal}.${why ? ` (${why})` : ""}`,
    );
  },
});
