import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { ConformanceError, usageError } from "../errors.js";
import { summarizeLoad } from "../report/load.js";
import { judge, strayCase, STRAY_CASE_ID, type Certification } from "../report/certification.js";
import { writeCertification } from "../report/write.js";
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

async function load(dir: string): Promise<Certification> {
  const file = join(dir, "certification.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new ConformanceError("LGWC_CONFIG", `${file} does not exist: give merge the --report-dir of each --shard run.`);
  }
  try {
    return JSON.parse(text) as Certification;
  } catch {
    throw new ConformanceError("LGWC_CONFIG", `${file} is not JSON.`);
  }
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
  if (requests.length > 0) {
    cases.push(strayCase(requests.map((r) => ({ method: r.method, target: r.target, headers: [], bodyBase64: Buffer.from(r.body).toString("base64"), truncated: false, receivedAt: Date.parse(r.receivedAt) }))));
  }
  const expectations = first.expectations ?? [];
  const strict = first.strictExpectations ?? false;
  const merged: Certification = {
    ...first,
    startedAt: parts.map((p) => p.startedAt).sort()[0]!,
    finishedAt: parts.map((p) => p.finishedAt).sort().at(-1)!,
    commandLine: `merge of ${parts.length} share(s): ${parts.map((p) => p.commandLine).join(" | ")}`,
    shards: parts.flatMap((p) => p.shards ?? []),
    strays: { count: requests.length, dropped: parts.reduce((n, p) => n + p.strays.dropped, 0), requests },
    cases,
    ...judge(cases, expectations, strict),
  };
  if (first.load !== undefined) {
    const settings = { repeat: first.load.repeat, concurrency: first.load.concurrency };
    merged.load = summarizeLoad(cases, settings, merged.strays.count, merged.strays.dropped);
  }
  const key = parsed.values["sign-key"] === undefined ? undefined : await readFile(parsed.values["sign-key"], "utf8");
  await writeCertification(resolve(out), merged, key);
  // Load mode writes no Playwright reports, so there are none to merge.
  if (first.load === undefined) await mergePlaywright(dirs, resolve(out));
  io.stdout(renderSummary(merged, out));
  return expectations.length > 0
    ? exitCodeFor({ kind: "gate", passed: merged.gate.passed })
    : exitCodeFor({ kind: "verdict", verdict: merged.verdict });
}
