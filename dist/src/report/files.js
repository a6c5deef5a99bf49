import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { ConformanceError, describeError } from "../errors.js";
/**
 * Writes a file so that a reader sees the old content or the new, never half of one: the bytes go
 * to a private name beside it, which is then renamed over it.
 */
export async function writeFileAtomic(path, content) {
    await writeFilesAtomic([[path, content]]);
}
/**
 * Writes several files, each to a private name first; only when all are written, and `stopped`
 * says the run goes on, are they renamed into place, in the order given. A stop in between leaves
 * none of them.
 */
export async function writeFilesAtomic(files, stopped = () => false) {
    const staged = files.map(([path]) => join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`));
    try {
        for (const [i, [, content]] of files.entries())
            await writeFile(staged[i], content);
        if (stopped()) {
            await Promise.all(staged.map((path) => rm(path, { force: true })));
            return false;
        }
        for (const [i, [path]] of files.entries())
            await rename(staged[i], path);
        return true;
    }
    catch (error) {
        await Promise.all(staged.map((path) => rm(path, { force: true })));
        throw error;
    }
}
/** A file system call that never returns (a path under /proc, a dead network mount) must not hang the run. */
const FOLDER_TIMEOUT_MS = 10_000;
function bounded(work, what) {
    let timer;
    const late = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${FOLDER_TIMEOUT_MS / 1000} s`)), FOLDER_TIMEOUT_MS);
        timer.unref();
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
/**
 * mkdir -p, one level at a time. Node's recursive mkdir loops for ever where a parent exists but
 * refuses children with ENOENT (anywhere under /proc); this gives up with that error instead.
 */
async function makeFolder(path) {
    try {
        await mkdir(path);
        return;
    }
    catch (error) {
        const code = error.code;
        if (code === "EEXIST") {
            if ((await stat(path)).isDirectory())
                return;
            throw new Error(`${path} exists and is not a folder`);
        }
        if (code !== "ENOENT" || dirname(path) === path)
            throw error;
    }
    await makeFolder(dirname(path));
    await mkdir(path).catch((error) => {
        if (error.code !== "EEXIST")
            throw error;
    });
}
const LOCK = ".lg-webhook-conformance.lock";
/** A run's staging folder inside the report folder: the prefix, then the run's process id, then mkdtemp's six characters. */
const INSIDE = ".lgwc-staging-";
const STAGED_PID = /^\.lgwc-staging-(\d+)-[A-Za-z0-9]{6}$/;
/**
 * The names of what a run writes for a moment (a staging folder, a file before it is renamed into
 * place), exactly: anything else in the folder, however alike, is the user's.
 */
const OUR_TEMPORARY = [
    STAGED_PID,
    /^\.(?:certification\.(?:json|md|html)|badge\.svg|junit\.xml)\.\d+\.[0-9a-f]{8}\.tmp$/,
    /^(?:certification\.(?:json|md|html)|badge\.svg)\.\d+\.tmp$/,
];
function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return error.code === "EPERM";
    }
}
async function owner(path) {
    try {
        const parsed = JSON.parse(await readFile(path, "utf8"));
        return typeof parsed.pid === "number" && typeof parsed.host === "string" ? { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt) } : undefined;
    }
    catch {
        return undefined;
    }
}
async function takeLock(path) {
    try {
        const handle = await open(path, "wx", 0o644);
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }));
        await handle.close();
        return true;
    }
    catch (error) {
        if (error.code === "EEXIST")
            return false;
        throw error;
    }
}
/** A takeover that has not finished after this long was abandoned by a process that died. */
const TAKEOVER_STALE_MS = 10_000;
/**
 * Takes a dead run's lock out of the way without racing another run that does the same: the
 * takeover itself is a lock of its own (created exclusively), and under it the lock is read again
 * and removed only if it is still the dead run's. Whoever then creates the lock first owns the folder.
 */
