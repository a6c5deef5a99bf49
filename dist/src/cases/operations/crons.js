import { cronPath, runPath, threadPath } from "../../api/paths.js";
import { carriesMark, notOwn } from "../../api/cleanup.js";
import { plainSuccess } from "./variant.js";
import { join, newMarker, post, threadsByMarker, withAssistant } from "./common.js";
import { threadDeletedAtEnd } from "./deleted-at-end.js";
import { records, stringField } from "../../json.js";
import { cut } from "../../text.js";
/** Fires at the next minute boundary: the soonest any cron implementation is obliged to run. */
export const CRON_SCHEDULE = "* * * * *";
function cronIdOf(json) {
    return stringField(json, "cron_id");
}
function requireCronId(answer, path) {
    const id = cronIdOf(answer.json);
    // The quote is the answer's text, already cleaned of secrets, cut where it says so.
    if (id === undefined)
        throw new Error(`POST ${path} succeeded but its answer has no cron_id: ${cut(answer.text, 300)}`);
    return id;
}
/** Runs on a thread as the API lists them: for a thread cron, the runs it fired. */
async function runsOn(context, threadId, limit) {
    const listed = await context.api.ok("GET", `${threadPath(threadId)}/runs?limit=${limit}`);
    return records(listed.json)
        .filter((r) => stringField(r, "run_id") !== undefined)
        .map((r) => {
        const createdAt = stringField(r, "created_at");
        return { thread_id: threadId, run_id: stringField(r, "run_id"), ...(createdAt === undefined ? {} : { created_at: createdAt }) };
    });
}
/** A listed run with its created_at as the run itself gives it: the list's account of a run must agree with the run's. */
async function dated(context, run) {
    if (run.run_id === undefined)
        return run;
    const read = await context.api.send("GET", runPath(run.thread_id, run.run_id)).catch(() => undefined);
    const createdAt = read?.status === 200 ? stringField(read.json, "created_at") : undefined;
    // The list's date alone vouches for nothing: a run that cannot be read has no known date.
    if (createdAt === undefined)
        return { thread_id: run.thread_id, run_id: run.run_id };
    if (run.created_at !== undefined && Date.parse(run.created_at) !== Date.parse(createdAt)) {
        return { ...run, created_at: createdAt, misdated: `the thread's run list gives run ${run.run_id} created_at ${run.created_at}, GET on it ${createdAt}` };
    }
    return { ...run, created_at: createdAt };
}
/** Why the API's account cannot say which runs the cron fired first, if it cannot. */
function orderUnknown(runs, firings) {
    if (runs.length < firings) {
        return `the API showed ${runs.length} run(s) the cron fired (on its thread, or on threads carrying its marker), fewer than the ${firings} the case waits for, so which fired first cannot be told`;
    }
    const misdated = runs.find((r) => r.misdated !== undefined);
    if (misdated !== undefined)
        return `${misdated.misdated}, so which fired first cannot be told`;
    const undated = runs.find((r) => r.run_id === undefined || r.created_at === undefined || Number.isNaN(Date.parse(r.created_at)));
    if (undated !== undefined) {
        const what = undated.run_id === undefined ? "no run_id" : undated.created_at === undefined ? `no created_at for run ${undated.run_id}` : `created_at ${JSON.stringify(undated.created_at)}, not a date-time, for run ${undated.run_id}`;
        return `the API gave ${what} among the runs the cron fired, so which fired first cannot be told`;
    }
    return undefined;
}
/** By the instant each created_at names, not its text: offsets and fractions of a second differ between servers. */
function oldestFirst(runs) {
    return [...runs].sort((a, b) => Date.parse(a.created_at ?? "") - Date.parse(b.created_at ?? ""));
}
const ORDINALS = ["first", "second", "third"];
/** The fired runs the API dates before the PATCH took effect. */
function firedBeforePatch(runs, patchedAt) {
    const at = patchedAt === undefined ? Number.NaN : Date.parse(patchedAt);
    if (Number.isNaN(at))
        return [];
    return runs.filter((r) => r.created_at !== undefined && Date.parse(r.created_at) < at);
}
/**
 * Waits for the cron's fired runs to deliver, then removes the cron at once so that it cannot
 * fire again. Which runs fired is learned from the API (the thread's runs, or the threads the
 * marker finds) and, failing that, from the deliveries.
 */
