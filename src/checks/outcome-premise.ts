import { defineCheck, fail, skip } from "./types.js";

export const outcomePremise = defineCheck({
  name: "outcome-premise",
  severity: "required",
  version: 1,
  description:
    "The target did what the case asked before its webhook is judged, read back through the API: a run cancelled while pending was still pending (required: otherwise after_seconds was ignored and the case proves nothing); a second run on a busy thread with multitask_strategy reject was refused at create (required: the published API refuses it); a run cancelled with action=rollback is gone afterwards (recommended: the published API deletes it, but the open-source JavaScript server keeps it and announces it, and a kept run must then be announced like any other).",
  severityFor: (evidence) => evidence.premise?.severity ?? "required",
  run(evidence) {
    const premise = evidence.premise;
    if (premise === undefined) return skip("the case asks nothing of the target beyond running it");
    if (premise.unknown !== undefined) return skip(`whether the target did what the case asked cannot be told: ${premise.unknown}`);
    if (premise.held) return undefined;
    return fail("outcome-premise", premise.asked, premise.observed, `The target did not do what the case asked of ${evidence.label}: ${premise.why}`);
  },
});
