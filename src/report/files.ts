import { randomBytes } from "node:crypto";
import { link, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { ConformanceError, describeError } from "../errors.js";

/**
 * Writes a file so that a reader sees the old content or the new, never half of one: the bytes go
 * to a private name beside it, which is then renamed over it.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** A file system call that never returns (a path under /proc, a dead network mount) must not hang the run. */
const FOLDER_TIMEOUT_MS = 10_000;

function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${FOLDER_TIMEOUT_MS / 1000} s`)), FOLDER_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * mkdir -p, one level at a time. Node's recursive mkdir loops for ever where a parent exists but
 * refuses children with ENOENT (anywhere under /proc); this gives up with that error instead.
 */
async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      if ((await stat(path)).isDirectory()) return;
      throw new Error(`${path} exists and is not a folder`);
    }
    if (code !== "ENOENT" || dirname(path) === path) throw error;
  }
  await makeFolder(dirname(path));
  await mkdir(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
}

const LOCK = ".lg-webhook-conformance.lock";

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function owner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<LockOwner>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string" ? { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt) } : undefined;
  } catch {
    return undefined;
  }
}

async function takeLock(path: string): Promise<boolean> {
  try {
    const handle = await open(path, "wx", 0o644);
    await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() } satisfies LockOwner));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Takes a dead run's lock out of the way without racing another run that does the same: only one
 * rename of the file succeeds, and the renamed file is removed only if it is still the dead run's
 * (another run may have taken the lock between the check and the rename).
 */
async function removeStale(lock: string, dead: LockOwner): Promise<void> {
  const aside = `${lock}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    await rename(lock, aside);
  } catch {
    return;
  }
  const moved = await owner(aside);
  if (moved !== undefined && (moved.pid !== dead.pid || moved.startedAt !== dead.startedAt)) {
    // Not the dead run's lock after all: put it back for its owner, never over a lock taken meanwhile.
    await link(aside, lock).catch(() => undefined);
    await rm(aside, { force: true });
    return;
  }
  await rm(aside, { force: true });
}

/** What a run of the suite writes in its report folder; Playwright empties html/, blob/ and test-results/ before writing them. */
const OURS = new Set(["certification.json", "certification.md", "certification.html", "badge.svg", "junit.xml", "results.json", "html", "blob", "test-results", LOCK]);
const OURS_INSIDE: Record<string, (name: string) => boolean> = {
  html: (name) => ["index.html", "data", "trace"].includes(name),
  blob: (name) => name.endsWith(".zip"),
};

/**
 * The entries of a folder that the suite did not write. Playwright deletes html/, blob/ and
 * test-results/ before it writes them, so a folder holding anything else of the user's (their own
 * Playwright project, notes) must not be used.
 */
async function foreignEntries(path: string): Promise<string[]> {
  const foreign: string[] = [];
  for (const name of await readdir(path)) {
    if (name.startsWith(".certification.") || name.startsWith(`${LOCK}.`)) continue;
    if (!OURS.has(name)) {
      foreign.push(name);
      continue;
    }
    const inside = OURS_INSIDE[name];
    if (inside === undefined) continue;
    const entries = await readdir(join(path, name)).catch(() => [] as string[]);
    foreign.push(...entries.filter((entry) => !inside(entry)).map((entry) => `${name}/${entry}`));
  }
  return foreign;
}

export interface ReportFolder {
  path: string;
  release(): Promise<void>;
}

/**
 * Creates the report folder and makes this run its only writer until release(): two runs
 * writing one folder would swap verdicts. A lock left by a run that died on this machine is taken over.
 */
export async function claimReportFolder(path: string): Promise<ReportFolder> {
  const lock = join(path, LOCK);
  try {
    await bounded(makeFolder(path), `creating ${path}`);
    const foreign = await bounded(foreignEntries(path), `reading ${path}`);
    if (foreign.length > 0) {
      const listed = foreign.slice(0, 5).join(", ") + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : "");
      throw new ConformanceError(
        "LGWC_CONFIG",
        `The report folder ${path} holds files lg-webhook-conformance did not write (${listed}), which a run could delete; give an empty or new --report-dir.`,
      );
    }
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (await bounded(takeLock(lock), `locking ${path}`)) {
        return { path, release: () => rm(lock, { force: true }) };
      }
      const holder = await owner(lock);
      const stale = holder !== undefined && holder.host === hostname() && !alive(holder.pid);
      if (!stale) {
        const who = holder === undefined ? "another run" : `another run (process ${holder.pid} on ${holder.host}, started ${holder.startedAt})`;
        throw new ConformanceError(
          "LGWC_REPORT_DIR_BUSY",
          `The report folder ${path} is in use by ${who}; give this run its own --report-dir, or wait for that one to end (if it is gone, delete ${lock}).`,
        );
      }
      await removeStale(lock, holder);
    }
    throw new Error(`the lock ${lock} keeps coming back`);
  } catch (error) {
    if (error instanceof ConformanceError) throw error;
    throw new ConformanceError("LGWC_CONFIG", `Cannot use the report folder ${path}: ${describeError(error)}; pass a writable --report-dir.`);
  }
}
