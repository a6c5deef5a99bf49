import { defineCheck, fail, inconclusive, skip } from "./types.js";
import { fieldLeftOut, nth, objectBodies, quote } from "./evidence-helpers.js";

export const statusMatchesApi = defineCheck({
  name: "status-matches-api",
  severity: "required",
  version: 4,
  description:
    "The body's status equals the status the API reports for the run afterwards. Skipped where the case does not read the run back by design (a run deleted at its end); inconclusive where reading it back failed. A webhook that came after the API was read, which showed the run still pending or running, is not compared (see delivered); nor is one the API still reports pending or running after its webhook came (inconclusive: a read replica that lags looks so, and an early webhook is terminal-status's finding).",
  run(evidence, context) {
    const left = fieldLeftOut("status", context);
    if (left) return left;
    if (evidence.readBackSkipped !== undefined) return skip(evidence.readBackSkipped);
    // A run the case keeps must be readable: without its status, nothing vouches for the webhook's.
    if (evidence.readBackFailed !== undefined) return inconclusive(`the run's status could not be read back: ${evidence.readBackFailed}`);
    if (evidence.apiStatus === undefined) return inconclusive("the run's status could not be read back from the API");
    const bodies = objectBodies(evidence);
    if (bodies.length === 0) return skip("no body was a JSON object (see json-body and run-schema)");
    // A webhook that came after the suite stopped watching the run came after the API was read (the read follows the
    // watch): a run read back pending or running had not ended yet. On a URL several runs share (a cron's firings),
    // the watch may end before the deadline, with another run's webhook.
    const first = evidence.deliveries[0];
    const readAfter = evidence.watchedUntil ?? evidence.deadlineAt;
    const late = first !== undefined && readAfter !== undefined && first.receivedAt > readAfter;
    if (late && (evidence.apiStatus === "pending" || evidence.apiStatus === "running")) {
      return skip(`the API was read (status "${evidence.apiStatus}") before the run's late webhook came (see delivered)`);
    }
    // Read back still going on after a webhook that said it ended: whether the webhook came early is terminal-status's
    // finding; a read replica that lags shows the same, and the final status is then not known to compare.
    if (evidence.apiStatus === "pending" || evidence.apiStatus === "running") {
      return inconclusive(`the API still reported the run "${evidence.apiStatus}" when read back after its webhook, so how it ended was not known to compare (see terminal-status)`);
    }
    for (const { index, body } of bodies) {
      if (body.status === evidence.apiStatus) continue;
      return fail(
        "status-matches-api",
        `status ${quote(evidence.apiStatus)} (what GET on the run reports)`,
        `status ${quote(body.status)}`,
        `${nth(index, evidence.deliveries.length)} for ${evidence.label} disagrees with the API about how the run ended.`,
      );
    }
    return undefined;
  },
});
