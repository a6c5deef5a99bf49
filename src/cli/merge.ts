import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { ConformanceError, usageError } from "../errors.js";
import { summarizeLoad } from "../report/load.js";
import { judge, scopeOf, strayCase, STRAY_CASE_ID, unheardCase, UNHEARD_CASE_ID, type Certification } from "../report/certification.js";
import { caseIdsOf } from "../cases/catalog.js";
import { writeCertification } from "../report/write.js";
import { check, keyId } from "../report/integrity.js";
import { createPublicKey } from "node:crypto";
import { realpathSync } from "node:fs";
import { readFlagFile } from "./read-flag-file.js";
import { sealedTextProblem } from "../json-duplicates.js";
import { claimReportFolder } from "../report/files.js";
import { checkSigningKey, suiteVersion } from "./certify.js";
import { writeNoVerdict } from "../report/no-verdict.js";
import { exitCodeFor } from "./exit-code.js";
import { renderSummary } from "./summary.js";
import type { Io } from "./main.js";
import { parseSubcommand } from "./subcommand.js";

export const MERGE_HELP = `lg-webhook-conformance merge: combine the report folders of several --shard runs.

Usage:
  lg-webhook-conformance merge DIR... --report-dir OUT [--sign-key FILE [--trust-key PUB]...] [--require-complete]

Reads DIR/certification.json of each share, checks that each is intact, that they certify the
same target and together make every share of one --shard i/n split (no share missing, none
twice), and writes one certification (json, md, html, badge) with one verdict to OUT, plus
junit.xml made from it; and, when the shards ran with --traces, Playwright's HTML and JSON reports
merged from their blob reports into OUT/traces/.

A merged report signed with --sign-key vouches for every share, so each share must be signed,
by that key or by a public key given with --trust-key (repeatable). Without --sign-key the
merged report is sealed with a digest only.

--require-complete makes a partial merged certificate (cases skipped or not selected, checks left
out, failures waived) exit 1; every share of a split is partial alone, the merge of all need not be.

Exit codes: as for a run (0 conformant or gate passed, 1 not), 2 for unusable input.
`;

/** What merge needs of a share; anything else is not a certification this suite wrote. */
function shapeProblem(report: Record<string, unknown>): string | undefined {
  if (report.verdict === null) return `its run ended without a verdict (${typeof report.reason === "string" ? report.reason : "no reason given"}); run that shard again`;
  const target = report.target as { url?: unknown } | undefined;
  if (typeof target?.url !== "string") return "it names no target";
  if (!Array.isArray(report.cases)) return "it lists no cases";
  const strays = report.strays as { count?: unknown; requests?: unknown } | undefined;
  if (typeof strays?.count !== "number" || !Array.isArray(strays.requests)) return "it has no account of stray requests";
  if (typeof (report.sink as { keptBytes?: unknown } | undefined)?.keptBytes !== "number") return "it has no account of the sink";
  if (typeof report.profile !== "string") return "it names no profile";
  return undefined;
}

interface Share {
  dir: string;
  cert: Certification;
  /** Key id of the share's signer, when signed. */
  signedBy?: string;
}

/** A share, read and checked: intact (its digest and any signature hold) and shaped like a certification. */
async function load(dir: string): Promise<Share> {
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
  const ambiguous = sealedTextProblem(text);
  if (ambiguous !== undefined) throw new ConformanceError("LGWC_CONFIG", `${file} is not intact (${ambiguous}), so it cannot be merged.`);
  const verified = check(report as Record<string, unknown>);
  // A merged report is sealed anew: it must not launder a share that was altered after it was written.
  if (!verified.ok) throw new ConformanceError("LGWC_CONFIG", `${file} is not intact (${verified.reason}), so it cannot be merged.`);
  const problem = shapeProblem(report as Record<string, unknown>);
  if (problem !== undefined) throw new ConformanceError("LGWC_CONFIG", `${file} is not a certification of this suite: ${problem}.`);
  return { dir, cert: report as Certification, ...(verified.signedBy === undefined ? {} : { signedBy: verified.signedBy }) };
}

