import getPort from "get-port";
import { CaseSkipped } from "../drive-types.js";
import { idsFromContentLocation, idsFromRun, mergeIds } from "../../api/run-ids.js";
import { TargetHttpError } from "../../api/client.js";
import { cancelOwnRun, runBody, withAssistant } from "./common.js";
import { backgroundThreadRun } from "./thread-runs.js";
/** The published schema's limit on a webhook value. */
export const WEBHOOK_MAX_LENGTH = 65_536;
/**
 * How many failing deliveries a target must survive: more than the ten run workers the
 * open-source server starts by default, so a server that loses a worker per failure shows it.
 */
export const FAILING_DELIVERIES = 12;
/** How long after a receiver's failed answer the suite watches for a retry. */
export const RETRY_WINDOW_MS = 10_000;
/** Pending this long, a run created by an invalid-value probe never starts before the suite cancels it. */
const NEVER_STARTS = { after_seconds: 600 };
const OPERATION = "POST /threads/{thread_id}/runs";
function hardening(id, title, drive, extra = {}) {
    return { id: `hardening-${id}`, operation: OPERATION, title, cron: false, profile: "hardening", drive, ...extra };
}
const INVALID_VALUES = [
    { id: "not-a-url", invalid: 'a value that is not a URL ("not a url")', make: () => Promise.resolve("not a url") },
    {
        id: "scheme",
        invalid: "a URL with an unsupported scheme (ftp:)",
        make: async (context) => (await context.hook("the run")).replace(/^https?:/, "ftp:"),
    },
    { id: "empty", invalid: "an empty string", make: () => Promise.resolve("") },
    {
        id: "relative",
        invalid: "a relative reference (/lgwc-relative-webhook-probe)",
        make: () => Promise.resolve("/lgwc-relative-webhook-probe"),
        mayAccept: "the published schema's format is uri-reference, and a deployment may call its own routes",
    },
    {
        id: "too-long",
        invalid: `a URL longer than ${WEBHOOK_MAX_LENGTH.toLocaleString("en-US")} characters`,
        make: async (context) => {
            const url = await context.hook("the run");
            return `${url}&pad=${"x".repeat(WEBHOOK_MAX_LENGTH + 64 - url.length)}`;
        },
    },
];
function shortUrl(value) {
    return value.length > 120 ? `${value.slice(0, 100)}… (${value.length} characters)` : value;
}
/** Creates a run with an invalid webhook and keeps the answer; a run that was created anyway is cancelled before it starts. */
function invalidValueCase(value) {
    return hardening(`webhook-${value.id}`, `a run whose webhook is ${value.invalid} is refused when created`, async (context) => {
        const threadId = await context.createThread();
        const webhook = await value.make(context);
        const path = `/threads/${threadId}/runs`;
        const body = runBody(context, webhook, NEVER_STARTS);
        context.sent({ method: "POST", path, body });
        const answer = await context.api.send("POST", path, body);
        const created = withAssistant(context, mergeIds(idsFromRun(answer.json), { thread_id: threadId }, idsFromContentLocation(answer.headers["content-location"])));
        if (answer.status >= 200 && answer.status < 300 && created.run_id !== undefined) {
            // Accepted: stop it before it runs, so the probe itself sends nothing anywhere.
            await cancelOwnRun(context, threadId, created.run_id, "interrupt").catch(() => undefined);
        }
        return [
            {
                label: `the run created with ${value.invalid}`,
                webhookUrl: shortUrl(webhook),
                created,
                readBack: { skipped: "the probe judges only the answer to the create call" },
                expect: { delivery: "none", why: "the webhook value was invalid, so nothing should be sent anywhere" },
                creation: {
                    invalid: value.invalid,
                    ...(value.mayAccept === undefined ? {} : { mayAccept: value.mayAccept }),
                    status: answer.status,
                    body: answer.text.length > 2_000 ? `${answer.text.slice(0, 2_000)}…` : answer.text,
                },
                terminal: Promise.resolve(),
            },
        ];
    });
}
/** The sink's answers for a receiver that fails on purpose; a hung answer lets go when the case ends. */
function answering(receiver, context) {
    return {
        answer(attempt) {
            const failing = receiver === "always-fails" || receiver === "hangs" || attempt === 1;
            if (!failing)
                return { status: 204 };
            return receiver === "fails-once" || receiver === "always-fails" ? { status: 500 } : { status: 204, after: context.caseEnded };
        },
    };
}
const suffix = (url) => url.slice(url.indexOf("/hook/"));
const FAILURE_MODES = [
    {
        id: "refused",
        how: "the receiver refuses connections",
        // A port get-port just found free: nothing listens there.
        url: async (context, label) => ({ url: `http://127.0.0.1:${await getPort()}${suffix(await context.hook(label))}` }),
    },
    {
        id: "http-500",
        how: "the receiver answers HTTP 500",
        url: async (context, label) => ({ url: await context.hook(label, answering("always-fails", context)), receiver: "always-fails" }),
    },
    {
        id: "hangs",
        how: "the receiver never answers",
        url: async (context, label) => ({ url: await context.hook(label, answering("hangs", context)), receiver: "hangs" }),
    },
    {
        id: "unresolvable",
        how: "the receiver's host name cannot be resolved",
        // .invalid never resolves (RFC 6761), so no lookup can reach anyone.
        url: async (context, label) => ({ url: `http://lgwc-unresolvable.invalid${suffix(await context.hook(label))}` }),
    },
];
/**
 * A normal run must be announced before and after many deliveries that fail one way: a target
 * whose run workers wait on, or die with, a failing delivery stops running anything.
 */
