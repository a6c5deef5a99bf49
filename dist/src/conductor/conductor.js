import { count } from "../text.js";
import { sweepLeftovers, unsweptCreates } from "./leftovers.js";
import { caseById } from "../cases/catalog.js";
import { rejudgeCase, runCase, withoutRuns } from "./run-case.js";
import { accountRuns, emptyLoad } from "../report/load.js";
import { Limit } from "./limit.js";
import { deleteOwn, sweep } from "../api/cleanup.js";
/** How often load mode says how far it has got. */
const LOAD_PROGRESS_MS = 2_000;
/**
 * Drives cases against the target from the suite's main process, many at once, so that a run
 * takes about as long as its slowest case rather than the sum of them. Playwright's workers ask
 * it for each case's result; a retry asks for a fresh attempt. Everything a case creates on the
 * target is deleted when the case ends, and anything still left when the suite stops.
 */
export class Conductor {
    settings;
    attempts = new Map();
    /** Per attempt ("case#n"), a function per run that judges it again with all that has arrived. */
    rejudges = new Map();
    started = [];
    finalResults;
    threads = new Set();
    crons = new Set();
    cleanupProblems = [];
    /** Settles when every case that may share the target has ended; cases that run alone wait for it. */
    sharedDone = Promise.resolve();
    aloneQueue = Promise.resolve();
    limit;
    loadDone = 0;
    loadTotal = 0;
    loadSaidAt = 0;
    /** Set when the suite is stopping: no repetition starts after it. */
    stopping = false;
    swept = false;
    constructor(settings) {
        this.settings = settings;
        this.limit = new Limit(settings.load?.concurrency ?? Number.MAX_SAFE_INTEGER);
    }
    /** Starts every case now (those that must run alone, one after another once the rest have ended); results are kept for the workers. */
    startAll(caseIds) {
        const alone = (id) => caseById(id)?.alone === true;
        this.sharedDone = Promise.allSettled(caseIds.filter((id) => !alone(id)).map((id) => this.start(id, 0)));
        for (const id of caseIds.filter(alone))
            void this.start(id, 0);
        this.started = [...caseIds];
    }
    /**
     * A case's result as it stands when the whole run has ended: its runs judged again with
     * everything that arrived for them until then, so a late delivery or a late duplicate is
     * attached and judged, never dropped. A retry (attempt > 0) is judged again when it ends.
     * Load mode judges its repetitions again on its own.
     */
    result(caseId, attempt) {
        const driven = this.start(caseId, attempt);
        if (this.settings.load !== undefined)
            return driven;
        if (attempt > 0 || !this.started.includes(caseId))
            return driven.then((result) => this.rejudged(`${caseId}#${attempt}`, result));
        this.finalResults ??= this.judgeAtTheEnd();
        return this.finalResults.then((all) => all.get(caseId) ?? driven);
    }
    /** After every case of the run has ended and one more settle window, each judged again with all that arrived. */
    async judgeAtTheEnd() {
        // One case that could not finish keeps its own failure (result() falls back to it); the others keep their results.
        const settled = await Promise.allSettled(this.started.map(async (id) => [id, await this.start(id, 0)]));
        const driven = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
        if (!this.stopping)
            await new Promise((resolve) => setTimeout(resolve, this.settings.settleMs));
        return new Map(driven.map(([id, result]) => [id, this.rejudged(`${id}#0`, result)]));
    }
    rejudged(key, result) {
        const rejudges = this.rejudges.get(key);
        if (rejudges === undefined || rejudges.length === 0 || result.runs.length === 0)
            return result;
        // Runs register as their observation ends; they are judged again in the order the case made them.
        const order = result.runs.map((r) => r.label);
        const rank = (label) => (order.includes(label) ? order.indexOf(label) : order.length);
        const runs = rejudges.map((rejudge) => rejudge()).sort((a, b) => rank(a.label) - rank(b.label));
        const again = rejudgeCase(result, runs, this.settings.checks);
        // A reason the case gave (why it failed before its runs existed) stands unless judging again gives one.
        const reason = again.reason ?? result.reason;
        return this.settings.redactor.deep(reason === undefined ? again : { ...again, reason });
    }
    start(caseId, attempt) {
        const key = `${caseId}#${attempt}`;
        let pending = this.attempts.get(key);
        if (pending === undefined) {
            if (caseById(caseId)?.alone === true) {
                const shared = this.sharedDone;
                pending = this.aloneQueue.then(() => shared).then(() => this.drive(caseId, key));
                this.aloneQueue = pending.catch(() => undefined);
            }
            else {
                pending = this.drive(caseId, key);
            }
            this.attempts.set(key, pending);
        }
        return pending;
    }
    async drive(caseId, key) {
        const definition = caseById(caseId);
        if (definition === undefined)
            throw new Error(`unknown case ${caseId}`);
        if (definition.alone && this.settings.freshTarget)
            return this.driveOnFreshTarget(definition, this.settings.freshTarget, key);
        const s = this.settings;
        if (definition.cron && !s.cronsSupported) {
            return withoutRuns(definition, "skipped", "the target's GET /info reports flags.crons = false, so it does not run crons");
        }
        if (definition.needsGraph && s.noConformanceGraph !== undefined) {
            return withoutRuns(definition, "skipped", s.noConformanceGraph);
        }
        return s.load === undefined ? this.driveOnce(definition, {}, key) : this.driveLoad(definition, s.load.repeat);
    }
    /** One run of a case; what it created on the target is deleted as soon as it ends. */
    async driveOnce(definition, extra = {}, key) {
        const s = this.settings;
        const threads = new Set();
        const crons = new Set();
        const kept = [];
        if (key !== undefined)
            this.rejudges.set(key, kept);
        const deps = {
            ...s,
            ...(key === undefined ? {} : { keepRejudge: (rejudge) => kept.push(rejudge) }),
            progress: (line) => s.progress(s.redactor.text(line)),
            created: {
                thread: (id) => {
                    threads.add(id);
                    this.threads.add(id);
                },
                cron: (id) => {
                    crons.add(id);
                    this.crons.add(id);
                },
                cronGone: (id) => {
                    crons.delete(id);
                    this.crons.delete(id);
                },
            },
            ...extra,
        };
        try {
            return s.redactor.deep(await runCase(definition, deps));
        }
        finally {
            await this.remove(crons, threads);
        }
    }
    /**
     * Load mode: the case `repeat` times through the shared limit. Each repetition is observed up to
     * its first delivery; once the last has ended, one settle window passes and every run is judged
     * again with all that arrived, so late duplicates and late deliveries are counted exactly.
     */
    async driveLoad(definition, repeat) {
        const s = this.settings;
        const started = Date.now();
        this.loadTotal += repeat;
        const rejudges = [];
        const results = await Promise.all(Array.from({ length: repeat }, (_, i) => this.limit.run(async () => {
            if (this.stopping)
                return withoutRuns(definition, "skipped", "the suite was stopped before this repetition started");
            const mine = [];
            rejudges[i] = mine;
            const result = await this.driveOnce(definition, { deferSettle: (rejudge) => mine.push(rejudge), progress: () => undefined });
            this.loadProgress();
            return result;
        })));
        await new Promise((resolve) => setTimeout(resolve, s.settleMs));
        const load = emptyLoad(repeat);
        const allRuns = [];
        let sample;
        let unsure;
        results.forEach((result, i) => {
            const runs = (rejudges[i] ?? []).map((rejudge) => rejudge());
            const judged = runs.length === 0 ? result : rejudgeCase(result, runs, s.checks);
            accountRuns(load, runs);
            allRuns.push(...runs.map((run) => ({ ...run, label: `repetition ${i + 1}: ${run.label}` })));
            // A repetition that could not be judged keeps the case from passing, as outside load mode.
            if (judged.outcome === "inconclusive" && unsure === undefined) {
                unsure = { runs: allRuns.slice(allRuns.length - runs.length), reason: `repetition ${i + 1}: ${judged.reason ?? "evidence could not be gathered"}` };
            }
            if (judged.outcome !== "failed")
                return;
            load.failedRepetitions += 1;
            if (sample === undefined)
                sample = { runs: allRuns.slice(allRuns.length - runs.length), ...(judged.reason ? { reason: `repetition ${i + 1}: ${judged.reason}` } : {}) };
        });
        const first = results[0];
        if (results.every((r) => r.outcome === "skipped"))
            return first;
        const whole = rejudgeCase({ ...first, durationMs: Date.now() - started }, allRuns, s.checks);
        const shown = sample ?? unsure;
        return s.redactor.deep({
            ...whole,
            outcome: load.failedRepetitions > 0 ? "failed" : unsure !== undefined ? "inconclusive" : "passed",
            ...(shown?.reason === undefined ? {} : { reason: shown.reason }),
            runs: shown?.runs ?? allRuns.slice(0, rejudges[0]?.length ?? 0),
            load,
        });
    }
    loadProgress() {
        this.loadDone += 1;
        const now = Date.now();
        if (now - this.loadSaidAt < LOAD_PROGRESS_MS && this.loadDone < this.loadTotal)
            return;
        this.loadSaidAt = now;
        this.settings.progress(`load: ${this.loadDone} of ${count(this.loadTotal, "repetition")} done`);
    }
    /** The case runs on a server of its own, which is stopped afterwards with whatever the case made on it. */
    async driveOnFreshTarget(definition, start, key) {
        const s = this.settings;
        s.progress(`[${definition.id}] starting a fresh server for this probe …`);
        let fresh;
        try {
            fresh = await start();
        }
        catch (error) {
            return withoutRuns(definition, "failed", `A fresh server for this probe did not start: ${error instanceof Error ? error.message : String(error)}`);
        }
        try {
            // Nothing to delete afterwards: the server goes, with all the case made on it.
            return await this.driveOnce(definition, {
                api: fresh.api,
                resolvedAssistantId: fresh.resolvedAssistantId,
                created: { thread: () => undefined, cron: () => undefined, cronGone: () => undefined },
            }, key);
        }
        finally {
            await fresh.stop();
        }
    }
    /** Crons first, so none fires into a thread that is being deleted; each only once read back with this run's tag. */
    async remove(crons, threads) {
        for (const [ids, kind, all] of [
            [crons, "cron", this.crons],
            [threads, "thread", this.threads],
        ]) {
            await Promise.all([...ids].map(async (id) => {
                const removal = await deleteOwn(this.settings.api, kind, id, this.settings.tag);
                if ("done" in removal)
                    all.delete(id);
                else
                    this.cleanupProblems.push({ kind, id, why: "foreign" in removal ? removal.foreign : removal.problem });
            }));
        }
    }
    /** Waits for every case started so far, then removes whatever is still left on the target. */
    async finish() {
        await Promise.allSettled([...this.attempts.values()]);
        return this.abandon();
    }
    /**
     * Removes what is known to exist now, then anything else carrying this run's tag (a cron that
     * fired twice makes threads the suite never heard of), without waiting for cases to end.
     */
    async abandon() {
        this.stopping = true;
        // A create call still under way makes something after a sweep that ran now would have looked: wait for its answer.
        const waitMs = Math.min(this.settings.timeoutMs, STOP_CREATES_WAIT_MS);
        const creates = await this.settings.api.stopCreating(waitMs);
        if (!this.swept)
            this.cleanupProblems.push(...unsweptCreates(creates, waitMs));
        await this.remove(new Set(this.crons), new Set(this.threads));
        // One sweep per run: after it, nothing new is created that the tracked sets would not know.
        if (this.swept)
            return [...this.cleanupProblems];
        this.swept = true;
        this.cleanupProblems.push(...sweepLeftovers(await sweep(this.settings.api, this.settings.tag, { crons: this.settings.cronsSupported })));
        return [...this.cleanupProblems];
    }
    /** What is known to be left on the target right now, for a stop that will not wait for the cleanup. */
    leftNow() {
        const parts = [`${this.threads.size} thread(s)`, ...(this.crons.size > 0 ? [`${this.crons.size} cron(s)`] : [])];
        return `${parts.join(" and ")} the suite created and had not yet deleted`;
    }
}
/** How long a stop waits for create calls under way to be answered before it sweeps. */
export const STOP_CREATES_WAIT_MS = 15_000;