async function firedRuns(context, webhookUrl, cronId, cronThread, marker, firing = { firings: 1 }) {
    const what = `${firing.firings === 1 ? "the first run" : `${firing.firings} runs`} of cron ${cronId} (schedule "${CRON_SCHEDULE}") to fire and deliver`;
    const fromBodies = firing.firings === 1
        ? [await context.firstDelivery(webhookUrl, context.cronTimeoutMs, what)]
        : await context.distinctRuns(webhookUrl, firing.firings, context.cronTimeoutMs * firing.firings, what);
    await context.deleteCron(cronId);
    // A stateless cron gives each fired run a thread of its own, found by the marker in the cron's
    // metadata where the target copies it; every such thread is the suite's to remove.
    const firedThreads = cronThread === undefined ? await threadsByMarker(context, marker) : [];
    for (const id of firedThreads)
        context.trackThread(id);
    let apiRuns = [];
    if (cronThread !== undefined) {
        // More than the firings waited for: a cron may have fired again before it was deleted.
        apiRuns = await runsOn(context, cronThread, firing.firings + 10);
    }
    else {
        for (const threadId of firedThreads.slice(0, firing.firings + 10)) {
            const [run] = await runsOn(context, threadId, 1).catch(() => []);
            apiRuns.push(run ?? { thread_id: threadId });
        }
    }
    // Where the API keeps every fired run, it says which fired first: a run that never delivered
    // keeps its place rather than passing its turn to the next firing's webhook. Where fired runs
    // are deleted as they end, what is left says nothing about order, and the list's dates serve.
    apiRuns = oldestFirst(firing.readBackSkipped === undefined ? await Promise.all(apiRuns.map((run) => dated(context, run))) : apiRuns);
    const early = firing.readBackSkipped === undefined ? firedBeforePatch(apiRuns, firing.patchedAt) : [];
    apiRuns = apiRuns.filter((r) => !early.includes(r));
    const unordered = firing.readBackSkipped === undefined ? orderUnknown(apiRuns, firing.firings) : undefined;
    const ordered = firing.readBackSkipped === undefined && unordered === undefined;
    const runs = await Promise.all(Array.from({ length: firing.firings }, async (_, i) => {
        const body = fromBodies[i];
        // Otherwise the delivery's run if the API lists it, else the API's i-th, which a wrong body will not match.
        const inOrder = ordered ? apiRuns[i] : undefined;
        // Where fired runs are deleted as they end, the API's i-th is another firing still running, never this one.
        const listed = inOrder ?? apiRuns.find((r) => body?.run_id !== undefined && r.run_id === body.run_id) ?? (firing.readBackSkipped === undefined ? apiRuns[i] : undefined);
        const api = listed ?? (await confirmedByReadBack(context, body, marker)) ?? (cronThread === undefined ? undefined : { thread_id: cronThread });
        const created = withAssistant(context, { ...api });
        const readThread = api?.thread_id ?? body?.thread_id;
        const readRun = api?.run_id ?? body?.run_id;
        const run = {
            ...plainSuccess(context),
            label: `the ${ORDINALS[i] ?? `#${i + 1}`} fired run`,
            webhookUrl,
            created,
            readBack: firing.readBackSkipped !== undefined
                ? { skipped: firing.readBackSkipped }
                : readThread !== undefined && readRun !== undefined
                    ? { thread_id: readThread, run_id: readRun }
                    : { missing: "neither the API nor a delivery named the fired run, so it cannot be read back" },
            // A run whose own webhook has not come may still run: its end is awaited, so a slow run is not judged mid-run.
            terminal: inOrder?.run_id !== undefined && inOrder.run_id !== body?.run_id ? join(context, inOrder.thread_id, inOrder.run_id) : Promise.resolve(),
            input: context.input,
        };
        // Without the order, the delivery that came first may be a later firing's: nothing it says can be held to the first run.
        if (unordered !== undefined)
            run.readBack = { missing: unordered };
        // A run the API never showed cannot be told from one the webhook made up, unless the API
        // cannot show it by design: a fired run whose thread is deleted when it ends is known only by
        // the webhook that arrived at the URL handed to this cron alone.
        if (api?.run_id === undefined && body !== undefined && firing.readBackSkipped !== undefined) {
            Object.assign(created, { ...(body.run_id === undefined ? {} : { run_id: body.run_id }), ...(body.thread_id === undefined ? {} : { thread_id: body.thread_id }) });
            run.identityMarker = { key: "lgwc_marker", value: marker };
        }
        else if (api?.run_id === undefined && body !== undefined) {
            run.unidentified = "the API showed no run the cron fired (not among the thread's runs, nor any thread carrying the cron's metadata, nor by reading back the run the webhook names)";
        }
        // A stateless cron gives each fired run a thread of its own, which is not the user's state.
        if (cronThread === undefined)
            run.stateless = true;
        else if (i < firing.firings - 1)
            run.laterRuns = true;
        if (firing.cronCreatedAt !== undefined)
            run.createdNotBefore = { at: firing.cronCreatedAt, what: "the cron that fired it was created, as the API answered" };
        else if (firing.readBackSkipped !== undefined)
            run.apiCreatedAtMissing = "the cron's create answer has no created_at, and its fired run cannot be read back";
        // Every firing shares one URL, including one the cron made before it was deleted: each run owns the deliveries that name it.
        run.runFilter = inOrder?.run_id ?? body?.run_id ?? api?.run_id ?? "(no run fired)";
        return run;
    }));
    // Runs the cron fired beyond those waited for (it fired again before it was deleted) share the URL:
    // each is judged as a run of its own, so nothing sent to the URL for them goes unjudged.
    const judged = new Set(runs.map((r) => r.runFilter));
    const extras = apiRuns.filter((r) => r.run_id !== undefined && !judged.has(r.run_id)).slice(0, MAX_EXTRA_FIRINGS);
    if (extras.length > 0 && cronThread !== undefined)
        runs[runs.length - 1].laterRuns = true;
    const earlyIds = early.map((r) => r.run_id).filter((id) => id !== undefined);
    // A request naming no run this case judges (junk, a made-up run, a firing past the cap) is the first firing's to judge.
    runs[0].strangersAmong = [...judged, ...extras.map((e) => e.run_id), ...earlyIds].filter((id) => id !== undefined);
    return [
        ...runs,
        ...beforePatchRuns(context, early, [webhookUrl, ...(firing.replacedUrl === undefined ? [] : [firing.replacedUrl])], firing.cronSentAt),
        ...(firing.replacedUrl === undefined ? [] : [replacedWebhook(firing.replacedUrl, earlyIds)]),
        ...extras.map((extra, i) => ({
            ...plainSuccess(context),
            // It may still be running when the cron is deleted: announcing it is not required, but what it sends is judged.
            expect: { ...(plainSuccess(context).expect ?? { statuses: ["success"] }), delivery: "optional" },
            label: `extra fired run #${i + 1} (the cron fired again before it was deleted)`,
            webhookUrl,
            created: withAssistant(context, { ...extra }),
            readBack: firing.readBackSkipped !== undefined ? { skipped: firing.readBackSkipped } : extra,
            // It may still run: its end is awaited as for any run, so a correct server is not judged mid-run.
            terminal: firing.readBackSkipped !== undefined ? Promise.resolve() : join(context, extra.thread_id, extra.run_id),
            graceAfterEndMs: 5_000 + 10 * context.latencyMs,
            input: context.input,
            runFilter: extra.run_id,
            ...(cronThread === undefined ? { stateless: true } : {}),
        })),
    ];
}
/**
 * Runs the cron fired before its webhook was changed: each was made with the webhook the cron had
 * then, so at either URL it may be announced or not, and what it sends is judged.
 */
