import type { CaseDefinition } from "../drive-types.js";
import { idsFromContentLocation, mergeIds } from "../run-ids.js";
import { joinedRun, post, runBody, streamRun, withAssistant } from "./common.js";
import { defineVariant, SUCCESS, type Variant } from "./variant.js";

export const threadRunCase = (variant: Variant = SUCCESS): CaseDefinition =>
  defineVariant({ id: "thread-run", operation: "POST /threads/{thread_id}/runs", title: "background run on a thread" }, variant, async (context) => {
    const threadId = await context.createThread();
    const webhook = await context.hook("the run");
    const path = `/threads/${threadId}/runs`;
    const response = await post(context, { method: "POST", path, body: runBody(context, webhook, variant.body) });
    const ids = mergeIds({ thread_id: threadId }, idsFromContentLocation(response.headers["content-location"]));
    return [joinedRun(context, "the run", webhook, response.json, ids)];
  });

export const threadRunStreamCase = (variant: Variant = SUCCESS): CaseDefinition =>
  defineVariant(
    { id: "thread-run-stream", operation: "POST /threads/{thread_id}/runs/stream", title: "streamed run on a thread" },
    variant,
    async (context) => {
      const threadId = await context.createThread();
      const webhook = await context.hook("the run");
      const { ids, ended } = await streamRun(context, {
        method: "POST",
        path: `/threads/${threadId}/runs/stream`,
        body: runBody(context, webhook, variant.body),
      });
      const created = withAssistant(context, mergeIds(ids, { thread_id: threadId }));
      const readBack =
        created.run_id === undefined
          ? { skipped: "neither Content-Location nor the stream's metadata event named the run" }
          : { thread_id: threadId, run_id: created.run_id };
      return [{ label: "the run", webhookUrl: webhook, created, readBack, terminal: ended }];
    },
  );

export const threadRunWaitCase = (variant: Variant = SUCCESS): CaseDefinition =>
  defineVariant(
    { id: "thread-run-wait", operation: "POST /threads/{thread_id}/runs/wait", title: "run on a thread, waited for" },
    variant,
    async (context) => {
      const threadId = await context.createThread();
      const webhook = await context.hook("the run");
      const response = await post(
        context,
        { method: "POST", path: `/threads/${threadId}/runs/wait`, body: runBody(context, webhook, variant.body) },
        context.timeoutMs,
      );
      const created = withAssistant(context, mergeIds(idsFromContentLocation(response.headers["content-location"]), { thread_id: threadId }));
      const readBack =
        created.run_id === undefined
          ? { skipped: "the wait response had no Content-Location naming the run" }
          : { thread_id: threadId, run_id: created.run_id };
      return [{ label: "the run", webhookUrl: webhook, created, readBack, terminal: Promise.resolve() }];
    },
  );
