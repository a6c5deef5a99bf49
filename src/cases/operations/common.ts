import { randomUUID } from "node:crypto";
import { runPath, usableId } from "../../api/paths.js";
import type { CreatedRun } from "../../evidence.js";
import { parseSse } from "../../api/sse.js";
import { CaseInconclusive, type DriveContext, type DrivenRun, type SentRequest } from "../drive-types.js";
import { ConformanceError } from "../../errors.js";
import { createdAtOfRun, idsFromContentLocation, idsFromRun, mergeIds } from "../../api/run-ids.js";
import { MAX_RESPONSE_BYTES, TargetHttpError } from "../../api/client.js";
import { readCapped } from "../../bounded-body.js";
import { carriesMark } from "../../api/cleanup.js";
import { records, stringField } from "../../json.js";

/** The create-run body every case sends, with the user's input and the suite's tag. */
export function runBody(context: DriveContext, webhook: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    assistant_id: context.assistantId,
    input: context.input,
    metadata: { ...context.tag },
    webhook,
    ...extra,
  };
}

/** Refuses to act on a run that does not carry the suite's tag: the ids came from the target, which may name someone else's run. */
export function ownRun(context: DriveContext, runId: string, run: unknown): void {
  if (!carriesMark(run, context.tag)) {
    throw new Error(`read back, run ${runId} does not carry the suite's metadata, so the suite will not cancel it (the target may have named a run that is not the suite's)`);
  }
}

/** Cancels a run the suite created, once read back with its mark; a run that cannot be read back is left alone. */
export async function cancelOwnRun(context: DriveContext, threadId: string, runId: string, action: "interrupt" | "rollback"): Promise<void> {
  const read = await context.api.send("GET", runPath(threadId, runId));
  if (read.status < 200 || read.status >= 300) return;
  ownRun(context, runId, read.json);
  await context.api.send("POST", `${runPath(threadId, runId)}/cancel?action=${action}`);
}

export async function post(context: DriveContext, request: SentRequest, timeoutMs?: number) {
  context.sent(request);
  return context.api.ok(request.method, request.path, request.body, timeoutMs === undefined ? {} : { timeoutMs });
}

/**
 * A call that answers only when the run has ended (runs/wait): one that does not answer within
 * --timeout-ms says the run took longer than the suite waits, not that the target failed.
 */
export async function waitCall(context: DriveContext, request: SentRequest): Promise<Awaited<ReturnType<typeof post>>> {
  try {
    return await post(context, request, context.timeoutMs);
  } catch (error) {
    if (error instanceof ConformanceError && error.code === "LGWC_TARGET_UNREACHABLE" && /did not answer in time/.test(error.message)) {
      throw new CaseInconclusive(`${request.method} ${request.path} did not answer within --timeout-ms (${context.timeoutMs} ms): the run may take longer than that; raise --timeout-ms to judge this case`);
    }
    throw error;
  }
}

/**
 * Settles (bounded) when the target says the run is over. It never rejects: a join that fails
 * only means the suite did not see the end, which the delivered check reports.
 */
/** When each end the suite waited for was seen: a case's drive may outlast the end, and the run is observed only after it. */
const endsSeen = new WeakMap<Promise<boolean>, number>();

/** The same wait, with the moment it resolved true kept for `endSeenAt`. */
function stamped(wait: Promise<boolean>): Promise<boolean> {
  const kept: Promise<boolean> = wait.then((ended) => {
    if (ended) endsSeen.set(kept, Date.now());
    return ended;
  });
  return kept;
}

/** When the suite saw the end a run's `terminal` waited for, if it came and was kept (a join's, a stream's). */
export function endSeenAt(terminal: Promise<boolean | void>): number | undefined {
  return endsSeen.get(terminal as Promise<boolean>);
}

export function join(context: DriveContext, threadId: string, runId: string): Promise<boolean> {
  return stamped(
    context.api.ok("GET", `${runPath(threadId, runId)}/join`, undefined, { timeoutMs: context.timeoutMs }).then(
      () => true,
      () => false,
    ),
  );
}

/**
 * Every thread carrying the marker the suite put in a run's or cron's metadata, oldest first.
 * The marker is checked on each thread the search returns: a target whose search ignores the
 * filter returns other threads too, which must never be taken (and later deleted) as the suite's.
 */
export async function threadsByMarker(context: DriveContext, marker: string): Promise<string[]> {
  const found = await context.api.ok("POST", "/threads/search", {
    metadata: { lgwc_marker: marker },
    limit: 100,
    sort_by: "created_at",
    sort_order: "asc",
  });
  return records(found.json)
    .filter((thread) => carriesMark(thread, { lgwc_marker: marker }))
    .map((thread) => stringField(thread, "thread_id"))
    .filter((id): id is string => id !== undefined);
}

/** The thread a stateless run was given, found by its marker. */
export async function threadByMarker(context: DriveContext, marker: string): Promise<string | undefined> {
  return (await threadsByMarker(context, marker))[0];
}

export function newMarker(): string {
  return randomUUID();
}

export function withAssistant(context: DriveContext, ids: CreatedRun): CreatedRun {
  return mergeIds(ids, { assistant_id: context.resolvedAssistantId });
}

/**
 * A run's ids: what the suite knows comes first (the thread it created the run on, the assistant
 * the preflight resolved), then what the target said of it (its answer, Content-Location, the
 * stream's metadata). Where the target names another thread or assistant, `misnamed` says so: its
 * webhook, GET and state would otherwise be judged as those of a run the suite never asked for.
 */