function beforePatchRuns(context, early, urls, cronSentAt) {
    const known = early.filter((run) => run.run_id !== undefined);
    return known.flatMap((run, i) => urls.map((url, u) => ({
        ...plainSuccess(context),
        expect: { ...(plainSuccess(context).expect ?? { statuses: ["success"] }), delivery: "optional", why: "the cron fired it before the PATCH changed its webhook" },
        label: `run #${i + 1} fired before the PATCH (${u === 0 ? "at the new webhook URL" : "at the replaced webhook URL"})`,
        webhookUrl: url,
        created: withAssistant(context, { thread_id: run.thread_id, run_id: run.run_id }),
        readBack: { thread_id: run.thread_id, run_id: run.run_id },
        terminal: join(context, run.thread_id, run.run_id),
        graceAfterEndMs: 5_000 + 10 * context.latencyMs,
        input: context.input,
        runFilter: run.run_id,
        stateless: true,
        // Made by the cron before the PATCH handed out this URL: its times are held to the cron's create, not to the PATCH.
        ...(cronSentAt === undefined ? {} : { sentAt: cronSentAt }),
    })));
}
/** The URL a PATCH replaced: silent for every run fired after the PATCH (runs fired before it may use it). */
function replacedWebhook(url, earlyIds) {
    const replaced = {
        label: "the replaced webhook URL",
        webhookUrl: url,
        created: {},
        readBack: { skipped: "no run belongs to a replaced URL" },
        expect: { delivery: "none", why: "PATCH replaced this webhook before the cron fired" },
        terminal: Promise.resolve(),
    };
    // Deliveries naming a run fired before the PATCH are that run's; every other is this URL's to judge.
    if (earlyIds.length > 0)
        Object.assign(replaced, { runFilter: "(a run fired after the PATCH)", strangersAmong: [...earlyIds] });
    return replaced;
}
function withCronCreatedAt(firing, answer) {
    const createdAt = stringField(answer, "created_at");
    return createdAt === undefined ? firing : { ...firing, cronCreatedAt: createdAt };
}
/** Extra firings judged beyond those a case waits for; more would only repeat what these show. */
const MAX_EXTRA_FIRINGS = 10;
/** The run a webhook names, if the API shows it with the cron's marker in its metadata: the API, not the webhook, vouches for it. */
async function confirmedByReadBack(context, body, marker) {
    if (body?.thread_id === undefined || body.run_id === undefined)
        return undefined;
    const read = await context.api.send("GET", runPath(body.thread_id, body.run_id)).catch(() => undefined);
    if (read?.status !== 200 || !carriesMark(read.json, { lgwc_marker: marker }))
        return undefined;
    return { thread_id: body.thread_id, run_id: body.run_id };
}
function cronBody(context, webhook, marker, extra = {}) {
    return {
        assistant_id: context.assistantId,
        schedule: CRON_SCHEDULE,
        input: context.input,
        metadata: { ...context.tag, lgwc_marker: marker },
        ...(webhook === undefined ? {} : { webhook }),
        ...extra,
    };
}
function threadCronCase(id, title, firing) {
    return {
        id,
        operation: "POST /threads/{thread_id}/runs/crons",
        title,
        cron: true,
        async drive(context) {
            const threadId = await context.createThread();
            const webhook = await context.hook("the fired runs");
            const path = `/threads/${threadId}/runs/crons`;
            const marker = newMarker();
            const response = await post(context, { method: "POST", path, body: cronBody(context, webhook, marker) });
            const cronId = requireCronId(response, path);
            context.trackCron(cronId);
            return firedRuns(context, webhook, cronId, threadId, marker, withCronCreatedAt(firing, response.json));
        },
    };
}
export const threadCron = threadCronCase("thread-cron", "cron on a thread, first fired run", { firings: 1 });
export const threadCronTwice = threadCronCase("thread-cron-second-firing", "cron on a thread, first and second fired runs (about two minutes on a real schedule)", {
    firings: 2,
});
function statelessCronCase(id, title, onRunCompleted) {
    return {
        id,
        operation: "POST /runs/crons",
        title,
        cron: true,
        async drive(context) {
            const webhook = await context.hook("the first fired run");
            const marker = newMarker();
            const response = await post(context, {
                method: "POST",
                path: "/runs/crons",
                body: cronBody(context, webhook, marker, onRunCompleted ? { on_run_completed: onRunCompleted } : {}),
            });
            const cronId = requireCronId(response, "/runs/crons");
            context.trackCron(cronId);
            const firing = onRunCompleted
                ? { firings: 1 }
                : { firings: 1, readBackSkipped: 'on_run_completed is "delete" (the default), so the target deletes the fired run\'s thread when it ends' };
            const runs = await firedRuns(context, webhook, cronId, undefined, marker, withCronCreatedAt(firing, response.json));
            if (onRunCompleted === "keep")
                return runs;
            // The runs waited for: each fired run's thread, named by its webhook, must be gone once it ended.
            return runs.map((run, i) => (i < firing.firings ? { ...run, premise: threadDeletedAtEnd(context, "on_run_completed", run.created.thread_id, run.terminal) } : run));
        },
    };
}
export const statelessCron = statelessCronCase("stateless-cron", "stateless cron, first fired run, kept (on_run_completed keep)", "keep");
export const statelessCronDefault = statelessCronCase("stateless-cron-default", "stateless cron, first fired run, deleted on completion (the default)", undefined);
/** A stateless cron, kept, created with `webhook` (or none). */
async function createCron(context, webhook, marker) {
    const created = await post(context, {
        method: "POST",
        path: "/runs/crons",
        body: cronBody(context, webhook, marker, { on_run_completed: "keep" }),
    });
    const cronId = requireCronId(created, "/runs/crons");
    context.trackCron(cronId);
    return cronId;
}
/**
 * Changes a cron's webhook, once the cron the target named has been read back with the suite's
 * mark. Returns when the change took effect by the target's clock (the cron's updated_at, from the
 * PATCH's answer or a read of the cron), if the target says.
 */
