import { randomUUID } from "node:crypto";
import { cronPath, threadPath, usableId } from "./paths.js";
import { cut } from "../text.js";
import { asRecord, records, stringField } from "../json.js";
/** The metadata every thread and cron the suite creates carries, whatever the run. */
export const SUITE_MARK = { lg_webhook_conformance: "suite" };
export const RUN_KEY = "lg_webhook_conformance_run";
export function runTag(tag) {
    return { ...SUITE_MARK, [RUN_KEY]: tag };
}
/** The item's own route; "." and ".." never reach here (see usableId). */
const itemPath = (kind, id) => (kind === "cron" ? cronPath(id) : threadPath(id));
const UNUSABLE = (kind, id) => `${kind} ${JSON.stringify(id)} was left alone: an id that is empty, "." or ".." would name another resource in a request path, and one that is not valid Unicode cannot be sent at all`;
const ROUTES = {
    thread: { one: "/threads/", search: "/threads/search", id: "thread_id" },
    cron: { one: "/runs/crons/", search: "/runs/crons/search", id: "cron_id" },
};
const PAGE = 100;
/** A search that lists more than this many items (a target that ignores the filter and has many) is not followed further. */
const MAX_PAGES = 10;
const TIMEOUT_MS = 10_000;
/** How long one sweep may take in all, so a slow target or an endless listing cannot hold the suite's exit. */
const SWEEP_MS = 60_000;
/**
 * The client a sweep uses: every call's timeout ends by the sweep's deadline, and none leaves
 * after it, so one slow call cannot hold the sweep long past its bound.
 */
function within(api, until, budgetMs) {
    return {
        send: (method, path, body, options = {}) => {
            const left = until - Date.now();
            if (left <= 0)
                return Promise.reject(new Error(`not sent: the sweep's ${budgetMs / 1000} s were up`));
            return api.send(method, path, body, { ...options, timeoutMs: Math.min(options.timeoutMs ?? TIMEOUT_MS, left) });
        },
    };
}
/** Whether the item's own metadata holds every key and value of the mark. */
export function carriesMark(item, mark) {
    const metadata = asRecord(asRecord(item)?.metadata);
    return metadata !== undefined && Object.entries(mark).every(([key, value]) => metadata[key] === value);
}
function failure(error) {
    return error instanceof Error ? error.message : String(error);
}
/** Every item a search returns for the metadata filter, page by page (collected before anything is deleted, so deleting cannot shift the pages). */
async function search(api, kind, metadata, problems, until = Date.now() + SWEEP_MS) {
    const found = [];
    const path = ROUTES[kind].search;
    const seen = new Set();
    for (let page = 0;; page += 1) {
        if (page === 0 && Date.now() > until) {
            problems.push(`POST ${path} was not asked: the time allowed was up (run cleanup again)`);
            break;
        }
        if (page === MAX_PAGES || Date.now() > until) {
            problems.push(`POST ${path} listed more than ${found.length} item(s)${page < MAX_PAGES ? " before the time allowed was up" : ""}; the rest were not looked at (run cleanup again)`);
            break;
        }
        const answer = await api.send("POST", path, { metadata, limit: PAGE, offset: page * PAGE }, { timeoutMs: TIMEOUT_MS }).catch(failure);
        if (typeof answer === "string" || answer.status < 200 || answer.status >= 300 || !Array.isArray(answer.json)) {
            const why = typeof answer === "string" ? answer : `HTTP ${answer.status} ${cut(answer.text, 120)}`;
            problems.push(`POST ${path} could not list them (${why})`);
            break;
        }
        // A search that ignores offset answers every page alike: each item is counted once, and a page with nothing new ends the listing.
        const fresh = records(answer.json).filter((item) => {
            const id = stringField(item, ROUTES[kind].id);
            if (id === undefined)
                return true;
            if (seen.has(id))
                return false;
            seen.add(id);
            return true;
        });
        found.push(...fresh);
        if (answer.json.length < PAGE)
            break;
        if (fresh.length === 0) {
            problems.push(`POST ${path} gave the same items again for offset ${page * PAGE} (it ignores offset), so the items after the first ${found.length} were not looked at (run cleanup again)`);
            break;
        }
    }
    return found;
}
/** The key of a filter no item can match, asked to learn whether a search keeps to its filter. */
const PROBE_KEY = "lg_webhook_conformance_probe";
/**
 * Whether the search keeps to its metadata filter: asked for a value no item carries, it lists
 * nothing. One that ignores the filter, or copies it into every item it lists, lists something,
 * and what it lists says nothing about whose an item is.
 */