/** A signed merge vouches for its shares: each must be signed by a key the user trusts. */
function checkTrust(shares: readonly Share[], trusted: ReadonlySet<string>): void {
  for (const share of shares) {
    if (share.signedBy !== undefined && trusted.has(share.signedBy)) continue;
    throw new ConformanceError(
      "LGWC_CONFIG",
      `${join(share.dir, "certification.json")} is ${share.signedBy === undefined ? "not signed" : `signed by key ${share.signedBy}, which is not trusted`}; a merged report signed with --sign-key vouches for every share, so sign the shares with that key or give their signer's public key with --trust-key.`,
    );
  }
}

/** What must be the same in every share of one split, by name: a merge judges all cases by one rule. */
function settingsOf(cert: Certification): Record<string, string> {
  return {
    target: cert.target.embedded ?? cert.target.url,
    "suite version": cert.suite.version,
    profile: cert.profile,
    "load mode": JSON.stringify(cert.load === undefined ? null : { repeat: cert.load.repeat, concurrency: cert.load.concurrency }),
    checks: JSON.stringify(cert.checkDefinitions.map((d) => `${d.name}@${d.version}/${d.severity}`)),
    "settle window": String(cert.settleMs),
    "run deadline": String(cert.timeoutMs),
    "cron deadline": String(cert.cronTimeoutMs),
    assistant: cert.assistant.requested,
    schema: `${cert.schema.source} ${cert.schema.version ?? ""}`,
    expectations: JSON.stringify(cert.expectations ?? []),
    "allowed fields": JSON.stringify(cert.allowedFields ?? null),
    "expected headers": JSON.stringify(cert.expectedHeaders ?? null),
    "clock skew": String(cert.clockSkewMs ?? null),
    input: JSON.stringify(cert.input ?? null),
  };
}

/** The shares must be one whole split: the same target, settings and checks, every share of n once. */
function checkWhole(shares: readonly Share[]): void {
  const first = settingsOf(shares[0]!.cert);
  for (const { dir, cert } of shares) {
    const mine = settingsOf(cert);
    const differs = Object.keys(first).find((name) => mine[name] !== first[name]);
    if (differs !== undefined) {
      throw usageError(`${dir} was run with another ${differs} than ${shares[0]!.dir} (${mine[differs]!.slice(0, 80)} against ${first[differs]!.slice(0, 80)}): merge only the shares of one split, run with the same settings.`);
    }
  }
  const parts = shares.map(({ dir, cert }) => ({ dir, shard: cert.shards?.length === 1 ? cert.shards[0]! : undefined }));
  if (parts.length === 1 && parts[0]!.shard === undefined) return;
  const unsplit = parts.find((p) => p.shard === undefined);
  if (unsplit !== undefined) throw usageError(`${unsplit.dir} is not one --shard share (a whole run, or a merge already); merge the shares of one split.`);
  const total = parts[0]!.shard!.total;
  for (const [i, part] of parts.entries()) {
    const twin = parts.slice(i + 1).find((p) => p.shard!.index === part.shard!.index);
    if (twin !== undefined) throw usageError(`${part.dir} and ${twin.dir} are both share ${part.shard!.index}/${part.shard!.total}: the shares overlap.`);
  }
  const other = parts.find((p) => p.shard!.total !== total);
  if (other !== undefined) throw usageError(`${other.dir} is share ${other.shard!.index}/${other.shard!.total}, not one of ${total}: merge the shares of one split.`);
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !parts.some((p) => p.shard!.index === i));
  if (missing.length > 0) throw usageError(`the split has ${total} shares and ${missing.map((i) => `${i}/${total}`).join(", ")} ${missing.length === 1 ? "is" : "are"} missing: a merge of part of the cases is not a certification of the target.`);
}

/**
 * Merges the shares' blob reports (kept by shards run with --traces) into Playwright's HTML and
 * JSON reports in `out`/traces/; says why not when only some shares have one.
 */
