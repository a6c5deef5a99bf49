import type { CaseDefinition, DriveContext, DrivenRun } from "../drive-types.js";
import { TargetHttpError } from "../client.js";
import { joinedRun, post, runBody } from "./common.js";
import { carriesMark } from "../cleanup.js";
import { stringField } from "../json.js";
import type { Variant } from "./variant.js";

/** How long after the suite ends a run (a cancel) its webhook may still come. */
const GRACE_AFTER_CANCEL_MS = 10_000;
const POLL_LIMIT_MS = 15_000;
/** Long enough that only a cancel ends it. */
const LONG_SLEEP = { mode: "sleep", sleep_ms: 120_000 };

/** Refuses to act on a run that does not carry the suite's tag: the ids came from the target, which may name someone else's run. */
function ownRun(context: DriveContext, runId: string, run: unknown): void {
  if (!carriesMark(run, context.tag)) {
    throw new Error(`read back, run ${runId} does not carry the suite's metadata, so the suite will not cancel it (the target may have named a run that is not the suite's)`);
  }
}

/** Waits (bounded) until the API reports one of the statuses, so a cancel hits a running run. */
async function untilStatus(context: DriveContext, threadId: string, runId: string, statuses: string[]): Promise<void> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  let delay = 50;
  for (;;) {
    const read = await context.api.send("GET", `/threads/${threadId}/runs/${runId}`);
    const status = stringField(read.json, "status");
    if (read.status === 200) ownRun(context, runId, read.json);
    if (status !== undefined && statuses.includes(status)) return;
    if (Date.now() > deadline) throw new Error(`run ${runId} never reached ${statuses.join(" or ")} (last status ${String(status)})`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
}

function cancelAct(action: "interrupt" | "rollback", when: "running" | "pending") {
  return async (context: DriveContext, run: DrivenRun): Promise<DrivenRun> => {
    const { thread_id, run_id } = run.created;
    if (thread_id === undefined || run_id === undefined) throw new Error("the target did not say which run it created, so it cannot be cancelled");
    if (when === "running") await untilStatus(context, thread_id, run_id, ["running"]);
    else ownRun(context, run_id, (await context.api.ok("GET", `/threads/${thread_id}/runs/${run_id}`)).json);
    // wait=true returns once the run has stopped; a pending run never started, so there is nothing to wait for.
    const path = `/threads/${thread_id}/runs/${run_id}/cancel?action=${action}${when === "running" ? "&wait=true" : ""}`;
    context.sent({ method: "POST", path, body: undefined });
    const answer = await context.api.send("POST", path, undefined, { timeoutMs: context.timeoutMs });
    if (answer.status < 200 || answer.status >= 300) throw new TargetHttpError("POST", path, answer.status, answer.text);
    return { ...run, terminal: Promise.resolve(), graceAfterEndMs: Math.min(GRACE_AFTER_CANCEL_MS, context.timeoutMs) };
  };
}

export const ERROR: Variant = {
  suffix: "error",
  title: "the graph raises",
  input: { mode: "raise" },
  expect: { delivery: "required", statuses: ["error"], describesError: true },
};

export const CANCEL_INTERRUPT: Variant = {
  suffix: "cancel-interrupt",
  title: "cancelled while running with action=interrupt",
  input: LONG_SLEEP,
  expect: { delivery: "required", statuses: ["interrupted"] },
  act: cancelAct("interrupt", "running"),
};

export const CANCEL_ROLLBACK: Variant = {
  suffix: "cancel-rollback",
  title: "cancelled while running with action=rollback",
  input: LONG_SLEEP,
  // The published API: rollback "will cancel the run and delete the run and associated checkpoints
  // afterwards". A deleted run need not be announced; if it is, the POST must still be a valid Run.
  expect: {
    delivery: "optional",
    why: "action=rollback deletes the run (published API), so a webhook is allowed but not required; one that comes must still be a valid Run",
  },
  act: cancelAct("rollback", "running"),
};

export const CANCEL_PENDING: Variant = {
  suffix: "cancel-pending",
  title: "cancelled while still pending (after_seconds)",
  input: {},
  body: { after_seconds: 600 },
  expect: {
    delivery: "recommended",
    statuses: ["interrupted"],
    why: "the run was cancelled before it started; the published API does not say such a run is announced, but a receiver waiting for it never learns it ended",
  },
  act: cancelAct("interrupt", "pending"),
};

export const INTERRUPT_BEFORE: Variant = {
  suffix: "interrupt-before",
  title: "stops at a human-in-the-loop interrupt (interrupt_before)",
  input: {},
  body: { interrupt_before: ["act"] },
  expect: { delivery: "required" },
};

type Strategy = "reject" | "interrupt" | "rollback" | "enqueue";

const FIRST_RUN = { mode: "sleep", sleep_ms: 2_000 };

/**
 * Double-texting: a second run on a thread that is busy with the first, under each
 * multitask_strategy. Every run that ends is announced once, with its own identity; a refused run
 * is never announced.
 */
export function multitaskCase(strategy: Strategy): CaseDefinition {
  return {
    id: `thread-multitask-${strategy}`,
    operation: "POST /threads/{thread_id}/runs",
    title: `second run on a busy thread, multitask_strategy ${strategy}`,
    cron: false,
    needsGraph: true,
    async drive(context) {
      const threadId = await context.createThread();
      const firstHook = await context.hook("the first run");
      const secondHook = await context.hook("the second run");
      const path = `/threads/${threadId}/runs`;
      const firstAnswer = await post(context, { method: "POST", path, body: runBody({ ...context, input: FIRST_RUN }, firstHook) });
      const first = joinedRun(context, "the first run", firstHook, firstAnswer.json, { thread_id: threadId });
      if (first.created.run_id === undefined) throw new Error("the target did not say which run it created");
      await untilStatus(context, threadId, first.created.run_id, ["running"]);

      const secondBody = runBody({ ...context, input: {} }, secondHook, { multitask_strategy: strategy });
      context.sent({ method: "POST", path, body: secondBody });
      const secondAnswer = await context.api.send("POST", path, secondBody);
      const accepted = secondAnswer.status >= 200 && secondAnswer.status < 300;
      if (!accepted && strategy !== "reject") throw new TargetHttpError("POST", path, secondAnswer.status, secondAnswer.text);

      if (strategy === "reject") {
        const why = accepted
          ? "multitask_strategy reject should have refused it while the thread was busy, yet the target accepted it"
          : `the target refused it (HTTP ${secondAnswer.status}) because the thread was busy`;
        const refused: DrivenRun = {
          label: "the refused second run",
          webhookUrl: secondHook,
          created: {},
          readBack: { skipped: "the run was refused, so there is nothing to read back" },
          expect: { delivery: "none", why },
          terminal: first.terminal,
        };
        return [{ ...first, expect: { delivery: "required", statuses: ["success"] } }, refused];
      }
      const second = joinedRun(context, "the second run", secondHook, secondAnswer.json, { thread_id: threadId });
      const firstExpect =
        strategy === "interrupt"
          ? { delivery: "required" as const, statuses: ["interrupted"] }
          : strategy === "rollback"
            ? {
                delivery: "optional" as const,
                why: "multitask_strategy rollback deletes the first run (published API), so announcing it is allowed but not required",
              }
            : { delivery: "required" as const, statuses: ["success"] };
      return [
        { ...first, expect: firstExpect },
        { ...second, expect: { delivery: "required", statuses: ["success"] } },
      ];
    },
  };
}
