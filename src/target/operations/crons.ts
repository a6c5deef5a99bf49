import type { CreatedRun } from "../../evidence.js";
import type { CaseDefinition, DriveContext, DrivenRun } from "../drive-types.js";
import { newMarker, post, threadsByMarker, withAssistant } from "./common.js";

/** Fires at the next minute boundary: the soonest any cron implementation is obliged to run. */
export const CRON_SCHEDULE = "* * * * *";

function cronIdOf(json: unknown): string | undefined {
  const id = (json as { cron_id?: unknown } | null)?.cron_id;
  return typeof id === "string" ? id : undefined;
}

function requireCronId(json: unknown, path: string): string {
  const id = cronIdOf(json);
  if (id === undefined) throw new Error(`POST ${path} succeeded but its answer has no cron_id: ${JSON.stringify(json)}`);
  return id;
}

/** The newest run on a thread, which for a thread cron is the run it just fired. */
async function newestRunOn(context: DriveContext, threadId: string): Promise<string | undefined> {
  const listed = await context.api.ok("GET", `/threads/${threadId}/runs?limit=1`);
  const first = Array.isArray(listed.json) ? (listed.json[0] as { run_id?: unknown } | undefined) : undefined;
  return typeof first?.run_id === "string" ? first.run_id : undefined;
}

/**
 * Waits for the cron's first fired run to deliver, then removes the cron at once so that it
 * cannot fire again. What the run was is learned from the delivery and, for thread crons,
 * confirmed against the thread's run list.
 */
async function firedRun(
  context: DriveContext,
  webhookUrl: string,
  cronId: string,
  cronThread: string | undefined,
  marker: string,
): Promise<DrivenRun> {
  const fromBody = await context.firstDelivery(
    webhookUrl,
    context.cronTimeoutMs,
    `the first run of cron ${cronId} (schedule "${CRON_SCHEDULE}") to fire and deliver`,
  );
  await context.api.send("DELETE", `/runs/crons/${cronId}`);
  // A stateless cron gives each fired run a thread of its own; the marker in the cron's
  // metadata finds it where the target copies metadata to the thread.
  // It may have fired more than once before it was deleted: every such thread is the suite's to remove.
  const firedThreads = cronThread === undefined ? await threadsByMarker(context, marker) : [];
  for (const id of firedThreads) context.trackThread(id);
  const threadId = cronThread ?? firedThreads[0];
  let created: CreatedRun = withAssistant(context, threadId === undefined ? {} : { thread_id: threadId });
  if (threadId !== undefined) {
    const runId = await newestRunOn(context, threadId);
    if (runId !== undefined) created = { ...created, run_id: runId };
  }
  const readThread = threadId ?? fromBody?.thread_id;
  const readRun = created.run_id ?? fromBody?.run_id;
  return {
    label: "the first fired run",
    webhookUrl,
    created,
    readBack:
      readThread !== undefined && readRun !== undefined
        ? { thread_id: readThread, run_id: readRun }
        : { skipped: "no delivery named the fired run, so it cannot be read back" },
    terminal: Promise.resolve(),
  };
}

function cronBody(context: DriveContext, webhook: string | undefined, marker: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    assistant_id: context.assistantId,
    schedule: CRON_SCHEDULE,
    input: context.input,
    metadata: { ...context.tag, lgwc_marker: marker },
    ...(webhook === undefined ? {} : { webhook }),
    ...extra,
  };
}

export const threadCron: CaseDefinition = {
  id: "thread-cron",
  operation: "POST /threads/{thread_id}/runs/crons",
  title: "cron on a thread, first fired run",
  cron: true,
  async drive(context) {
    const threadId = await context.createThread();
    const webhook = await context.hook("the first fired run");
    const path = `/threads/${threadId}/runs/crons`;
    const marker = newMarker();
    const response = await post(context, { method: "POST", path, body: cronBody(context, webhook, marker) });
    const cronId = requireCronId(response.json, path);
    context.trackCron(cronId);
    return [await firedRun(context, webhook, cronId, threadId, marker)];
  },
};

export const statelessCron: CaseDefinition = {
  id: "stateless-cron",
  operation: "POST /runs/crons",
  title: "stateless cron, first fired run",
  cron: true,
  async drive(context) {
    const webhook = await context.hook("the first fired run");
    const marker = newMarker();
    const response = await post(context, {
      method: "POST",
      path: "/runs/crons",
      body: cronBody(context, webhook, marker, { on_run_completed: "keep" }),
    });
    const cronId = requireCronId(response.json, "/runs/crons");
    context.trackCron(cronId);
    return [await firedRun(context, webhook, cronId, undefined, marker)];
  },
};

export const cronPatch: CaseDefinition = {
  id: "cron-patch",
  operation: "PATCH /runs/crons/{cron_id}",
  title: "cron created without a webhook, webhook added by PATCH",
  cron: true,
  async drive(context) {
    const marker = newMarker();
    const created = await post(context, {
      method: "POST",
      path: "/runs/crons",
      body: cronBody(context, undefined, marker, { on_run_completed: "keep" }),
    });
    const cronId = requireCronId(created.json, "/runs/crons");
    context.trackCron(cronId);
    const webhook = await context.hook("the first fired run");
    await post(context, { method: "PATCH", path: `/runs/crons/${cronId}`, body: { webhook } });
    return [await firedRun(context, webhook, cronId, undefined, marker)];
  },
};
