import { pollUntil } from "../../api/poll.js";
import { CaseInconclusive, type CaseDefinition, type DriveContext, type DrivenRun, type PremiseCheck } from "../drive-types.js";
import { runPath, threadPath } from "../../api/paths.js";
import { stateAfterRun } from "../../api/state.js";
import { largeText } from "../conformance-graph.js";
import { cut } from "../../text.js";
import { parseDateTime, TIME_TOLERANCE_MS } from "../../checks/timestamps.js";
import type { RunExpectation } from "../../evidence.js";
import { TargetHttpError } from "../../api/client.js";
import { ConformanceError } from "../../errors.js";
import { cancelOwnRun, joinedRun, ownRun, post, runBody } from "./common.js";
import { records, stringField } from "../../json.js";
import type { Variant } from "./variant.js";

/** Statuses a rolled-back run may be announced with, if it is announced at all: never success. */
const ROLLED_BACK_STATUSES = ["error", "interrupted"];
/** Long enough that only a cancel ends it. */
const LONG_SLEEP = { mode: "sleep", sleep_ms: 120_000 };
/** Statuses of a run that has ended. */
const ENDED = ["success", "error", "timeout", "interrupted"];

/**
 * Whether GET shows the run ended (or gone, as a rollback leaves it) within --timeout-ms of its
 * cancel: the cancel's answer is not the run's end, since a target may answer it and let the run go on.
 */
async function endedAfterCancel(context: DriveContext, threadId: string, runId: string): Promise<boolean> {
  const read = () => context.api.send("GET", runPath(threadId, runId)).catch(() => undefined);
  return (await pollUntil(Date.now() + context.timeoutMs, 50, 500, read, endedOrGone)).settled;
}

/** A GET on a run that shows it ended, or gone (as a rollback or a deletion leaves it). */
function endedOrGone(answer: { status: number; json: unknown } | undefined): boolean {
  return answer?.status === 404 || (answer?.status === 200 && ENDED.includes(stringField(answer.json, "status") ?? ""));
}

/** Waits (bounded) until the API reports one of the statuses, so a cancel hits a running run. */
async function untilStatus(context: DriveContext, threadId: string, runId: string, statuses: string[]): Promise<void> {
  // A run may take as long to start as the user allows a run to take.
  const deadline = Date.now() + context.timeoutMs;
  const readStatus = async (): Promise<{ shown: boolean; httpStatus: number; status: string | undefined; text: string }> => {
    const read = await context.api.send("GET", runPath(threadId, runId));
    // Not there (yet): a read replica may lag the create; only a run never shown by the deadline is the target's fault.
    if (read.status === 404) return { shown: false, httpStatus: 404, status: undefined, text: read.text };
    // Only an answer that shows the run, with the suite's mark on it, says anything about its status.
    const shown = read.status >= 200 && read.status < 300;
    if (shown) ownRun(context, runId, read.json);
    const status = shown ? stringField(read.json, "status") : undefined;
    // Ended before the suite saw it as the case needs (the API is slower than the preflight measured): nothing to judge either way.
    if (status !== undefined && !statuses.includes(status) && ENDED.includes(status)) {
      throw new CaseInconclusive(`run ${runId} ended (status "${status}") before the suite saw it ${statuses.join(" or ")}, so the case could not do what it needs; the target's run endpoints may be slower than the ${context.latencyMs} ms per call the preflight measured`);
    }
    return { shown, httpStatus: read.status, status, text: read.text };
  };
  const { answer, settled } = await pollUntil(deadline, 50, 500, readStatus, (a) => a.status !== undefined && statuses.includes(a.status));
  if (settled) return;
  // The run the target named was never there: the target's fault, not missing evidence.
  if (answer.httpStatus === 404) throw new TargetHttpError("GET", runPath(threadId, runId), 404, answer.text);
  const why = answer.shown ? `its last status was ${JSON.stringify(answer.status)}` : `reading it answered HTTP ${answer.httpStatus}`;
  throw new CaseInconclusive(`run ${runId} was never seen ${statuses.join(" or ")} within ${context.timeoutMs} ms (${why}), so the case could not do what it needs`);
}

/** What the case asked of a run, and what the API showed, for the outcome-premise check. */
function premise(asked: string, held: boolean, observed: string, why: string, severity: PremiseCheck["severity"], otherwise?: RunExpectation): PremiseCheck {
  return { asked, held, observed, why, severity, ...(otherwise === undefined ? {} : { otherwise }) };
}

/** How long a run just created may be missing from reads (a lagging read replica) before its absence counts. */
const LAG_MS = 5_000;

/** How long a thread may stay busy after its only run was rolled back, before the suite takes the run as still running. */
const IDLE_WITHIN_MS = 5_000;

/** What the API shows of a run GET no longer finds: a sign it was only hidden, or why that cannot be told. */
interface Traces {
  hidden?: string;
  unknown?: string;
}

