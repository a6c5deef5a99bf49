import { afterAll, describe, expect, it } from "vitest";
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { runCli, startCliUntil } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import { claimReportFolder, writeFileAtomic } from "../src/report/files.js";
import type { Certification } from "../src/report/certification.js";
import { main } from "../src/cli/main.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "lgwc-folder-"));
  dirs.push(dir);
  return dir;
}

describe("a report folder belongs to one run at a time", () => {
  it("a second run into the same folder is refused with exit 2, and the first keeps its own verdict", { timeout: 90_000 }, async () => {
    const good = await startTestTarget({ cronIntervalMs: 600_000 });
    const bad = await startTestTarget({ faults: ["method-put"], cronIntervalMs: 600_000 });
    const dir = await folder();
    try {
      const first = await startCliUntil(["--target", good.url, "--only", "thread-run", "--settle-ms", "4000", "--report-dir", dir], (err) => /Certifying/.test(err));
      const second = await runCli(["--target", bad.url, "--only", "thread-run", "--settle-ms", "300", "--report-dir", dir]);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(new RegExp(`The report folder .* is in use by another run \\(process ${first.pid} on ${hostname()}, started .*\\); give this run its own --report-dir`));
      expect(await first.exited, first.stderr()).toBe(0);
      const cert = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as Certification;
      expect(cert.target.url).toBe(good.url);
      expect(cert.verdict).toBe("conformant");
      // The lock went with the run that held it.
      expect((await readdir(dir)).filter((f) => f.includes("lock"))).toEqual([]);
    } finally {
      await good.close();
      await bad.close();
    }
  });

  it("a folder holds exactly the last run's files: conformant, then a preflight failure, then a partial run (issue 21)", { timeout: 120_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const dir = await folder();
    const files = async (): Promise<string[]> => (await readdir(dir)).filter((f) => !f.startsWith(".")).sort();
    try {
      const first = await runCli(["--target", target.url, "--only", "thread-run", "--settle-ms", "300", "--report-dir", dir]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(new RegExp(`Report: ${dir}/certification\\.html \\(also`));
      const full = await files();
      // What people read, and nothing of the test runner's (that is behind --traces).
      expect(full).toEqual(["badge.svg", "certification.html", "certification.json", "certification.md", "junit.xml"]);

      // The preflight fails: no verdict, and nothing of the conformant run survives beside the folder's word for it.
      const unreachable = await runCli(["--target", "http://127.0.0.1:9", "--report-dir", dir]);
      expect(unreachable.code).toBe(3);
      expect(await files()).toEqual(["badge.svg", "certification.html", "certification.json", "certification.md"]);
      const none = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as Record<string, unknown>;
      expect(none).toMatchObject({ verdict: null, exitCode: 3, reason: expect.stringMatching(/127\.0\.0\.1:9/) as string });
      expect(await readFile(join(dir, "badge.svg"), "utf8")).toContain("no verdict");
      expect(await readFile(join(dir, "certification.html"), "utf8")).toContain("no verdict");
      const verified = await runCli(["verify", join(dir, "certification.json")]);
      expect(verified.code, verified.stdout).toBe(0);

      // --preflight-only: no case ran, so no verdict either.
      const preflight = await runCli(["--target", target.url, "--preflight-only", "--report-dir", dir]);
      expect(preflight.code, preflight.stderr).toBe(0);
      expect(JSON.parse(await readFile(join(dir, "certification.json"), "utf8"))).toMatchObject({ verdict: null, reason: expect.stringMatching(/--preflight-only/) as string });

      // A partial run: its own files, all of them written by it.
      const before = Date.now() - 5;
      const partial = await runCli(["--target", target.url, "--only", "thread-run,stateless-run", "--settle-ms", "300", "--report-dir", dir]);
      expect(partial.code, partial.stderr).toBe(0);
      expect(await files()).toEqual(full);
      const cert = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as Certification;
      expect(cert.scope.complete).toBe(false);
      expect(cert.cases.filter((c) => c.outcome === "passed").map((c) => c.id)).toEqual(["thread-run", "stateless-run"]);
      for (const name of await files()) expect((await stat(join(dir, name))).mtimeMs, name).toBeGreaterThanOrEqual(before);
      // Staged inside the folder and moved in; nothing of the staging is left.
      expect((await readdir(dir)).filter((f) => f.startsWith("."))).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it("a stop that came while the modules loaded ends the run as any stop does: no verdict, and none of the earlier run's left", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const dir = await folder();
    try {
      const first = await runCli(["--target", target.url, "--only", "thread-run", "--settle-ms", "300", "--report-dir", dir]);
      expect(first.code, first.stderr).toBe(0);
      const hooksBefore = target.webhooks().length;
      let stderr = "";
      const io = { stdout: () => undefined, stderr: (text: string) => void (stderr += text) };
      // bin.ts holds a signal that arrives before main() exists and hands it over as `early`.
      const code = await main(["--target", target.url, "--only", "thread-run", "--report-dir", dir], {}, io, { early: () => "SIGINT" });
      expect(code, stderr).toBe(130);
      expect(stderr).toMatch(/Received SIGINT: stopping the run/);
      expect(JSON.parse(await readFile(join(dir, "certification.json"), "utf8"))).toMatchObject({ verdict: null, exitCode: 130, reason: expect.stringMatching(/stopped \(SIGINT\)/) as string });
      expect((await readdir(dir)).filter((f) => !f.startsWith(".")).sort()).toEqual(["badge.svg", "certification.html", "certification.json", "certification.md"]);
      // It stopped before it created anything.
      expect(target.webhooks().length).toBe(hooksBefore);
      expect(target.threads()).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it("a lock left by a run that died is taken over", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const dir = await folder();
    try {
      // A pid above the kernel's limit is never alive.
      await writeFile(join(dir, ".lg-webhook-conformance.lock"), JSON.stringify({ pid: 4_194_304 + 1, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" }));
      const run = await runCli(["--target", target.url, "--only", "thread-run", "--settle-ms", "300", "--report-dir", dir]);
      expect(run.code, run.stderr).toBe(0);
    } finally {
      await target.close();
    }
  });

  it("a folder that cannot be made says so at once, even where mkdir -p would loop for ever (/proc)", { timeout: 30_000 }, async () => {
    const run = await runCli(["--target", "http://127.0.0.1:1", "--report-dir", "/proc/lgwc-nowhere/reports"], { timeoutMs: 25_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Cannot use the report folder \/proc\/lgwc-nowhere\/reports: .*; pass a writable --report-dir\. \[LGWC_CONFIG\]/);
  });

  it("every report file is replaced whole: a reader never sees half of one", async () => {
    const dir = await folder();
    const path = join(dir, "certification.json");
    const big = (n: number): string => JSON.stringify({ n, pad: "x".repeat(2 * 1024 * 1024) });
    await writeFileAtomic(path, big(0));
    let writing = true;
    const writer = (async () => {
      for (let n = 1; n <= 40; n += 1) await writeFileAtomic(path, big(n));
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const text = await readFile(path, "utf8");
      expect(() => JSON.parse(text) as unknown).not.toThrow();
      reads += 1;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a run writes into a staging folder of its own, whose reports are moved in when it is done, certification.json last", async () => {
    const dir = join(await folder(), "reports");
    const first = await claimReportFolder(dir);
    await writeFile(join(first.staging, "certification.json"), '{"verdict":"conformant"}');
    await first.publish();
    await first.release();
    const inode = (await stat(dir)).ino;

    const run = await claimReportFolder(dir);
    // The claim removed the earlier verdict at once: a run killed from here on leaves none behind.
    expect((await readdir(dir)).filter((f) => !f.startsWith(".lgwc-staging-"))).toEqual([".lg-webhook-conformance.lock"]);
    expect(dirname(run.staging)).toBe(dir);
    await writeFile(join(run.staging, "certification.md"), "# this run");
    await writeFile(join(run.staging, "certification.json"), '{"verdict":"non-conformant"}');
    // Nothing shows in the report folder until the run publishes.
    expect(await readdir(dir)).toEqual([".lg-webhook-conformance.lock", basename(run.staging)].sort());
    await run.publish();
    await run.release();
    // The folder itself stays: a shell in it, a symlink to it, its mode and anything else in it are untouched.
    expect((await stat(dir)).ino).toBe(inode);
    expect((await readdir(dir)).sort()).toEqual(["certification.json", "certification.md"]);
    expect(await readdir(dirname(dir))).toEqual(["reports"]);
  });

  it("keeps a symlinked report folder a symlink, its mode, and files the user adds during the run (review 21b)", async () => {
    const parent = await folder();
    const real = join(parent, "real");
    await mkdir(real, { mode: 0o755 });
    await chmod(real, 0o755);
    await symlink(real, join(parent, "link"));
    const run = await claimReportFolder(join(parent, "link"));
    await writeFile(join(run.staging, "certification.json"), "{}");
    await writeFile(join(real, "during-run.log"), "the user's");
    await run.publish();
    await run.release();
    expect((await lstat(join(parent, "link"))).isSymbolicLink()).toBe(true);
    expect((await stat(real)).mode & 0o777).toBe(0o755);
    expect((await readdir(real)).sort()).toEqual(["certification.json", "during-run.log"]);
  });

  it("refuses a folder holding a file that only looks like one of its temporary files (review 21b)", async () => {
    const dir = await folder();
    await writeFile(join(dir, ".certification.notes"), "my notes");
    await expect(claimReportFolder(dir)).rejects.toThrow(/holds files lg-webhook-conformance did not write \(\.certification\.notes\)/);
    expect(await readdir(dir)).toEqual([".certification.notes"]);
  });

  it("says in one sentence that a report folder removed during the run cannot take the reports (review 21b)", async () => {
    const dir = join(await folder(), "reports");
    const run = await claimReportFolder(dir);
    await writeFile(join(run.staging, "certification.json"), "{}");
    await rm(dir, { recursive: true, force: true });
    await expect(run.publish()).rejects.toMatchObject({ code: "LGWC_CONFIG", message: expect.stringMatching(/^Cannot move this run's reports into .*; the report folder must stay in place and writable for the whole run\.$/) as string });
    await run.release();
  });

  it("merge refuses an output folder that is a symlink to one of its shares (review 21b)", async () => {
    const parent = await folder();
    await mkdir(join(parent, "s1"));
    await symlink(join(parent, "s1"), join(parent, "m"));
    const run = await runCli(["merge", join(parent, "s1"), "--report-dir", join(parent, "m")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is one of the shares being merged/);
  });

  it("a staging folder a dead run left is removed by the next claim; a live run's is not touched", async () => {
    const dir = await folder();
    const dead = join(dir, ".lgwc-staging-4194305-abc123");
    const live = join(dir, `.lgwc-staging-${process.ppid}-xyz789`);
    for (const path of [dead, live]) await mkdir(path, { recursive: true });
    await writeFile(join(dead, "certification.json"), "{}");
    const run = await claimReportFolder(dir);
    await run.release();
    expect(await readdir(dir)).toEqual([basename(live)]);
  });
});
