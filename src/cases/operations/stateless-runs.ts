import type { CaseDefinition, DriveContext, DrivenRun } from "../drive-types.js";
import type { CreatedRun } from "../../evidence.js";
import { createdAtOfRun, idsFromContentLocation, idsFromRun } from "../../api/run-ids.js";
import { apiEnd, identify, join, joinedRun, newMarker, post, runBody, streamRun, threadByMarker, waitCall, type StreamEnd } from "./common.js";
import { defineVariant, SUCCESS, type Variant } from "./variant.js";
import { pairByMarker } from "./batch-pairing.js";
import { threadDeletedAtEnd } from "./deleted-at-end.js";

/** Stateless runs are kept so they can be read back; the suite deletes their threads afterwards. */
const KEEP = { on_completion: "keep" } as const;

/**
 * The run a stateless stream or wait made, by the ids the answer gave (Content-Location, the
 * stream's metadata) and, where it named no thread, the thread that carries the run's marker.
 */
async function locate(
  context: DriveContext,
  label: string,
  webhookUrl: string,
  answered: CreatedRun,
  marker: string,
  ended: Promise<StreamEnd>,
  unnamed: string,
): Promise<DrivenRun> {
  const marked = await threadByMarker(context, marker);
  // Both are removed at the end, each only once read back with the suite's mark.
  for (const id of new Set([answered.thread_id, marked])) if (id !== undefined) context.trackThread(id);
  const runId = answered.run_id;
  const threadId = answered.thread_id ?? marked;
  const { created, misnamed } = identify(context, undefined, answered, threadId === undefined ? {} : { thread_id: threadId });
  const readBack: DrivenRun["readBack"] =
    runId === undefined || threadId === undefined
      ? { missing: `the target did not reveal the stateless run's ${runId === undefined ? "id" : "thread (not in its answer, and no thread carries the run's metadata)"}, so it cannot be read back` }
      : { thread_id: threadId, run_id: runId };
  const run: DrivenRun = { label, webhookUrl, created, readBack, terminal: apiEnd(context, ended, threadId, runId), input: context.input, stateless: true };
  if (runId === undefined) run.unidentified = unnamed;
  if (misnamed !== undefined) run.misnamed = misnamed;
  return run;
}

export const statelessRunCase = (variant: Variant = SUCCESS): CaseDefinition =>
  defineVariant({ id: "stateless-run", operation: "POST /runs", title: "stateless background run, kept" }, variant, async (context) => {
    const webhook = await context.hook("the run");
    const response = await post(context, { method: "POST", path: "/runs", body: runBody(context, webhook, { ...KEEP, ...variant.body }) });
    return [{ ...joinedRun(context, "the run", webhook, response.json, idsFromContentLocation(response.headers["content-location"])), stateless: true }];
  });

export const statelessRunDefault: CaseDefinition = defineVariant(
  { id: "stateless-run-default", operation: "POST /runs", title: "stateless background run, deleted on completion (the default)" },
  SUCCESS,
  async (context) => {
    const webhook = await context.hook("the run");
    const response = await post(context, { method: "POST", path: "/runs", body: runBody(context, webhook) });
    const { created, misnamed } = identify(context, undefined, idsFromRun(response.json), idsFromContentLocation(response.headers["content-location"]));
    const { thread_id, run_id } = created;
    // The target deletes the run (and its thread) as it ends, so a join may answer "not found":
    // either answer means the run is over.
    const terminal = thread_id && run_id ? join(context, thread_id, run_id) : Promise.resolve();
    const run: DrivenRun = {
      label: "the run",
      webhookUrl: webhook,
      created,
      readBack: { skipped: 'on_completion is "delete" (the default), so the target deletes the run when it ends' },
      terminal,
      input: context.input,
      stateless: true,
      premise: threadDeletedAtEnd(context, "on_completion", thread_id, terminal),
    };
    if (run_id === undefined) run.unidentified = "the create call's answer named no run_id (neither in its body nor in Content-Location)";
    if (misnamed !== undefined) run.misnamed = misnamed;
    // Nothing can be read back afterwards: the answer's created_at is the one time the API gives.
    const answeredCreatedAt = createdAtOfRun(response.json);
    if (answeredCreatedAt !== undefined) run.answeredCreatedAt = answeredCreatedAt;
    else run.apiCreatedAtMissing = "the create call's answer (a Run) has no created_at, and the run cannot be read back";
    return [run];
  },
);

export const statelessRunStreamCase = (variant: Variant = SUCCESS): CaseDefinition =>
  defineVariant({ id: "stateless-run-stream", operation: "POST /runs/stream", title: "stateless streamed run, kept" }, variant, async (context) => {
    const webhook = await context.hook("the run");
    const marker = newMarker();
    const body = runBody(context, webhook, { ...KEEP, ...variant.body, metadata: { ...context.tag, lgwc_marker: marker } });
    const { ids, ended } = await streamRun(context, { method: "POST", path: "/runs/stream", body });
    return [await locate(context, "the run", webhook, ids, marker, ended, "neither Content-Location nor the stream's metadata event named the run")];
  });

export const statelessRunWaitCase = (variant: Variant = SUCCESS): CaseDefinition =>
  defineVariant({ id: "stateless-run-wait", operation: "POST /runs/wait", title: "stateless run, waited for, kept" }, variant, async (context) => {
    const webhook = await context.hook("the run");
    const marker = newMarker();
    const body = runBody(context, webhook, { ...KEEP, ...variant.body, metadata: { ...context.tag, lgwc_marker: marker } });
    const response = await waitCall(context, { method: "POST", path: "/runs/wait", body });
    const ids = idsFromContentLocation(response.headers["content-location"]);
    return [await locate(context, "the run", webhook, ids, marker, Promise.resolve<StreamEnd>("closed"), "the wait response had no Content-Location naming the run")];
  });

const BATCH_SIZE = 3;

/** A batch whose items each get their own URL. */
export const statelessBatchCase = (variant: Variant = SUCCESS): CaseDefinition =>
  defineVariant(
    { id: "stateless-batch", operation: "POST /runs/batch", title: `batch of ${BATCH_SIZE} stateless runs, each with its own webhook URL` },
    variant,
    async (context) => {
      const labels = Array.from({ length: BATCH_SIZE }, (_, i) => `item ${i + 1} of ${BATCH_SIZE}`);
      const hooks = await Promise.all(labels.map((label) => context.hook(label)));
      // Items alike but for their webhook could be crossed unseen: each carries a marker of its own.
      const markers = labels.map(() => newMarker());
      const body = hooks.map((webhook, i) => runBody(context, webhook, { ...KEEP, ...variant.body, metadata: { ...context.tag, lgwc_marker: markers[i] } }));
      const response = await post(context, { method: "POST", path: "/runs/batch", body });
      const answered = Array.isArray(response.json) ? (response.json as unknown[]) : [];
      const runs = pairByMarker(markers, answered);
      return labels.map((label, i) => {
        const run: DrivenRun = { ...joinedRun(context, label, hooks[i]!, runs[i]), stateless: true };
        if (runs[i] === undefined && answered.length > 0) run.unidentified = `the batch's answer lists ${answered.length} run(s), none carrying ${label}'s marker in its metadata nor, at its place, a run without one`;
        return run;
      });
    },
  );