/** 404 means the thread is gone, which holds no run; any other failure leaves the question open. */
function unreadable(answer: { status: number } | undefined, what: string): string | undefined {
  if (answer?.status === 200 || answer?.status === 404) return undefined;
  return `${what} could not be read (${answer === undefined ? "no answer" : `HTTP ${answer.status}`}), so whether the run was only hidden cannot be told`;
}

/**
 * What still shows a run that GET no longer finds: the thread's run list naming it, checkpoints
 * of it in the thread's history (a rollback deletes them too), or its thread busy with nothing
 * else to run. An API that hides a run it never stopped answers 404 too.
 */
async function stillThere(context: DriveContext, threadId: string, runId: string, kept: boolean): Promise<Traces> {
  // A rollback may delete the run first and its list entry and checkpoints a moment later: only traces that stay are a sign.
  const within = Math.min(IDLE_WITHIN_MS, context.timeoutMs);
  const { answer: traces, settled } = await pollUntil(Date.now() + within, 100, 1_000, () => listedOrCheckpointed(context, threadId, runId), (t) => t.hidden === undefined);
  if (!settled) return { hidden: `${traces.hidden ?? ""} (still so ${within} ms later)` };
  if (traces.unknown !== undefined) return { unknown: traces.unknown };
  const busy = await busyThread(context, threadId, kept);
  if (busy.still !== undefined) return { hidden: `GET on the run answered HTTP 404, yet ${busy.still}: the run still runs` };
  return busy.unknown === undefined ? {} : { unknown: busy.unknown };
}

/** The thread's run list naming the run, or its history holding checkpoints of it, read once. */
async function listedOrCheckpointed(context: DriveContext, threadId: string, runId: string): Promise<Traces> {
  const listed = await context.api.send("GET", `${threadPath(threadId)}/runs?limit=100`).catch(() => undefined);
  if (listed?.status === 200 && records(listed.json).some((r) => stringField(r, "run_id") === runId)) {
    return { hidden: "GET on the run answered HTTP 404, yet the thread's run list still names it: the run is hidden, not deleted" };
  }
  const history = await context.api.send("POST", `${threadPath(threadId)}/history`, { limit: 100 }).catch(() => undefined);
  if (history?.status === 200 && records(history.json).some((c) => stringField(c.metadata, "run_id") === runId)) {
    return { hidden: "GET on the run answered HTTP 404, yet the thread's history still holds checkpoints of it, which a rollback deletes: the run is hidden, not rolled back" };
  }
  const unknown = unreadable(listed, "the thread's run list") ?? unreadable(history, "the thread's history");
  return unknown === undefined ? {} : { unknown };
}

/**
 * Whether the thread leaves "busy" within IDLE_WITHIN_MS (or --timeout-ms, if shorter): one that
 * stays busy with no other run of the suite's on it still runs the run the suite stopped. A thread
 * gone holds no run; one that cannot be read leaves the question open.
 */
async function busyThread(context: DriveContext, threadId: string, kept: boolean): Promise<{ still?: string; unknown?: string }> {
  const idleWithin = Math.min(IDLE_WITHIN_MS, context.timeoutMs);
  const readThread = () => context.api.send("GET", threadPath(threadId)).catch(() => undefined);
  const busy = (thread: Awaited<ReturnType<typeof readThread>>): boolean => thread?.status === 200 && stringField(thread.json, "status") === "busy";
  const { answer: thread, settled } = await pollUntil(Date.now() + idleWithin, 100, 1_000, readThread, (t) => !busy(t));
  if (!settled) return { still: `its thread was still "busy" ${idleWithin} ms later, with no other run of the suite's on it` };
  const failed = unreadable(thread, "the run's thread");
  if (failed !== undefined) return { unknown: failed };
  // A thread gone (a stateless run's, deleted at its end) runs nothing; one nothing was asked to delete is not gone, only unshown.
  if (thread?.status === 404) return kept ? { unknown: "GET on the run's thread answered 404, though nothing asked for it to be deleted, so whether it was still busy could not be read" } : {};
  // Only a status the published API gives a thread shows it left "busy": none at all is no evidence that it did.
  const status = stringField(thread?.json, "status");
  if (status === undefined || !THREAD_STATUSES.has(status)) {
    return { unknown: `GET on the run's thread answered ${status === undefined ? "no status" : `status ${JSON.stringify(status)}, not one the published API gives a thread`}, so whether it was still busy could not be read` };
  }
  return {};
}

/** The statuses the published API gives a thread. */
const THREAD_STATUSES = new Set(["idle", "busy", "interrupted", "error"]);

/** A run reported interrupted must have stopped: its thread, which holds no other run of the suite's, leaves "busy". */
async function stoppedByInterrupt(context: DriveContext, threadId: string, asked: string, kept: boolean): Promise<PremiseCheck> {
  const busy = await busyThread(context, threadId, kept);
  const why = "the target reported the run stopped, yet it runs on, so a receiver told it ended is misled";
  if (busy.unknown !== undefined) return { ...premise(asked, false, "", why, "required"), unknown: busy.unknown };
  return premise(asked, busy.still === undefined, busy.still ?? "its thread left \"busy\"", why, "required");
}