function survivesCase(mode) {
    return hardening(`survives-${mode.id}`, `the target keeps running and announcing runs after ${FAILING_DELIVERIES} deliveries fail because ${mode.how}`, async (context) => {
        const before = await backgroundThreadRun(context, "a normal run before the failing deliveries", await context.hook("the normal run before"));
        const announced = await context.firstDelivery(before.webhookUrl, context.timeoutMs, "the webhook of a normal run before the probe");
        if (announced === undefined) {
            throw new CaseSkipped(`before the probe, a normal run's webhook did not arrive within ${context.timeoutMs} ms, so the target was not delivering to begin with (an earlier probe may have disrupted it); run this probe against a fresh target`);
        }
        const failing = await Promise.all(Array.from({ length: FAILING_DELIVERIES }, async (_, i) => {
            const label = `failing delivery ${i + 1} of ${FAILING_DELIVERIES} (${mode.how})`;
            const { url, receiver } = await mode.url(context, label);
            // One failing run in the reproduction command stands for all of them.
            const run = await backgroundThreadRun(context, label, url, {}, i > 0).catch((error) => {
                // A deployment whose URL policy refuses such webhooks cannot be made to fail this way: nothing to judge.
                if (error instanceof TargetHttpError && error.status >= 400 && error.status < 500) {
                    throw new CaseSkipped(`the target refused a webhook where ${mode.how} (${error.message}), so it cannot be made to deliver there`);
                }
                throw error;
            });
            return receiver === undefined ? run : { ...run, receiver };
        }));
        // The failing runs' ends, bounded by each join's deadline; a target that stalls shows it in the run after.
        context.say(`${FAILING_DELIVERIES} runs whose deliveries fail because ${mode.how} created; waiting up to ${Math.round(context.timeoutMs / 1000)} s for them to end`);
        await Promise.all(failing.map((run) => run.terminal));
        const after = await backgroundThreadRun(context, `a normal run after ${FAILING_DELIVERIES} failing deliveries`, await context.hook("the normal run after"));
        // One failing run the sink saw stands for all of them (a stalled target may never have started some).
        const seen = failing.find((run) => run.receiver !== undefined && context.hasDelivery(run.webhookUrl));
        const observed = seen === undefined ? [] : [{ ...seen, expect: { delivery: "required" }, observeMs: RETRY_WINDOW_MS }];
        // The probe is about the target still running runs: one left pending is the finding, not a lack of evidence.
        const mustEnd = { ...after, expect: { delivery: "required", mustEnd: `the target stopped running runs after ${FAILING_DELIVERIES} deliveries failed because ${mode.how}` } };
        return [before, ...observed, mustEnd];
    }, { alone: true });
}
/** One run whose receiver fails its first delivery, watched long enough to see whether and how the target retries. */
function retryCase(id, receiver, how) {
    return hardening(`retry-${id}`, `the delivery is retried after ${how}, and not repeated after success`, async (context) => {
        const webhook = await context.hook("the run", answering(receiver, context));
        const run = await backgroundThreadRun(context, "the run", webhook);
        return [{ ...run, receiver, observeMs: RETRY_WINDOW_MS }];
    });
}
export const HARDENING = [
    ...INVALID_VALUES.map(invalidValueCase),
    retryCase("after-500", "fails-once", "the receiver answered HTTP 500"),
    retryCase("after-hang", "hangs-once", "the receiver did not answer"),
    ...FAILURE_MODES.map(survivesCase),
];