async function searchKeepsFilter(api, kind, mark) {
    const problems = [];
    const listed = await search(api, kind, { ...mark, [PROBE_KEY]: randomUUID() }, problems, Date.now() + TIMEOUT_MS);
    return problems.length === 0 && listed.length === 0;
}
/** The item as the target describes it now: by its own route, or (for a cron, where that route is missing) by a search that names it. */
async function readBack(api, kind, id, mark) {
    const route = ROUTES[kind];
    if (!usableId(id))
        return { problem: UNUSABLE(kind, id) };
    const answer = await api.send("GET", itemPath(kind, id), undefined, { timeoutMs: TIMEOUT_MS }).catch(failure);
    const got = `GET ${route.one}${id} ${typeof answer === "string" ? `failed: ${answer}` : `answered HTTP ${answer.status}`}`;
    if (typeof answer !== "string" && answer.status === 200 && stringField(answer.json, route.id) === id)
        return { found: asRecord(answer.json) };
    if (typeof answer !== "string" && answer.status === 404 && kind === "thread")
        return { absent: true };
    if (kind === "cron") {
        // Not every server can show one cron; its search can, and the item it returns is read all the same,
        // once the search has shown it keeps to its filter (one that copies the filter into every item would make any cron look marked).
        const problems = [];
        const listed = (await search(api, kind, mark, problems, Date.now() + TIMEOUT_MS)).find((item) => stringField(item, route.id) === id);
        if (listed !== undefined) {
            if (await searchKeepsFilter(api, kind, mark))
                return { found: listed };
            return { problem: `${got}, and the cron search that lists it does not keep to its metadata filter, so nothing shows whose the cron is` };
        }
        // Neither its own route nor the search shows it: gone, or hidden. A cron the suite made keeps firing
        // until deleted, so this is said, not taken for gone.
        const problem = `neither GET ${route.one}${id} (${typeof answer === "string" ? answer : `HTTP ${answer.status}`}) nor the cron search shows it${problems.length > 0 ? ` (${problems.join("; ")})` : ""}, so it may still exist and fire`;
        return problems.length === 0 ? { problem, unseen: true } : { problem };
    }
    return { problem: got };
}
/**
 * Why the suite must not act on an item (change it, cancel it), or undefined when the target's
 * own answer shows it with this mark: an id the target handed back is not proof that it is the suite's.
 */
export async function notOwn(api, kind, id, mark) {
    const read = await readBack(api, kind, id, mark);
    if ("found" in read)
        return carriesMark(read.found, mark) ? undefined : `read back, ${kind} ${id} does not carry the suite's metadata`;
    return "absent" in read ? `${kind} ${id} could not be found` : read.problem;
}
/**
 * Deletes an item, then reads it back: a DELETE answered 2xx or 404 is not proof it is gone (an
 * access layer may hide what it refuses behind 404, a server may answer and keep it), and a cron
 * left behind fires for ever.
 */
async function remove(api, kind, id, mark) {
    if (!usableId(id))
        return { problem: UNUSABLE(kind, id) };
    const path = itemPath(kind, id);
    const answer = await api.send("DELETE", path, undefined, { timeoutMs: TIMEOUT_MS }).catch(failure);
    if (typeof answer === "string")
        return { problem: `DELETE ${path} failed: ${answer}` };
    if (!((answer.status >= 200 && answer.status < 300) || answer.status === 404))
        return { problem: `DELETE ${path} answered HTTP ${answer.status}` };
    const after = await readBack(api, kind, id, mark);
    if ("found" in after)
        return { problem: `DELETE ${path} answered HTTP ${answer.status}, yet the ${kind} is still there when read back` };
    // A cron neither its route nor a search that answered shows is gone; one the search could not look for, or a thread that cannot be read, is not known to be.
    if ("problem" in after && after.unseen !== true)
        return { problem: `DELETE ${path} answered HTTP ${answer.status}, but whether the ${kind} is gone could not be read back (${after.problem})` };
    return { done: true };
}
const foreign = (kind, id) => ({
    foreign: `${kind} ${id} was left alone: read back, it does not carry this run's mark in its metadata`,
});
/** Deletes an item just read (by its route or a search) if it carries the mark itself. */
function removeIfMarked(api, kind, id, item, mark) {
    return carriesMark(item, mark) ? remove(api, kind, id, mark) : Promise.resolve(foreign(kind, id));
}
/**
 * Deletes an item a search listed, once its own route shows the mark (a listing is not proof: a
 * search may copy its filter into every item), unless what it shows says its run may still be
 * going on. Where that route cannot show the item (a cron on an older server), the listing serves
 * only if the search keeps to its filter (`trusted`).
 */