/** Whether the API still finds the run: the published API says rollback deletes it. */
async function goneAfterRollback(context: DriveContext, threadId: string, runId: string, announce: RunExpectation, kept: boolean): Promise<PremiseCheck> {
  const read = await context.api.send("GET", runPath(threadId, runId));
  const traces = read.status === 404 ? await stillThere(context, threadId, runId, kept) : {};
  const asked = "the run deleted by the rollback (GET on it answers 404, and nothing else shows it)";
  if (traces.hidden !== undefined) {
    return premise(asked, false, traces.hidden, "the target did not roll the run back, so the case cannot show how a rolled-back run is announced", "required");
  }
  if (traces.unknown !== undefined) return { ...premise(asked, false, "GET on the run answered HTTP 404", "", "required"), unknown: traces.unknown };
  const status = stringField(read.json, "status");
  if (read.status === 200 && (status === "pending" || status === "running")) {
    return premise(asked, false, `GET on the run answered HTTP 200, status ${JSON.stringify(status)}: the run still runs`, "the target answered the rollback but did not stop the run", "required");
  }
  // A run that completed was not rolled back at all: that is not a server keeping what it should delete.
  const completed = read.status === 200 && status === "success";
  return premise(
    asked,
    read.status === 404,
    read.status === 200 ? `GET on the run answered HTTP 200, status ${JSON.stringify(status)}: the run survived` : `GET on the run answered HTTP ${read.status}`,
    completed
      ? "the run completed as if it had never been rolled back: the target ignored the rollback"
      : "the published API says a rolled-back run and its checkpoints are deleted; this one is still there, so it is judged like any run that ended and must be announced",
    completed ? "required" : "recommended",
    announce,
  );
}

/**
 * The published API answers 409 Conflict to a second run on a busy thread under reject. Another
 * 4xx still refused the run, in words the published API does not use; a 5xx is the target
 * failing, which says nothing about reject, and a 2xx created the run.
 */
export function refusalPremise(status: number): PremiseCheck {
  const asked = "the second run refused at create with HTTP 409 Conflict (multitask_strategy reject, thread busy)";
  if (status === 409) return premise(asked, true, "HTTP 409", "", "required");
  if (status >= 400 && status < 500) {
    return premise(asked, false, `HTTP ${status}`, "the target refused the run, but not with the 409 Conflict the published API gives for a busy thread, so a client cannot tell it from another mistake", "recommended");
  }
  const created = status >= 200 && status < 300;
  return premise(
    asked,
    false,
    `HTTP ${status}${created ? ": the run was created" : ""}`,
    created
      ? "the published API refuses a second run on a busy thread under reject; this target created it, whether or not it ever announces it"
      : "the target failed rather than refused: an error answer that is not a 4xx says nothing about whether reject was applied",
    "required",
  );
}

/** The first run under reject sleeps until the suite cancels it: only the target can have ended it before. */
const FIRST_UNTIL_CANCELLED = "the first run (it sleeps until the suite cancels it)";

/**
 * A second run accepted under reject, judged by the first run read at once: it sleeps until the
 * suite cancels it, so still going on shows the thread was busy when the target accepted; ended or
 * gone shows the target stopped it to make room (interrupt or rollback, not reject). Only a read
 * that shows nothing leaves the question open.
 */
async function acceptedOnBusyThread(context: DriveContext, threadId: string, firstId: string): Promise<PremiseCheck> {
  const refused = refusalPremise(200);
  const read = await context.api.send("GET", runPath(threadId, firstId)).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  if (typeof read === "string" || (read.status !== 200 && read.status !== 404)) {
    const why = typeof read === "string" ? read : `HTTP ${read.status}`;
    return {
      ...refused,
      unknown: `the second run was accepted, and ${FIRST_UNTIL_CANCELLED} could not be read once the create answered (${why}), so whether the thread was still busy is not known`,
      otherwise: { delivery: "optional", why: "it was accepted on a thread that could not be shown busy, so it is judged for what it sends" },
    };
  }
  if (read.status === 404) {
    return { ...refused, observed: `${refused.observed}, and ${FIRST_UNTIL_CANCELLED} was gone (GET answered 404)`, why: "under reject the second run is refused while the first runs; this target deleted the first run to take the second, which is rollback, not reject" };
  }
  const status = stringField(read.json, "status");
  if (status === "running" || status === "pending") return { ...refused, observed: `${refused.observed}, while ${FIRST_UNTIL_CANCELLED} still read back ${JSON.stringify(status)}` };
  return {
    ...refused,
    observed: `${refused.observed}, and ${FIRST_UNTIL_CANCELLED} read back ${JSON.stringify(status)}`,
    why: "under reject the second run is refused while the first runs; this target ended the first run to take the second, which is interrupt, not reject",
  };
}

/**
 * A refusal under reject leaves the first run alone: one the target stopped (or deleted) before it
 * answered 409 was made room for, which is interrupt or rollback with a refusal on top.
 */
