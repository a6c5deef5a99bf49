import { idsFromContentLocation } from "../../api/run-ids.js";
import { apiEnd, identify, joinedRun, post, runBody, streamRun, waitCall } from "./common.js";
import { defineVariant, SUCCESS } from "./variant.js";
/**
 * A background run on a new thread, ended by joining it. A quiet one stays out of the
 * reproduction command (a probe that makes many alike shows one).
 */
export async function backgroundThreadRun(context, label, webhook, extra = {}, quiet = false) {
    const threadId = await context.createThread({ quiet });
    const scoped = quiet ? { ...context, sent: () => undefined } : context;
    const response = await post(scoped, { method: "POST", path: `/threads/${threadId}/runs`, body: runBody(scoped, webhook, extra) });
    return joinedRun(scoped, label, webhook, response.json, idsFromContentLocation(response.headers["content-location"]), threadId);
}
/** A run on a known thread, read back if the create call named it. */
function runOnThread(context, threadId, webhook, ids, terminal, unnamed) {
    const { created, misnamed } = identify(context, threadId, ids);
    const input = context.input;
    if (created.run_id === undefined)
        return { label: "the run", webhookUrl: webhook, created, unidentified: unnamed, readBack: { missing: unnamed }, terminal, input, ...(misnamed === undefined ? {} : { misnamed }) };
    return { label: "the run", webhookUrl: webhook, created, readBack: { thread_id: threadId, run_id: created.run_id }, terminal, input, ...(misnamed === undefined ? {} : { misnamed }) };
}
export const threadRunCase = (variant = SUCCESS) => defineVariant({ id: "thread-run", operation: "POST /threads/{thread_id}/runs", title: "background run on a thread" }, variant, async (context) => [
    await backgroundThreadRun(context, "the run", await context.hook("the run"), variant.body),
]);
export const threadRunStreamCase = (variant = SUCCESS) => defineVariant({ id: "thread-run-stream", operation: "POST /threads/{thread_id}/runs/stream", title: "streamed run on a thread" }, variant, async (context) => {
    const threadId = await context.createThread();
    const webhook = await context.hook("the run");
    const { ids, ended } = await streamRun(context, {
        method: "POST",
        path: `/threads/${threadId}/runs/stream`,
        body: runBody(context, webhook, variant.body),
    });
    const terminal = apiEnd(context, ended, threadId, ids.run_id);
    return [runOnThread(context, threadId, webhook, ids, terminal, "neither Content-Location nor the stream's metadata event named the run")];
});
export const threadRunWaitCase = (variant = SUCCESS) => defineVariant({ id: "thread-run-wait", operation: "POST /threads/{thread_id}/runs/wait", title: "run on a thread, waited for" }, variant, async (context) => {
    const threadId = await context.createThread();
    const webhook = await context.hook("the run");
    const response = await waitCall(context, { method: "POST", path: `/threads/${threadId}/runs/wait`, body: runBody(context, webhook, variant.body) });
    const ids = idsFromContentLocation(response.headers["content-location"]);
    return [runOnThread(context, threadId, webhook, ids, Promise.resolve(), "the wait response had no Content-Location naming the run")];
});
