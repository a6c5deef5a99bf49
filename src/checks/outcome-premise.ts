import { defineCheck, fail, inconclusive, skip, type CheckVerdict } from "./types.js";
import { objectBodies } from "./evidence-helpers.js";
import type { Premise, RunEvidence } from "../evidence.js";

/** Where the API could not show the premise, what the webhook's own values say of it, if anything. */
function byWebhookValues(evidence: RunEvidence, premise: Premise & { valuesLack: string }): CheckVerdict | "unknown" {
  const values = objectBodies(evidence).map(({ body }) => body.values).filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v));
  const ran = values.find((v) => Object.hasOwn(v, premise.valuesLack));
  if (ran !== undefined) {
    return fail("outcome-premise", premise.asked, `the API could not show the state (${premise.unknown ?? ""}); the webhook's values carry ${JSON.stringify(premise.valuesLack)}`, `The target did not do what the case asked of ${evidence.label}: ${premise.why}`);
  }
  return values.length > 0 ? undefined : "unknown";
}

export const outcomePremise = defineCheck({
  name: "outcome-premise",
  severity: "required",
  version: 7,
  description:
    "The target did what the case asked before its webhook is judged, read back through the API: a run cancelled while pending was still pending, its thread's history shows it never ran, and its webhook gives it no run_started_at (required: otherwise after_seconds was ignored and the case proves nothing); a second run on a busy thread with multitask_strategy reject was refused at create with 409 Conflict (required: the published API refuses it so; another 4xx is recommended, a 5xx is a failure, not a refusal; the first run sleeps until the suite cancels it once the second create is judged, so the thread is busy throughout: an accepted second run fails whether the first still runs, was ended or was deleted to make room (interrupt or rollback, not reject), a create not answered within --timeout-ms fails as held, not refused, a refusal must leave the first run running (one ended or deleted before the 409, or within 2 s after it, before the suite cancels it, fails), and only a first run that cannot be read leaves it inconclusive; the first run must then be announced (interrupted, or error as some servers end a cancelled run: the cancel cases judge that)); a run created with interrupt_before stopped before that node (read from the thread's state, or, where the API cannot show it, from the webhook's values); a run cancelled with action=rollback is gone afterwards, from GET, from its thread's run list, from its thread's history and from its thread's busy status (a run only hidden, its list entry or checkpoints still there 5 s after GET stopped finding it, or still pending or running once --timeout-ms has passed since the cancel, is required to fail; a thread that cannot be read is inconclusive; one kept is recommended: the published API deletes it, but the open-source JavaScript server keeps it and announces it, and a kept run must then be announced like any other); a run asked to delete its thread when it ends (on_completion, or a cron's on_run_completed, \"delete\", the default) leaves GET on that thread answering 404 within --timeout-ms of its end (recommended: the published API says the thread is removed, but the webhook is judged the same either way; a kept thread carrying the suite's mark is removed by the suite).",
  severityFor: (evidence) => evidence.premise?.severity ?? "required",
  run(evidence) {
    const premise = evidence.premise;
    if (premise === undefined) return skip("the case asks nothing of the target beyond running it");
    if (premise.neverStarted === true) {
      // A run cancelled while pending never started: a webhook that says it did contradicts the API.
      const started = objectBodies(evidence).find(({ body }) => typeof body.run_started_at === "string" && body.run_started_at !== "");
      if (started !== undefined) {
        return fail(
          "outcome-premise",
          `${premise.asked}, so its webhook gives no run_started_at`,
          `run_started_at ${JSON.stringify(started.body.run_started_at)} (created_at ${JSON.stringify(started.body.created_at)})`,
          `The target did not do what the case asked of ${evidence.label}: its webhook says the run started, so it was not pending when it was cancelled (the target ignored after_seconds).`,
        );
      }
    }
    if (premise.unknown !== undefined && premise.valuesLack !== undefined) {
      const judged = byWebhookValues(evidence, { ...premise, valuesLack: premise.valuesLack });
      if (judged !== "unknown") return judged;
    }
    if (premise.unknown !== undefined) return inconclusive(`whether the target did what the case asked cannot be told: ${premise.unknown}`);
    if (premise.held) return undefined;
    return fail("outcome-premise", premise.asked, premise.observed, `The target did not do what the case asked of ${evidence.label}: ${premise.why}`);
  },
});