async function refusedWithFirstRunning(context: DriveContext, threadId: string, firstId: string, refusal: PremiseCheck): Promise<PremiseCheck> {
  const read = await context.api.send("GET", runPath(threadId, firstId)).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  if (typeof read === "string" || (read.status !== 200 && read.status !== 404)) {
    return { ...refusal, unknown: `the target refused the second run, but ${FIRST_UNTIL_CANCELLED} could not be read once it answered (${typeof read === "string" ? read : `HTTP ${read.status}`}), so whether it left the first run alone is not known` };
  }
  const status = read.status === 404 ? undefined : stringField(read.json, "status");
  let later = "";
  if (status === "running" || status === "pending") {
    // A target may refuse at once and stop the first run a moment later (its worker told to stop, the status
    // written when it does): the first run is read on for a while before the suite cancels it, and must stay.
    const holdMs = refusalHoldMs(context.latencyMs);
    const from = Date.now();
    const readNow = () => context.api.send("GET", runPath(threadId, firstId)).catch(() => undefined);
    const { answer, settled } = await pollUntil(from + holdMs, 100, 500, readNow, endedOrGone);
    if (!settled) return refusal;
    const after = answer?.status === 404 ? undefined : stringField(answer?.json, "status");
    later = `${FIRST_UNTIL_CANCELLED} read back ${JSON.stringify(status)} at once, then ${after === undefined ? "was gone (GET answered 404)" : `read back ${JSON.stringify(after)}`} ${Date.now() - from} ms later, before the suite cancelled it`;
  }
  return premise(
    refusal.asked,
    false,
    later !== "" ? `${refusal.observed}, but ${later}` : `${refusal.observed}, but ${FIRST_UNTIL_CANCELLED} ${status === undefined ? "was gone (GET answered 404)" : `read back ${JSON.stringify(status)}`} by then`,
    "under reject the busy thread's run goes on and only the new one is refused; this target stopped the first run as well, which a client asking for reject does not expect",
    "required",
  );
}

/** How long the first run is read on after a refusal under reject, before the suite cancels it. */
export function refusalHoldMs(latencyMs: number): number {
  return Math.max(2_000, 4 * latencyMs);
}

/** A second create under reject that got no answer within --timeout-ms while the first run went on: held, not refused. */
function heldUnderReject(timeoutMs: number): PremiseCheck {
  return premise(
    "the second run refused at create with HTTP 409 Conflict (multitask_strategy reject, thread busy)",
    false,
    `no answer to the second create within --timeout-ms (${timeoutMs} ms), while ${FIRST_UNTIL_CANCELLED} ran`,
    "the published API refuses a second run on a busy thread under reject at once; this target held the request (waiting for the thread, or failing to answer), which is not refusing (raise --timeout-ms if its creates are that slow)",
    "required",
  );
}

/**
 * A first run gone after the second ran may have been stopped by the rollback, or run to its end
 * and been erased after: only a second run that ended before the first's sleep could have ended
 * by itself shows the rollback stopped it.
 */
export function stoppedEarly(gone: PremiseCheck, secondEnded: boolean | void, secondEndSeenAt: number, naturalEnd: number, sleepMs: number): PremiseCheck {
  if (!gone.held || gone.unknown !== undefined) return gone;
  if (secondEnded === true && secondEndSeenAt < naturalEnd) return gone;
  const why =
    secondEnded === true
      ? `the second run was seen ending ${secondEndSeenAt - naturalEnd} ms after the first run's ${sleepMs} ms sleep could have ended by itself`
      : "the suite did not see the second run end";
  // Not a run that survived its rollback (gone.otherwise): the run is gone, and how it went is what cannot be told.
  return {
    ...premise(gone.asked, false, gone.observed, "", "required"),
    unknown: `${why}, so whether the rollback stopped the first run, rather than waiting for it to finish and erasing it, cannot be told`,
  };
}

/** A run the API still has after a rollback is an ended run like any other: announced once, with a body that describes it. */
const SURVIVED_ROLLBACK: RunExpectation = {
  delivery: "required",
  statuses: ROLLED_BACK_STATUSES,
  why: "the run survived its rollback, so it ended like any other run and must be announced",
};

/**
 * A run cancelled while pending never ran, so it wrote no checkpoint on its thread (the case's
 * own). One that did ran before the cancel, whatever its status read: an API can say "pending"
 * for a run its queue is already running.
 */