async function mergePlaywright(dirs: string[], out: string): Promise<string | undefined> {
  const blobDir = (dir: string): string => join(dir, "traces", "blob");
  const zips = await Promise.all(dirs.map(async (dir) => (await readdir(blobDir(dir)).catch(() => [] as string[])).filter((f) => f.endsWith(".zip")).map((f) => join(blobDir(dir), f))));
  const without = dirs.filter((_, i) => zips[i]!.length === 0);
  if (without.length === dirs.length) return undefined;
  if (without.length > 0) return `Playwright's traces were not merged: ${without.join(", ")} ${without.length === 1 ? "was" : "were"} run without --traces`;
  const blobs = await mkdtemp(join(tmpdir(), "lgwc-blobs-"));
  try {
    for (const file of zips.flat()) await copyFile(file, join(blobs, basename(file)));
    const cli = join(dirname(createRequire(import.meta.url).resolve("@playwright/test/package.json")), "cli.js");
    const code = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [cli, "merge-reports", "--reporter", "html,json", blobs], {
        stdio: "ignore",
        env: {
          ...process.env,
          PLAYWRIGHT_HTML_OUTPUT_DIR: join(out, "traces", "html"),
          PLAYWRIGHT_HTML_OPEN: "never",
          PLAYWRIGHT_JSON_OUTPUT_FILE: join(out, "traces", "results.json"),
        },
      });
      child.once("close", done);
    });
    return code === 0 ? undefined : `Playwright could not merge the shares' blob reports (exit ${code})`;
  } finally {
    await rm(blobs, { recursive: true, force: true });
  }
}

async function trustedKeyId(path: string): Promise<string> {
  // Read as the other file flags are: a pipe nobody writes to, or a device, must not hold the process past Ctrl-C.
  const pem = await readFlagFile("--trust-key", path);
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== "ed25519") throw new Error(`it is a ${key.asymmetricKeyType ?? "unknown"} key, not Ed25519`);
    return keyId(key);
  } catch (error) {
    throw new ConformanceError("LGWC_CONFIG", `--trust-key ${path} is not an Ed25519 public key (${error instanceof Error ? error.message : String(error)}).`);
  }
}

export async function mergeCommand(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseSubcommand("merge", argv, {
    "report-dir": { type: "string" },
    "sign-key": { type: "string" },
    "trust-key": { type: "string", multiple: true },
    "require-complete": { type: "boolean" },
  });
  if (parsed.values.help) {
    io.stdout(MERGE_HELP);
    return 0;
  }
  const out = parsed.values["report-dir"];
  if (out === undefined) throw usageError("merge needs --report-dir OUT: where the merged reports go.");
  if (parsed.positionals.length === 0) throw usageError("merge needs the report folders of the shares to combine.");
  const signKey = parsed.values["sign-key"];
  const dirs = parsed.positionals.map((d) => resolve(d));
  // Writing into a share would replace the very report being merged, however either path is spelt (a symlink included).
  if (dirs.map(realPath).includes(realPath(resolve(out)))) throw usageError(`--report-dir ${out} is one of the shares being merged; give the merged reports a folder of their own.`);
  const startedAt = new Date();
  let merged: Certification;
  let key: string | undefined;
  try {
    key = signKey === undefined ? undefined : await checkSigningKey(resolve(signKey));
    const shares = await Promise.all(dirs.map(load));
    checkWhole(shares);
    if (key !== undefined) checkTrust(shares, new Set([keyId(createPublicKey(key)), ...(await Promise.all((parsed.values["trust-key"] ?? []).map(trustedKeyId)))]));
    merged = combine(shares.map((s) => s.cert), dirs);
  } catch (error) {
    // A refused merge leaves no earlier merge's verdict in its folder to be read as this one's.
    if (error instanceof ConformanceError) await recordRefusal(resolve(out), error, argv, startedAt);
    throw error;
  }
  // The claim removes an earlier merge's reports; this one's are staged and moved in whole.
  const folder = await claimReportFolder(resolve(out));
  try {
    // Load mode writes no Playwright reports, so there are none to merge; junit.xml is written from the merged certification.
    const notMerged = merged.load === undefined ? await mergePlaywright(dirs, folder.staging) : undefined;
    if (notMerged !== undefined) io.stderr(`${notMerged}; the certification is written all the same.\n`);
    await writeCertification(folder.staging, merged, key);
    await folder.publish();
  } finally {
    await folder.release();
  }
  const partialRefused = parsed.values["require-complete"] === true && !merged.scope.complete;
  if (partialRefused) io.stderr("--require-complete: the merged certificate is partial (see below), so the merge does not pass.\n");
  io.stdout(renderSummary(merged, out));
  const expectations = merged.expectations ?? [];
  return expectations.length > 0
    ? exitCodeFor({ kind: "gate", passed: merged.gate.passed, partialRefused })
    : exitCodeFor({ kind: "verdict", verdict: merged.verdict, partialRefused });
}