async function deleteListed(api, kind, id, listed, trusted, mark, keep) {
    const route = ROUTES[kind];
    if (!usableId(id))
        return { foreign: UNUSABLE(kind, id) };
    const answer = await api.send("GET", itemPath(kind, id), undefined, { timeoutMs: TIMEOUT_MS }).catch(failure);
    const readable = typeof answer !== "string" && answer.status === 200 && stringField(answer.json, route.id) === id;
    const fallback = !readable && kind === "cron" && trusted && asRecord(listed.metadata) !== undefined;
    if (!readable && !fallback) {
        // A read that failed (timed out, not sent) says nothing of whose the item is: a problem to retry, not another's item.
        if (typeof answer === "string")
            return { problem: `${kind} ${id} was left alone: GET ${itemPath(kind, id)} failed (${answer}); run cleanup again` };
        return { foreign: `${kind} ${id} was left alone: it could not be read back by its own route to show the suite's mark` };
    }
    const item = readable ? asRecord(answer.json) : listed;
    if (keep?.(item) === true)
        return { kept: true };
    return removeIfMarked(api, kind, id, item, mark);
}
/**
 * Deletes one thread or cron, but only after reading it back and finding the mark on it: an id
 * the target handed over is not proof that the item is the suite's. Gone already is fine.
 */
export async function deleteOwn(api, kind, id, mark) {
    const read = await readBack(api, kind, id, mark);
    if ("absent" in read)
        return { done: true };
    if ("problem" in read)
        return { problem: `${kind} ${id} was left alone: it could not be read back to prove it is the suite's (${read.problem})` };
    return removeIfMarked(api, kind, id, read.found, mark);
}
/**
 * Deletes every cron, then every thread, that a search for `metadata` (the suite's mark, or one
 * run's tag) returns and that carries that metadata when read back by its own route. A target
 * whose search ignores the filter (or copies it into what it lists) returns other people's items
 * too: those are counted as ignored and never touched.
 */
export async function sweep(api, metadata, options) {
    const problems = [];
    const result = { threads: 0, crons: 0, kept: 0, ignored: 0, problems };
    const budgetMs = options.budgetMs ?? SWEEP_MS;
    const until = Date.now() + budgetMs;
    api = within(api, until, budgetMs);
    // A target without crons (GET /info says so) has none to list.
    const kinds = options.crons ? ["cron", "thread"] : ["thread"];
    for (const kind of kinds) {
        const idKey = ROUTES[kind].id;
        const listed = await search(api, kind, metadata, problems, until);
        // Asked only where a listed cron may have to be judged by its listing alone.
        const trusted = kind === "cron" && listed.length > 0 ? await searchKeepsFilter(api, kind, metadata) : false;
        for (const item of listed) {
            if (options.stop?.() === true || Date.now() > until) {
                problems.push(`the sweep stopped before it had looked at every ${kind} listed (run cleanup again)`);
                break;
            }
            const id = stringField(item, idKey);
            if (id === undefined)
                continue;
            if (options.keep?.(item) === true) {
                result.kept += 1;
                continue;
            }
            const removal = await deleteListed(api, kind, id, item, trusted, metadata, options.keep);
            if ("done" in removal)
                result[kind === "cron" ? "crons" : "threads"] += 1;
            else if ("kept" in removal)
                result.kept += 1;
            else if ("foreign" in removal)
                result.ignored += 1;
            else
                problems.push(removal.problem);
        }
    }
    return result;
}
/** One sentence about what a sweep left alone, for a target whose search ignores the metadata filter. */
export function ignoredNote(result) {
    return result.ignored === 0
        ? undefined
        : `the target's search returned ${result.ignored} item(s) without the suite's mark (it ignores the metadata filter); they were not touched`;
}
/** When the run whose tag an item carries began, read from the tag (an ISO time with - for : and .). */
export function runStartedAt(item) {
    const tag = stringField(item.metadata, RUN_KEY);
    const m = tag === undefined ? null : /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-/.exec(tag);
    return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) : undefined;
}