async function ranAnyway(context: DriveContext, threadId: string, runId: string, pending: PremiseCheck): Promise<PremiseCheck> {
  if (!pending.held) return pending;
  // Its webhook, if any, must not say it started either (judged by outcome-premise on the bodies).
  const checked: PremiseCheck = { ...pending, neverStarted: true };
  const history = await context.api.send("POST", `${threadPath(threadId)}/history`, { limit: 10 }).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  if (typeof history === "string" || history.status !== 200 || !Array.isArray(history.json)) {
    return { ...checked, unknown: `the run read "pending", but the thread's history, which would show whether it ran, could not be read (${typeof history === "string" ? history : `HTTP ${history.status}`})` };
  }
  const checkpoints = records(history.json);
  const named = checkpoints.filter((c) => stringField(c.metadata, "run_id") !== undefined);
  const ran = named.length > 0 ? named.some((c) => stringField(c.metadata, "run_id") === runId) : checkpoints.length > 0;
  if (!ran) return checked;
  return premise(
    pending.asked,
    false,
    `status "pending" when read, yet the thread's history holds ${named.length > 0 ? "checkpoints of the run" : `${checkpoints.length} checkpoint(s)`}: the run had started`,
    "the run had already started when it was cancelled (its API said pending), so the case cannot show how a run cancelled before it starts is announced",
    "required",
  );
}

function cancelAct(action: "interrupt" | "rollback", when: "running" | "pending") {
  return async (context: DriveContext, run: DrivenRun): Promise<DrivenRun> => {
    const { thread_id, run_id } = run.created;
    if (thread_id === undefined || run_id === undefined) throw new Error("the target did not say which run it created, so it cannot be cancelled");
    let pendingPremise: PremiseCheck | undefined;
    if (when === "running") {
      await untilStatus(context, thread_id, run_id, ["running"]);
    } else {
      // A read replica may lag the create for a moment: a 404 is read again (briefly; the run waits 600 s to start).
      const read404 = () => context.api.send("GET", runPath(thread_id, run_id));
      const { answer } = await pollUntil(Date.now() + Math.min(context.timeoutMs, LAG_MS), 50, 500, read404, (a) => a.status !== 404);
      // The run the target named is not there: the target's fault. Not readable for now (5xx): nothing to stand on.
      if (answer.status === 404) throw new TargetHttpError("GET", runPath(thread_id, run_id), answer.status, answer.text);
      if (answer.status < 200 || answer.status >= 300) {
        throw new CaseInconclusive(`run ${run_id} could not be read before it was cancelled (GET answered HTTP ${answer.status}), so whether it was still pending cannot be told`);
      }
      const read = answer.json;
      ownRun(context, run_id, read);
      const status = stringField(read, "status");
      pendingPremise = premise(
        "the run still pending when it was cancelled (created with after_seconds: 600)",
        status === "pending",
        `status ${JSON.stringify(status)} when the suite was about to cancel it`,
        "the run had already started, so the target ignored after_seconds and the case cannot show how it announces a run cancelled before it starts",
        "required",
      );
    }
    // wait=true returns once the run has stopped; a pending run never started, so there is nothing to wait for.
    const path = `${runPath(thread_id, run_id)}/cancel?action=${action}${when === "running" ? "&wait=true" : ""}`;
    context.sent({ method: "POST", path, body: undefined });
    const answer = await context.api.send("POST", path, undefined, { timeoutMs: context.timeoutMs });
    if (answer.status < 200 || answer.status >= 300) throw new TargetHttpError("POST", path, answer.status, answer.text);
    // After a cancel, the webhook may take as long as any run's (--timeout-ms), counted from the run's end as the API shows it.
    const ended = endedAfterCancel(context, thread_id, run_id);
    const cancelled: DrivenRun = { ...run, terminal: ended, graceAfterEndMs: context.timeoutMs, endFromReads: true };
    if (pendingPremise !== undefined) {
      const ran = await ranAnyway(context, thread_id, run_id, pendingPremise);
      // A pending run the cancel left pending was not cancelled at all.
      cancelled.premise = ended.then((ok) =>
        ok || !ran.held
          ? ran
          : premise("the run cancelled while pending (it ends without running)", false, `GET on the run still answered "pending" or "running" ${context.timeoutMs} ms after the cancel`, "the target answered the cancel but did not cancel the run", "required"),
      );
    }
    // Read once the API shows the run ended (or, after --timeout-ms, that it did not).
    if (action === "interrupt" && when === "running") cancelled.premise = ended.then(() => stoppedByInterrupt(context, thread_id, "the run stopped by the cancel (its thread no longer busy)", run.stateless !== true));
    if (action === "rollback") cancelled.premise = await ended.then(() => goneAfterRollback(context, thread_id, run_id, SURVIVED_ROLLBACK, run.stateless !== true));
    return cancelled;
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
    why: "action=rollback deletes the run (published API), so a webhook is allowed but not required; one that comes must still be a valid Run, and not say success",
    statuses: ROLLED_BACK_STATUSES,
    rolledBack: true,
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
    neverStarted: true,
    why: "the run was cancelled before it started; the published API does not say such a run is announced, but a receiver waiting for it never learns it ended",
  },
  act: cancelAct("interrupt", "pending"),
};

/**
 * Text a target must carry through unchanged: Chinese and Korean (the languages the webhook guides
 * are published in), emoji outside the Basic Multilingual Plane, combining marks (which Unicode
 * normalisation would merge), U+2028 (which some encoders escape and some break on), quotes and
 * backslashes, and the largest integer a double holds exactly.
 */
