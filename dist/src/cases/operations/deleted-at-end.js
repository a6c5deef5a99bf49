import { threadPath } from "../../api/paths.js";
import { pollUntil } from "../../api/poll.js";
import { carriesMark } from "../../api/cleanup.js";
function readThread(context, threadId) {
    return Promise.resolve()
        .then(() => context.api.send("GET", threadPath(threadId)))
        .then((read) => ({ status: read.status, json: read.json }))
        .catch(() => undefined);
}
/**
 * A run asked to delete its thread when it ends (on_completion, or a cron's on_run_completed,
 * "delete", the default): once the suite has seen the run end, GET on the thread answers 404
 * within --timeout-ms. Recommended: the webhook is judged the same either way, but a target that
 * keeps these threads is not doing what the published API says, and fills up with them. A kept
 * thread carrying the suite's mark is the suite's to remove.
 */
export async function threadDeletedAtEnd(context, setting, threadId, ended) {
    const asked = `the run's thread deleted when the run ended (${setting} "delete", the default)`;
    const why = `the published API says ${setting} "delete" removes the thread made for the run once it ends; this one is still there, so the target keeps a thread for every such run (its webhook is judged the same either way)`;
    const base = { asked, why, severity: "recommended" };
    if (threadId === undefined)
        return { ...base, held: false, observed: "", unknown: "the target did not name the run's thread" };
    const gone = (read) => read?.status === 404 || read?.status === 410;
    const deleted = (read) => ({ ...base, held: true, observed: `GET ${threadPath(threadId)} answered ${read?.status}` });
    // A join that did not see the end may have been answered "not found" by a target that deleted the run as it ended:
    // a thread gone says so; one still there may rightly be (the run may still run), and nothing is waited for.
    if ((await ended) === false) {
        const read = await readThread(context, threadId);
        if (gone(read))
            return deleted(read);
        return { ...base, held: false, observed: "", unknown: "the suite did not see the run end within --timeout-ms, so its thread may rightly still be there" };
    }
    const endedAt = Date.now();
    const { answer } = await pollUntil(endedAt + context.timeoutMs, 100, 1_000, () => readThread(context, threadId), gone);
    if (gone(answer))
        return deleted(answer);
    if (answer?.status !== 200) {
        return { ...base, held: false, observed: "", unknown: `GET ${threadPath(threadId)} answered ${answer === undefined ? "nothing" : `HTTP ${answer.status}`} until --timeout-ms had passed since the run ended` };
    }
    if (carriesMark(answer.json, context.tag))
        context.trackThread(threadId);
    return { ...base, held: false, observed: `GET ${threadPath(threadId)} still answered 200 ${Date.now() - endedAt} ms after the run ended` };
}