async function removeStale(lock, dead) {
    const takeover = `${lock}.takeover`;
    if (!(await takeLock(takeover))) {
        const since = await stat(takeover).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (since > TAKEOVER_STALE_MS)
            await rm(takeover, { force: true });
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30));
        return;
    }
    try {
        const still = await owner(lock);
        if (still !== undefined && still.pid === dead.pid && still.startedAt === dead.startedAt)
            await rm(lock, { force: true });
    }
    finally {
        await rm(takeover, { force: true });
    }
}
/** Everything a run writes in its report folder: what a new run, a merge, or a stopped run removes. */
// traces/ holds the test runner's own reports (--traces); html, blob, test-results and results.json are where earlier versions put them.
export const REPORT_FILES = ["certification.json", "certification.md", "certification.html", "badge.svg", "junit.xml", "traces", "results.json", "html", "blob", "test-results"];
/** Removes every report of a run from the folder, so no verdict outlives the run that made it. */
export async function removeReports(path) {
    for (const name of REPORT_FILES)
        await rm(join(path, name), { recursive: true, force: true });
}
/** What a run of the suite writes in its report folder; Playwright empties html/, blob/ and test-results/ before writing them. */
const OURS = new Set([...REPORT_FILES, LOCK]);
/** Playwright's trace viewer, which its HTML report may carry: the viewer's own files only. */
const VIEWER_FILE = (name) => name === "assets" || /\.(?:js|css|html|svg|ttf|woff2?|webmanifest)$/.test(name);
/** Playwright names attachments by their SHA-1. */
const ATTACHMENT = /^[0-9a-f]{40}(\.[a-z0-9]+)?$/;
/**
 * What a run of the suite writes inside each of its folders (a path inside the report folder,
 * "traces/" read as the top). Anything else there is the user's: Playwright empties these folders.
 */