export const TEXT = "中文：运行结束时的网络钩子 — 한국어: 실행이 끝나면 웹훅 — 😀🪝🧪 — e\u0301 n\u0303 a\u030a — line\u2028separator — \"quoted\" 'single' \\back\\slash\\";
export const BIG_INTEGER = 9_007_199_254_740_991;

export const TEXT_SURVIVES: Variant = {
  suffix: "text",
  title: "input and state with text from every plane, combining marks, U+2028, quotes, backslashes and a large integer",
  input: { mode: "succeed", text: TEXT, number: BIG_INTEGER },
  values: { text: TEXT, number: BIG_INTEGER, result: "done:succeed" },
  expect: { delivery: "required", statuses: ["success"] },
};

/** About 1 MiB of state, so the webhook body is at least that large. */
export const LARGE_STATE_BYTES = 1024 * 1024;

export const SIZE_SURVIVES: Variant = {
  suffix: "large",
  title: "a run that ends with about 1 MiB of state, delivered whole",
  input: { mode: "large", size_bytes: LARGE_STATE_BYTES },
  // The whole state, byte for byte: a cut or rewritten blob fails even where the API cannot be read.
  values: { result: "done:large", blob: largeText(LARGE_STATE_BYTES) },
  expect: { delivery: "required", statuses: ["success"] },
};

/** Why the API never showed the run ended within --timeout-ms, if it did not: a join that answers is not proof. */
async function notSeenEnded(context: DriveContext, threadId: string, runId: string): Promise<string | undefined> {
  const { answer: last, settled } = await pollUntil(Date.now() + context.timeoutMs, 50, 500, () => statusOf(context, threadId, runId), (status) => status !== undefined && ENDED.includes(status));
  if (settled) return undefined;
  return `after its join answered, GET on the run never showed it ended within ${context.timeoutMs} ms (last status ${JSON.stringify(last ?? null)}), so its state may not be its last`;
}

/**
 * Whether the run stopped before node "act": its state has no `result`, which only "act" writes.
 * Undefined when the state cannot be read (the webhook is judged all the same).
 */
async function stoppedBeforeAct(context: DriveContext, run: DrivenRun): Promise<PremiseCheck | undefined> {
  await run.terminal;
  if (!("thread_id" in run.readBack)) return undefined;
  const open = await notSeenEnded(context, run.readBack.thread_id, run.readBack.run_id);
  if (open !== undefined) {
    return {
      ...premise('the run stopped before node "act" (its state has no result)', false, "", "interrupt_before was ignored: the node ran, so the case cannot show how a run stopped for a human is announced", "required"),
      unknown: open,
      valuesLack: "result",
    };
  }
  const state = await stateAfterRun(context.api, run.readBack.thread_id, run.readBack.run_id, false);
  if ("skipped" in state) return undefined;
  const values = state.values as Record<string, unknown> | null;
  const ran = values !== null && typeof values === "object" && "result" in values;
  return premise(
    'the run stopped before node "act" (its state has no result)',
    !ran,
    `the state after the run: ${cut(JSON.stringify(values) ?? "null", 120)}`,
    "interrupt_before was ignored: the node ran, so the case cannot show how a run stopped for a human is announced",
    "required",
  );
}

export const INTERRUPT_BEFORE: Variant = {
  suffix: "interrupt-before",
  title: "stops at a human-in-the-loop interrupt (interrupt_before)",
  input: {},
  body: { interrupt_before: ["act"] },
  // Servers report a run paused before a node "interrupted" (or "success", as for a dynamic interrupt); never "error".
  expect: { delivery: "required", statuses: ["interrupted", "success"] },
  act: (context, run) => {
    const checked = stoppedBeforeAct(context, run);
    const unknown: PremiseCheck = {
      ...premise('the run stopped before node "act" (its state has no result)', false, "", "interrupt_before was ignored: the node ran, so the case cannot show how a run stopped for a human is announced", "required"),
      unknown: "the run's state could not be read back",
      valuesLack: "result",
    };
    return Promise.resolve({ ...run, premise: checked.then((p) => p ?? unknown) });
  },
};

type Strategy = "reject" | "interrupt" | "rollback" | "enqueue";

async function statusOf(context: DriveContext, threadId: string, runId: string): Promise<string | undefined> {
  const read = await context.api.send("GET", runPath(threadId, runId)).catch(() => undefined);
  return read?.status === 200 ? stringField(read.json, "status") : undefined;
}

/**
 * Under enqueue, a second run created while the first runs waits until the first ends: watched
 * (bounded) as long as the first runs, it is pending every time. A queue that picks it up late but
 * runs it beside the first is caught by a later read. Undefined when the first run had already
 * ended at the first read, so the case cannot tell.
 */
