import { defineCheck, fail, inconclusive, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodies, quote } from "./evidence-helpers.js";

export const TERMINAL_STATUSES: readonly string[] = ["success", "error", "timeout", "interrupted"];

export const terminalStatus = defineCheck({
  name: "terminal-status",
  severity: "required",
  version: 4,
  description: `The body's status is a terminal one (${TERMINAL_STATUSES.join(", ")}), and the run had ended when it came: read from the moment the webhook arrives (the suite watches every URL it hands out, so this holds while it is itself blocked in a runs/wait call, a cancel or a wait for a cron), the API shows the run ended (one of those statuses) within a second or so (4 × the measured latency, if longer); a read that shows nothing (404, 5xx) settles nothing. A run still shown going on after that (pending, running, or a status the published API does not have) fails, unless the API comes to show it ended with an updated_at no later than the webhook's webhook_sent_at (1 s of tolerance), or no longer finds it (a run deleted at its end), and the suite itself saw the run end (a join, a wait's answer, a stream's close) no later than that grace after the webhook: a read replica that lagged. Where only reads showed the end (a cancelled run), that is inconclusive. A webhook announces the end of a run; one sent before it, whatever it says, tells a receiver an outcome that has not happened. Version 4: a status outside the published list is no end, and a lagging read is told apart by the target's own times and the suite's own sight of the end.`,
  run(evidence, context) {
    const left = fieldLeftOut("status", context);
    if (left) return left;
    if (evidence.announcedBeforeEnd !== undefined) {
      return fail(
        "terminal-status",
        "a webhook sent once the run has ended (the API shows it ended by then)",
        evidence.announcedBeforeEnd,
        `The webhook for ${evidence.label} came before the run ended: ${evidence.announcedBeforeEnd}.`,
      );
    }
    const bodies = objectBodies(evidence);
    if (bodies.length === 0) return skip("no body was a JSON object (see json-body and run-schema)");
    for (const { index, body } of bodies) {
      if (typeof body.status === "string" && TERMINAL_STATUSES.includes(body.status)) continue;
      return fail(
        "terminal-status",
        `status one of ${TERMINAL_STATUSES.join(", ")}`,
        `status ${quote(body.status)}`,
        body.status === "pending" || body.status === "running"
          ? `${nth(index, evidence.deliveries.length)} for ${evidence.label} was sent before the run ended.`
          : `${nth(index, evidence.deliveries.length)} for ${evidence.label} reports a status that is not a terminal one of the published API (older servers announced a rolled-back run as "rollback").`,
      );
    }
    if (evidence.endUnproven !== undefined) return inconclusive(`whether the webhook came after the run ended could not be shown: ${evidence.endUnproven}`);
    return undefined;
  },
});