export function identify(context: DriveContext, onThread: string | undefined, ...said: CreatedRun[]): { created: CreatedRun; misnamed?: string } {
  const known: CreatedRun = { ...(onThread === undefined ? {} : { thread_id: onThread }), assistant_id: context.resolvedAssistantId };
  // An id no request path can carry ("..", a lone surrogate) names no run the suite can read: it is left out, and said to be wrong.
  const unusable = said.flatMap((claim) => (["run_id", "thread_id"] as const).filter((field) => claim[field] !== undefined && !usableId(claim[field])).map((field) => `${field} ${JSON.stringify(claim[field])}`));
  const claims = said.map((claim) => Object.fromEntries(Object.entries(claim).filter(([field, value]) => field === "assistant_id" || usableId(String(value)))) as CreatedRun);
  const created = mergeIds(known, ...claims);
  if (unusable.length > 0) return { created, misnamed: `the target named ${unusable[0]!} for the run it created, which no request path can carry, so the run cannot be read back` };
  for (const claim of claims) {
    for (const field of ["thread_id", "assistant_id"] as const) {
      const said = claim[field];
      if (said === undefined || known[field] === undefined || said === known[field]) continue;
      const whose = field === "thread_id" ? "the thread the suite created the run on" : "the assistant the suite asked for (as the preflight resolved it)";
      return { created, misnamed: `the target named ${field} ${said} for the run it created, not ${known[field]}, ${whose}` };
    }
  }
  return { created };
}

/** A run that the create call returned as a Run object, ended by joining it; `onThread` is the thread the suite created it on. */
export function joinedRun(context: DriveContext, label: string, webhookUrl: string, run: unknown, claims: CreatedRun = {}, onThread?: string): DrivenRun {
  const { created, misnamed } = identify(context, onThread, idsFromRun(run), claims);
  const { thread_id, run_id } = created;
  const input = context.input;
  if (thread_id === undefined || run_id === undefined) {
    const missing = [run_id === undefined ? "run_id" : "", thread_id === undefined ? "thread_id" : ""].filter(Boolean).join(" and ");
    return {
      label,
      webhookUrl,
      created,
      unidentified: `the create call's answer named no ${missing} (neither in its body nor in Content-Location)`,
      readBack: { missing: "the create call did not return the run's thread_id and run_id" },
      terminal: Promise.resolve(),
      input,
      ...(misnamed === undefined ? {} : { misnamed }),
    };
  }
  context.trackThread(thread_id);
  const driven: DrivenRun = { label, webhookUrl, created, readBack: { thread_id, run_id }, terminal: join(context, thread_id, run_id), input, ...(misnamed === undefined ? {} : { misnamed }) };
  const answeredCreatedAt = createdAtOfRun(run);
  if (answeredCreatedAt !== undefined) driven.answeredCreatedAt = answeredCreatedAt;
  return driven;
}

/** How a run's event stream stopped: it closed, it broke, or the suite gave up waiting. */
export type StreamEnd = "closed" | "broken" | "timeout";

/**
 * A stream that closes (or breaks) says nothing certain about the run: the API's join says when it
 * ended. Without the run's ids only the stream is left, and a broken one is no end at all.
 */
export function apiEnd(context: DriveContext, stream: Promise<StreamEnd>, threadId: string | undefined, runId: string | undefined): Promise<boolean> {
  return stamped(
    stream.then((how) => {
      if (how === "timeout") return false;
      if (threadId === undefined || runId === undefined) return how === "closed";
      return join(context, threadId, runId);
    }),
  );
}

/**
 * Opens a streaming run and learns its id from the Content-Location header or the stream's
 * metadata event. `ended` settles with true when the stream closes normally (how the suite learns
 * the run ended) and false when it breaks or outlasts the deadline, which says nothing about the run.
 */
export async function streamRun(
  context: DriveContext,
  request: SentRequest,
): Promise<{ ids: CreatedRun; ended: Promise<StreamEnd> }> {
  context.sent(request);
  const response = await context.api.stream(request.path, request.body, context.timeoutMs);
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const text = context.api.clean((await readCapped(response.body, MAX_RESPONSE_BYTES).catch(() => Buffer.from("(its body could not be read)"))).toString("utf8"));
    throw new TargetHttpError(request.method, request.path, response.statusCode, text);
  }
  const fromHeader = idsFromContentLocation(response.headers["content-location"]);
  const events = parseSse(response.body);
  let fromMetadata: CreatedRun = {};
  // The metadata event comes first; reading up to it gives the run id before the run ends.
  let broken = false;
  const first = await events.next().catch((): IteratorReturnResult<undefined> => {
    broken = true;
    return { done: true, value: undefined };
  });
  if (!first.done && first.value.event === "metadata") {
    try {
      fromMetadata = idsFromRun(JSON.parse(first.value.data));
    } catch {
      fromMetadata = {};
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<StreamEnd>((resolve) => {
    timer = setTimeout(() => {
      response.body.destroy();
      resolve("timeout");
    }, context.timeoutMs);
  });
  // Drain to the end; the stream closing is a hint, the API says whether the run ended (apiEnd).
  const drained = (async (): Promise<StreamEnd> => {
    if (first.done) return broken ? "broken" : "closed";
    let next = await events.next();
    while (!next.done) next = await events.next();
    return "closed";
  })().catch((): StreamEnd => "broken");
  const ended = Promise.race([drained, deadline]).finally(() => clearTimeout(timer));
  return { ids: mergeIds(fromMetadata, fromHeader), ended };
}