async function enqueued(context: DriveContext, threadId: string, firstId: string, secondId: string): Promise<PremiseCheck> {
  const deadline = Date.now() + context.timeoutMs;
  let reads = 0;
  for (;;) {
    const second = await statusOf(context, threadId, secondId);
    const first = await statusOf(context, threadId, firstId);
    // A second run not readable yet (a lagging read replica) says nothing: read again while the first runs.
    if (second === undefined && first === "running" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, ENQUEUE_POLL_MS));
      continue;
    }
    // Read second, then first: if the first still runs now, it ran when the second was read.
    if (first !== "running") {
      if (reads === 0) {
        return { ...premise(ENQUEUE_ASKED, false, "", ENQUEUE_WHY, "required"), unknown: `the first run read back ${JSON.stringify(first)} by the time the second was read, so the API could not show whether the second waited` };
      }
      break;
    }
    reads += 1;
    if (second !== "pending") {
      return premise(ENQUEUE_ASKED, false, `read ${reads} time(s) while the first run was "running", the second read back ${JSON.stringify(second)}`, ENQUEUE_WHY, "required");
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, ENQUEUE_POLL_MS));
  }
  return premise(ENQUEUE_ASKED, true, `the second run read back "pending" ${reads} time(s) while the first was "running"`, ENQUEUE_WHY, "required");
}

/** How far a second run's stated start may precede the first's stated end when both are kept to the millisecond. */
const FINE_SLACK_MS = 50;

const ENQUEUE_ASKED = "the second run waits until the first has ended (multitask_strategy enqueue)";
const ENQUEUE_WHY = "under enqueue the second run waits for the first to end; this target ran them side by side";

/**
 * What the API showed of the queue, checked against the runs' own webhooks: the second run's
 * run_started_at must not come before the first's run_ended_at (one server, one clock). An API
 * can say "pending" (or "success") while its runs overlap; the times the target states cannot.
 */
async function enqueuedByTimes(context: DriveContext, polled: PremiseCheck, firstHook: string, secondHook: string): Promise<PremiseCheck> {
  if (!polled.held && polled.unknown === undefined) return polled;
  const [firstBody, secondBody] = await Promise.all([context.firstBody(firstHook, context.timeoutMs), context.firstBody(secondHook, context.timeoutMs)]);
  const firstEnded = parseDateTime(firstBody?.run_ended_at);
  const secondStarted = parseDateTime(secondBody?.run_started_at);
  const secondEnded = parseDateTime(secondBody?.run_ended_at);
  if (firstEnded === undefined || secondStarted === undefined) return polled;
  // Times kept to the millisecond get 50 ms of slack (a server may stamp the end just after it hands the thread on); whole seconds get a second.
  const fine = [firstBody?.run_ended_at, secondBody?.run_started_at].every((t) => typeof t === "string" && /\d{2}:\d{2}:\d{2}\.\d+/.test(t));
  const slack = fine ? FINE_SLACK_MS : TIME_TOLERANCE_MS;
  const overlap = secondStarted + slack < firstEnded || (secondEnded !== undefined && secondEnded < firstEnded);
  if (overlap) {
    return premise(
      ENQUEUE_ASKED,
      false,
      `the webhooks say the second run ran from ${String(secondBody?.run_started_at)} to ${String(secondBody?.run_ended_at)}, and the first ended at ${String(firstBody?.run_ended_at)}`,
      ENQUEUE_WHY,
      "required",
    );
  }
  return polled.unknown === undefined ? polled : premise(ENQUEUE_ASKED, true, `the webhooks say the second run started at ${String(secondBody?.run_started_at)}, after the first ended at ${String(firstBody?.run_ended_at)}`, ENQUEUE_WHY, "required");
}

/** How often the enqueue case reads both runs while the first runs. */
const ENQUEUE_POLL_MS = 200;

/**
 * The first run of a double-text must still be running when the second is created a few API calls
 * later: 2 s, and more on a slow target (the preflight measured one call's latency).
 */
const firstRunInput = (context: DriveContext): { mode: string; sleep_ms: number } => ({ mode: "sleep", sleep_ms: 2_000 + 10 * context.latencyMs });
/**
 * Under interrupt and rollback the second run stops the first: one that sleeps for ever but for
 * that keeps a hidden run busy past every window, and a target that waits for it instead of
 * stopping it never gets to the second run in time.
 */
const stoppedFirstRunInput = (context: DriveContext, strategy: Strategy): { mode: string; sleep_ms: number } =>
  strategy === "enqueue" ? firstRunInput(context) : LONG_SLEEP;
/** The second run's own input, so the state after each run differs and each webhook's values can be told apart. */
const SECOND_RUN = { mode: "succeed" };

/**
 * Under reject the first run sleeps until the suite cancels it, so the thread is busy for as long
 * as the second create takes: the target must refuse it, and neither hold it nor end the first run
 * to take it. The first run is cancelled once the answer (or its absence) has been judged.
 */