const OURS_INSIDE = {
    traces: (name) => ["html", "blob", "test-results", "results.json"].includes(name),
    html: (name) => ["index.html", "data", "trace"].includes(name),
    "html/data": (name) => ATTACHMENT.test(name),
    "html/trace": VIEWER_FILE,
    "html/trace/assets": VIEWER_FILE,
    // The suite names its blob report after the run's tag.
    blob: (name) => /^report-\d{4}-\d{2}-\d{2}T[\dZ-]+-[0-9a-f]+\.zip$/.test(name),
    // Playwright's folder per test of the suite's one spec file, and its record of the last run.
    "test-results": (name) => name.startsWith("webhooks-") || name === ".last-run.json",
};
/** The entries under `rel` (a folder of the suite's) that the suite did not write, at any depth its rules reach. */
async function foreignInside(root, rel) {
    const inner = rel.replace(/^traces\//, "");
    // Playwright's folder for one test holds only its error context and attachments named by hash.
    const rule = /^test-results\/webhooks-[^/]+$/.test(inner) ? (name) => name === "error-context.md" || ATTACHMENT.test(name) : OURS_INSIDE[inner];
    if (rule === undefined)
        return [];
    const entries = await readdir(join(root, rel)).catch(() => []);
    const foreign = entries.filter((entry) => !rule(entry)).map((entry) => `${rel}/${entry}`);
    for (const entry of entries.filter(rule))
        foreign.push(...(await foreignInside(root, `${rel}/${entry}`)));
    return foreign;
}
/**
 * The entries of a folder that the suite did not write. Playwright deletes html/, blob/ and
 * test-results/ before it writes them, and a run removes traces/, so a folder holding anything
 * else of the user's (their own Playwright project, notes) must not be used.
 */
async function foreignEntries(path) {
    const foreign = [];
    for (const name of await readdir(path)) {
        if (OUR_TEMPORARY.some((pattern) => pattern.test(name)) || name === `${LOCK}.takeover`)
            continue;
        if (!OURS.has(name))
            foreign.push(name);
        else
            foreign.push(...(await foreignInside(path, name)));
    }
    return foreign;
}
/** Staging folders a run that died left inside the report folder; only the lock's holder calls this. */
async function removeDeadStaging(path) {
    for (const name of await readdir(path).catch(() => [])) {
        const pid = Number(STAGED_PID.exec(name)?.[1]);
        if (Number.isInteger(pid) && pid !== process.pid && !alive(pid))
            await rm(join(path, name), { recursive: true, force: true });
    }
}
/** Renames each staged entry into the report folder, certification.json last, so a reader who finds it finds the rest of the run beside it. */
async function moveEntries(from, to) {
    const entries = await readdir(from);
    const ordered = [...entries.filter((name) => name !== "certification.json"), ...entries.filter((name) => name === "certification.json")];
    for (const name of ordered) {
        await rm(join(to, name), { recursive: true, force: true });
        await rename(join(from, name), join(to, name));
    }
    await rm(from, { recursive: true, force: true });
}
/**
 * Creates the report folder and makes this run its only writer until release(): two runs
 * writing one folder would swap verdicts. A lock left by a run that died on this machine is taken
 * over. Every report of an earlier run is removed, so none outlives the run that made it (not
 * even when this run is killed before it writes its own), and a staging folder is made for this run's.
 */
export async function claimReportFolder(path) {
    const lock = join(path, LOCK);
    const existed = existsSync(path);
    try {
        await bounded(makeFolder(path), `creating ${path}`);
        const foreign = await bounded(foreignEntries(path), `reading ${path}`);
        if (foreign.length > 0) {
            const listed = foreign.slice(0, 5).join(", ") + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : "");
            throw new ConformanceError("LGWC_CONFIG", `The report folder ${path} holds files lg-webhook-conformance did not write (${listed}), which a run could delete; give an empty or new --report-dir.`);
        }
        for (let attempt = 0; attempt < 20; attempt += 1) {
            if (await bounded(takeLock(lock), `locking ${path}`))
                return await owned(path, lock, existed);
            const holder = await owner(lock);
            const stale = holder !== undefined && holder.host === hostname() && !alive(holder.pid);
            if (!stale) {
                const who = holder === undefined ? "another run" : `another run (process ${holder.pid} on ${holder.host}, started ${holder.startedAt})`;
                throw new ConformanceError("LGWC_REPORT_DIR_BUSY", `The report folder ${path} is in use by ${who}; give this run its own --report-dir, or wait for that one to end (if it is gone, delete ${lock}).`);
            }
            await removeStale(lock, holder);
        }
        throw new Error(`the lock ${lock} keeps coming back`);
    }
    catch (error) {
        if (error instanceof ConformanceError)
            throw error;
        throw new ConformanceError("LGWC_CONFIG", `Cannot use the report folder ${path}: ${describeError(error)}; pass a writable --report-dir.`);
    }
}
/** The folder, once this run holds its lock: emptied of earlier reports, with a staging folder of this run's. */
async function owned(path, lock, existed) {
    const mine = await owner(lock);
    await bounded(removeDeadStaging(path), `reading ${path}`);
    await bounded(removeReports(path), `emptying ${path}`);
    const staging = await bounded(mkdtemp(join(path, `${INSIDE}${process.pid}-`)), `making a staging folder in ${path}`);
    let published = false;
    return {
        path,
        staging,
        publish: async () => {
            try {
                await moveEntries(staging, path);
            }
            catch (error) {
                throw new ConformanceError("LGWC_CONFIG", `Cannot move this run's reports into ${path}: ${describeError(error)}; the report folder must stay in place and writable for the whole run.`);
            }
            published = true;
        },
        release: async () => {
            if (!published)
                await rm(staging, { recursive: true, force: true });
            // Only this run's own lock is removed, never one another run holds now.
            const now = await owner(lock);
            if (now !== undefined && mine !== undefined && now.pid === mine.pid && now.startedAt === mine.startedAt)
                await rm(lock, { force: true });
            // A run that wrote nothing (a preflight that failed) leaves no empty folder it made; rmdir removes only an empty one.
            if (!existed)
                await rmdir(path).catch(() => undefined);
        },
    };
}
