import { randomUUID } from "node:crypto";
import type { CreatedRun } from "../../evidence.js";
import { parseSse } from "../sse.js";
import type { DriveContext, DrivenRun, SentRequest } from "../drive-types.js";
import { idsFromContentLocation, idsFromRun, mergeIds } from "../run-ids.js";

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

export async function post(context: DriveContext, request: SentRequest, timeoutMs?: number) {
  context.sent(request);
  return context.api.ok(request.method, request.path, request.body, timeoutMs === undefined ? {} : { timeoutMs });
}

/**
 * Settles (bounded) when the target says the run is over. It never rejects: a join that fails
 * only means the suite did not see the end, which the delivered check reports.
 */
export function join(context: DriveContext, threadId: string, runId: string): Promise<boolean> {
  return context.api
    .ok("GET", `/threads/${threadId}/runs/${runId}/join`, undefined, { timeoutMs: context.timeoutMs })
    .then(
      () => true,
      () => false,
    );
}

/** Every thread carrying the marker the suite put in a run's or cron's metadata, oldest first. */
export async function threadsByMarker(context: DriveContext, marker: string): Promise<string[]> {
  const found = await context.api.ok("POST", "/threads/search", {
    metadata: { lgwc_marker: marker },
    limit: 100,
    sort_by: "created_at",
    sort_order: "asc",
  });
  const threads = Array.isArray(found.json) ? (found.json as { thread_id?: unknown }[]) : [];
  return threads.map((t) => t.thread_id).filter((id): id is string => typeof id === "string");
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

/** A run that the create call returned as a Run object, ended by joining it. */
export function joinedRun(context: DriveContext, label: string, webhookUrl: string, run: unknown, fallback: CreatedRun = {}): DrivenRun {
  const created = withAssistant(context, mergeIds(idsFromRun(run), fallback));
  const { thread_id, run_id } = created;
  if (thread_id === undefined || run_id === undefined) {
    return {
      label,
      webhookUrl,
      created,
      readBack: { skipped: "the create call did not return the run's thread_id and run_id" },
      terminal: Promise.resolve(),
    };
  }
  context.trackThread(thread_id);
  return { label, webhookUrl, created, readBack: { thread_id, run_id }, terminal: join(context, thread_id, run_id) };
}

/**
 * Opens a streaming run and learns its id from the Content-Location header or the stream's
 * metadata event; the run is terminal when the stream closes.
 */
export async function streamRun(
  context: DriveContext,
  request: SentRequest,
): Promise<{ ids: CreatedRun; ended: Promise<void> }> {
  context.sent(request);
  const response = await context.api.stream(request.path, request.body, context.timeoutMs);
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const text = await response.body.text();
    const { TargetHttpError } = await import("../client.js");
    throw new TargetHttpError(request.method, request.path, response.statusCode, text);
  }
  const fromHeader = idsFromContentLocation(response.headers["content-location"]);
  const events = parseSse(response.body);
  let fromMetadata: CreatedRun = {};
  // The metadata event comes first; reading up to it gives the run id before the run ends.
  const first = await events.next();
  if (!first.done && first.value.event === "metadata") {
    try {
      fromMetadata = idsFromRun(JSON.parse(first.value.data));
    } catch {
      fromMetadata = {};
    }
  }
  // Drain to the end: the stream closing is how the suite learns the run ended.
  const ended = (async () => {
    let next = await events.next();
    while (!next.done) next = await events.next();
  })().catch(() => undefined);
  return { ids: mergeIds(fromMetadata, fromHeader), ended };
}