async function underReject(
  context: DriveContext,
  { threadId, path, first, firstId, secondHook, secondBody }: { threadId: string; path: string; first: DrivenRun; firstId: string; secondHook: string; secondBody: unknown },
): Promise<DrivenRun[]> {
  const answer = await context.api.send("POST", path, secondBody, { timeoutMs: context.timeoutMs }).catch((error: unknown) => {
    if (error instanceof ConformanceError && error.code === "LGWC_TARGET_UNREACHABLE" && /did not answer in time/.test(error.message)) return undefined;
    throw error;
  });
  const accepted = answer !== undefined && answer.status >= 200 && answer.status < 300;
  // Judged before the cancel below ends the first run.
  const verdict =
    answer === undefined
      ? heldUnderReject(context.timeoutMs)
      : accepted
        ? await acceptedOnBusyThread(context, threadId, firstId)
        : answer.status >= 400 && answer.status < 500
          ? await refusedWithFirstRunning(context, threadId, firstId, refusalPremise(answer.status))
          : refusalPremise(answer.status);
  context.sent({ method: "POST", path: `${runPath(threadId, firstId)}/cancel?action=interrupt`, body: undefined });
  await cancelOwnRun(context, threadId, firstId, "interrupt");
  const ended = endedAfterCancel(context, threadId, firstId);
  const why =
    answer === undefined
      ? "the target held the create while the thread was busy; a run it made of it afterwards was never accepted by the suite"
      : accepted
        ? "multitask_strategy reject should have refused it while the thread was busy, yet the target accepted it"
        : `the target refused it (HTTP ${answer.status}) because the thread was busy`;
  const refused: DrivenRun = {
    label: "the refused second run",
    webhookUrl: secondHook,
    created: {},
    readBack: { skipped: "the run was refused, so there is nothing to read back" },
    expect: { delivery: "none", why },
    terminal: ended,
    premise: Promise.resolve(verdict),
  };
  // The suite's cancel only ends the case: how a target announces a cancelled run is the cancel cases' to judge
  // (servers that end one "error" fail there), so either status is accepted here.
  return [{ ...first, terminal: ended, graceAfterEndMs: context.timeoutMs, endFromReads: true, expect: { delivery: "required", statuses: ["interrupted", "error"] } }, refused];
}

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
      const firstContext = { ...context, input: stoppedFirstRunInput(context, strategy) };
      // Under reject, the first run asks for reject too: a target that accepts it on an idle thread
      // supports the strategy, so its refusal of the second run is about the busy thread.
      const firstBody = runBody(firstContext, firstHook, strategy === "reject" ? { multitask_strategy: "reject" } : {});
      const firstSentAt = Date.now();
      const firstAnswer = await post(firstContext, { method: "POST", path, body: firstBody });
      const first = joinedRun(firstContext, "the first run", firstHook, firstAnswer.json, {}, threadId);
      if (first.created.run_id === undefined) throw new Error("the target did not say which run it created");
      await untilStatus(context, threadId, first.created.run_id, ["running"]);

      const secondContext = { ...context, input: SECOND_RUN };
      const secondBody = runBody(secondContext, secondHook, { multitask_strategy: strategy });
      context.sent({ method: "POST", path, body: secondBody });
      if (strategy === "reject") return underReject(context, { threadId, path, first, firstId: first.created.run_id, secondHook, secondBody });
      const secondAnswer = await context.api.send("POST", path, secondBody);
      if (secondAnswer.status < 200 || secondAnswer.status >= 300) throw new TargetHttpError("POST", path, secondAnswer.status, secondAnswer.text);
      const second = joinedRun(secondContext, "the second run", secondHook, secondAnswer.json, {}, threadId);
      const secondRun: DrivenRun = { ...second, expect: { delivery: "required", statuses: ["success"] } };
      if (strategy === "enqueue" && second.created.run_id !== undefined) {
        const polled = await enqueued(context, threadId, first.created.run_id, second.created.run_id);
        secondRun.premise = enqueuedByTimes(context, polled, firstHook, secondHook);
      }
      const firstRun: DrivenRun = { ...first, laterRuns: true };
      if (strategy === "interrupt") {
        firstRun.expect = { delivery: "required", statuses: ["interrupted"] };
        // Once the second run has ended, nothing of the suite's runs on the thread.
        firstRun.premise = second.terminal.then(() => stoppedByInterrupt(context, threadId, "the first run stopped by the second (multitask_strategy interrupt): once the second ended, the thread is no longer busy", true));
      }
      else if (strategy === "enqueue") {
        firstRun.expect = { delivery: "required", statuses: ["success"] };
        firstRun.minRunMs = firstContext.input.sleep_ms;
      }
      else {
        firstRun.expect = {
          delivery: "optional",
          why: "multitask_strategy rollback deletes the first run (published API), so announcing it is allowed but not required",
          statuses: ROLLED_BACK_STATUSES,
          rolledBack: true,
        };
        // Whether the first run is gone shows once the second has run.
        const firstId = first.created.run_id;
        const naturalEnd = firstSentAt + firstContext.input.sleep_ms;
        firstRun.premise = second.terminal.then(async (ended) => {
          // When the second run's end was seen, before the read-backs below take their time.
          const seenAt = Date.now();
          return stoppedEarly(await goneAfterRollback(context, threadId, firstId, SURVIVED_ROLLBACK, true), ended, seenAt, naturalEnd, firstContext.input.sleep_ms);
        });
      }
      return [firstRun, secondRun];
    },
  };
}
