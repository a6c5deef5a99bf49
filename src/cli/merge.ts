import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { ConformanceError, usageError } from "../errors.js";
import { summarizeLoad } from "../report/load.js";
import { judge, strayCase, STRAY_CASE_ID, type Certification } from "../report/certification.js";
import { writeCertification } from "../report/write.js";
import { check } from "../report/integrity.js";
import { claimReportFolder } from "../report/files.js";
import { checkSigningKey } from "./certify.js";
import { exitCodeFor } from "./exit-code.js";
import { renderSummary } from "./summary.js";
import type { Io } from "./main.js";
import { parseSubcommand } from "./subcommand.js";

export const MERGE_HELP = `lg-webhook-conformance merge: combine the report folders of several --shard runs.

Usage:
  lg-webhook-conformance merge DIR... --report-dir OUT [--sign-key FILE]

Reads DIR/certification.json of each share, checks that they certify the same target without
overlapping, and writes one certification (json, md, html, badge) with one verdict to OUT, plus
Playwright's HTML, JUnit and JSON reports merged from the shares' blob reports.

Exit codes: as for a run (0 conformant or gate passed, 1 not), 2 for unusable input.
`;

/** What merge needs of a share; anything else is not a certification this suite wrote. */
function shapeProblem(report: Record<string, unknown>): string | undefined {
  const target = report.target as { url?: unknown } | undefined;
  if (typeof target?.url !== "string") return "it names no target";
  if (!Array.isArray(report.cases)) return "it lists no cases";
  const strays = report.strays as { count?: unknown; requests?: unknown } | undefined;
  if (typeof strays?.count !== "number" || !Array.isArray(strays.requests)) return "it has no account of stray requests";
  if (typeof (report.sink as { keptBytes?: unknown } | undefined)?.keptBytes !== "number") return "it has no account of the sink";
  if (typeof report.profile !== "string") return "it names no profile";
  return undefined;
}

/** A share, read and checked: intact (its digest and any signature hold) and shaped like a certification. */
async function load(dir: string): Promise<Certification> {
  const file = join(dir, "certification.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new ConformanceError("LGWC_CONFIG", `${file} does not exist: give merge the --report-dir of each --shard run.`);
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new ConformanceError("LGWC_CONFIG", `${file} is not JSON.`);
  }
  if (report === null || typeof report !== "object" || Array.isArray(report)) throw new ConformanceError("LGWC_CONFIG", `${file} is not a certification.`);
  const verified = check(report as Record<string, unknown>);
  // A merged report is sealed anew: it must not launder a share that was altered after it was written.
  if (!verified.ok) throw new ConformanceError("LGWC_CONFIG", `${file} is not intact (${verified.reason}), so it cannot be merged.`);
  const problem = shapeProblem(report as Record<string, unknown>);
  if (problem !== undefined) throw new ConformanceError("LGWC_CONFIG", `${file} is not a certification of this suite: ${problem}.`);
  return report as Certification;
}

/** Merges the shares' blob reports into Playwright's HTML, JUnit and JSON reports in `out`. */
async function mergePlaywright(dirs: string[], out: string): Promise<void> {
  const blobs = await mkdtemp(join(tmpdir(), "lgwc-blobs-"));
  try {
    for (const dir of dirs) {
      const files = await readdir(join(dir, "blob")).catch(() => [] as string[]);
      for (const file of files.filter((f) => f.endsWith(".zip"))) await copyFile(join(dir, "blob", file), join(blobs, file));
    }
    const cli = join(dirname(createRequire(import.meta.url).resolve("@playwright/test/package.json")), "cli.js");
    const code = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [cli, "merge-reports", "--reporter", "html,junit,json", blobs], {
        stdio: "ignore",
        env: {
          ...process.env,
          PLAYWRIGHT_HTML_OUTPUT_DIR: join(out, "html"),
          PLAYWRIGHT_HTML_OPEN: "never",
          PLAYWRIGHT_JUNIT_OUTPUT_FILE: join(out, "junit.xml"),
          PLAYWRIGHT_JSON_OUTPUT_FILE: join(out, "results.json"),
        },
      });
      child.once("close", done);
    });
    if (code !== 0) throw new ConformanceError("LGWC_INTERNAL", `Playwright could not merge the shares' blob reports (exit ${code}).`);
  } finally {
    await rm(blobs, { recursive: true, force: true });
  }
}