async function patchOwnCron(context, cronId, webhook) {
    const refusal = await notOwn(context.api, "cron", cronId, context.tag);
    if (refusal !== undefined)
        throw new Error(`the suite will not change cron ${cronId}: ${refusal} (the target may have named a cron that is not the suite's)`);
    const answer = await post(context, { method: "PATCH", path: cronPath(cronId), body: { webhook } });
    const answered = stringField(answer.json, "updated_at");
    if (answered !== undefined)
        return answered;
    const read = await context.api.send("GET", cronPath(cronId)).catch(() => undefined);
    return read?.status === 200 ? stringField(read.json, "updated_at") : undefined;
}
export const cronPatch = {
    id: "cron-patch",
    operation: "PATCH /runs/crons/{cron_id}",
    title: "cron created without a webhook, webhook added by PATCH",
    cron: true,
    async drive(context) {
        const marker = newMarker();
        const cronSentAt = Date.now();
        const cronId = await createCron(context, undefined, marker);
        const webhook = await context.hook("the first fired run");
        const patchedAt = await patchOwnCron(context, cronId, webhook);
        return firedRuns(context, webhook, cronId, undefined, marker, { firings: 1, cronSentAt, ...(patchedAt === undefined ? {} : { patchedAt }) });
    },
};
export const cronPatchChange = {
    id: "cron-patch-change",
    operation: "PATCH /runs/crons/{cron_id}",
    title: "cron's webhook replaced by PATCH before it fires; the old URL must stay silent",
    cron: true,
    async drive(context) {
        const marker = newMarker();
        const oldHook = await context.hook("the replaced webhook URL");
        const cronSentAt = Date.now();
        const cronId = await createCron(context, oldHook, marker);
        const webhook = await context.hook("the first fired run");
        const patchedAt = await patchOwnCron(context, cronId, webhook);
        return firedRuns(context, webhook, cronId, undefined, marker, { firings: 1, cronSentAt, replacedUrl: oldHook, ...(patchedAt === undefined ? {} : { patchedAt }) });
    },
};