/** The path with every symlink followed, as far as the path exists (a folder not made yet keeps the rest as given). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPath(parent), basename(path));
  }
}

/** The no-verdict report of a merge that was refused, where its merged reports would have gone (if that folder can be had). */
async function recordRefusal(out: string, error: ConformanceError, argv: readonly string[], startedAt: Date): Promise<void> {
  const folder = await claimReportFolder(out).catch(() => undefined);
  if (folder === undefined) return;
  try {
    await writeNoVerdict(folder.path, {
      suite: suiteVersion(),
      verdict: null,
      reason: `the merge was refused: ${error.message}`,
      exitCode: exitCodeFor({ kind: "error", code: error.code }),
      commandLine: ["lg-webhook-conformance", "merge", ...argv].join(" "),
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    });
  } catch {
    // A folder that cannot be written says nothing, which is no false verdict either; the refusal is printed all the same.
  } finally {
    await folder.release();
  }
}

/** The shares' certifications as one: their cases side by side (each once), strays and sink figures summed, judged anew. */
function combine(parts: Certification[], dirs: readonly string[]): Certification {
  const first = parts[0]!;
  const seen = new Map<string, string>();
  const cases = parts.flatMap((part, i) =>
    part.cases.filter((c) => {
      if (c.id === STRAY_CASE_ID || c.id === UNHEARD_CASE_ID) return false;
      const other = seen.get(c.id);
      if (other !== undefined) throw usageError(`case ${c.id} is in both ${other} and ${dirs[i]}: the shares overlap.`);
      seen.set(c.id, dirs[i]!);
      return true;
    }),
  );
  const requests = parts.flatMap((p) => p.strays.requests);
  const strayCount = parts.reduce((n, p) => n + p.strays.count, 0);
  if (strayCount > 0) cases.push(strayCase(strayCount, requests, first.checkDefinitions.map((d) => d.name)));
  const sum = (key: "budgetBytes" | "keptBytes" | "discarded" | "dropped" | "noise" | "refusedConnections" | "aborted"): number => parts.reduce((n, p) => n + (p.sink[key] ?? 0), 0);
  const expectations = first.expectations ?? [];
  const strict = first.strictExpectations ?? false;
  const merged: Certification = {
    ...first,
    startedAt: parts.map((p) => p.startedAt).sort()[0]!,
    finishedAt: parts.map((p) => p.finishedAt).sort().at(-1)!,
    commandLine: `merge of ${parts.length} share(s): ${parts.map((p) => p.commandLine).join(" | ")}`,
    shards: parts.flatMap((p) => p.shards ?? []),
    strays: { count: strayCount, bytes: parts.reduce((n, p) => n + p.strays.bytes, 0), requests },
    sink: { maxBodyBytes: Math.max(...parts.map((p) => p.sink.maxBodyBytes)), budgetBytes: sum("budgetBytes"), keptBytes: sum("keptBytes"), discarded: sum("discarded"), dropped: sum("dropped"), noise: sum("noise"), refusedConnections: sum("refusedConnections"), aborted: sum("aborted") },
    cases,
    ...judge(cases, expectations, strict),
  };
  // Each share's run has its own tag, which `cleanup --run` needs: a merged line names the run that left it.
  const left = [...new Set(parts.flatMap((p) => (p.leftOnTarget ?? []).map((line) => (parts.length > 1 && !line.startsWith("run ") ? `run ${p.runTag}: ${line}` : line))))];
  if (left.length > 0) merged.leftOnTarget = left;
  else delete merged.leftOnTarget;
  const unheard = unheardCase(merged.sink);
  if (unheard !== undefined) {
    merged.cases = [...cases, unheard];
    Object.assign(merged, judge(merged.cases, expectations, strict));
  }
  merged.scope = scopeOf(merged.cases, caseIdsOf(first.profile), first.checkDefinitions.map((d) => d.name), merged.gate, {
    profile: first.profile,
    allowedFields: first.allowedFields,
    expectedHeaders: first.expectedHeaders,
    clockSkewMs: first.clockSkewMs,
    ...(first.input === undefined ? {} : { input: first.input }),
  });
  if (first.load !== undefined) {
    const settings = { repeat: first.load.repeat, concurrency: first.load.concurrency };
    merged.load = summarizeLoad(cases, settings, merged.strays.count, merged.sink.dropped + merged.sink.discarded);
  }
  return merged;
}