export async function mergeCommand(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseSubcommand("merge", argv, { "report-dir": { type: "string" }, "sign-key": { type: "string" } });
  if (parsed.values.help) {
    io.stdout(MERGE_HELP);
    return 0;
  }
  const out = parsed.values["report-dir"];
  if (out === undefined) throw usageError("merge needs --report-dir OUT: where the merged reports go.");
  if (parsed.positionals.length === 0) throw usageError("merge needs the report folders of the shares to combine.");
  const signKey = parsed.values["sign-key"];
  const key = signKey === undefined ? undefined : checkSigningKey(resolve(signKey));
  const dirs = parsed.positionals.map((d) => resolve(d));
  const parts = await Promise.all(dirs.map(load));
  const first = parts[0]!;
  for (const [i, part] of parts.entries()) {
    if (part.target.url !== first.target.url) {
      throw usageError(`${dirs[i]} certifies ${part.target.url}, not ${first.target.url}: merge only shares of one run.`);
    }
    if (part.profile !== first.profile || (part.load === undefined) !== (first.load === undefined)) {
      throw usageError(`${dirs[i]} was run with another profile or load mode than ${dirs[0]}: merge only shares of one run.`);
    }
  }
  const seen = new Map<string, string>();
  const cases = parts.flatMap((part, i) =>
    part.cases.filter((c) => {
      if (c.id === STRAY_CASE_ID) return false;
      const other = seen.get(c.id);
      if (other !== undefined) throw usageError(`case ${c.id} is in both ${other} and ${dirs[i]}: the shares overlap.`);
      seen.set(c.id, dirs[i]!);
      return true;
    }),
  );
  const requests = parts.flatMap((p) => p.strays.requests);
  const strayCount = parts.reduce((n, p) => n + p.strays.count, 0);
  if (strayCount > 0) cases.push(strayCase(strayCount, requests));
  const sum = (key: "budgetBytes" | "keptBytes" | "discarded" | "dropped"): number => parts.reduce((n, p) => n + p.sink[key], 0);
  const expectations = first.expectations ?? [];
  const strict = first.strictExpectations ?? false;
  const merged: Certification = {
    ...first,
    startedAt: parts.map((p) => p.startedAt).sort()[0]!,
    finishedAt: parts.map((p) => p.finishedAt).sort().at(-1)!,
    commandLine: `merge of ${parts.length} share(s): ${parts.map((p) => p.commandLine).join(" | ")}`,
    shards: parts.flatMap((p) => p.shards ?? []),
    strays: { count: strayCount, bytes: parts.reduce((n, p) => n + p.strays.bytes, 0), requests },
    sink: { maxBodyBytes: Math.max(...parts.map((p) => p.sink.maxBodyBytes)), budgetBytes: sum("budgetBytes"), keptBytes: sum("keptBytes"), discarded: sum("discarded"), dropped: sum("dropped") },
    cases,
    ...judge(cases, expectations, strict),
  };
  if (first.load !== undefined) {
    const settings = { repeat: first.load.repeat, concurrency: first.load.concurrency };
    merged.load = summarizeLoad(cases, settings, merged.strays.count, merged.sink.dropped + merged.sink.discarded);
  }
  const folder = await claimReportFolder(resolve(out));
  try {
    await writeCertification(folder.path, merged, key);
    // Load mode writes no Playwright reports, so there are none to merge.
    if (first.load === undefined) await mergePlaywright(dirs, folder.path);
  } finally {
    await folder.release();
  }
  io.stdout(renderSummary(merged, out));
  return expectations.length > 0
    ? exitCodeFor({ kind: "gate", passed: merged.gate.passed })
    : exitCodeFor({ kind: "verdict", verdict: merged.verdict });
}
