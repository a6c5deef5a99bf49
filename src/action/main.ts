import { count, inert } from "../text.js";
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConformanceError, describeError } from "../errors.js";
import type { Certification } from "../report/certification.js";
import { renderJobSummary } from "../report/job-summary.js";
import { planAction, type ActionPlan } from "./inputs.js";
import { closingSentence, runSuite } from "./run-suite.js";
import { command, escapeData, outputEntry, quietSpan } from "./workflow-commands.js";
import { check } from "../report/integrity.js";

/**
 * The GitHub Action's Certify step: reads the inputs from the environment, runs the suite, and
 * turns its ending into the step's outputs, job summary, annotation and exit status.
 */

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "cli", "bin.js");
const TITLE = "LangGraph webhook conformance";

/**
 * certification.json as this run wrote it: intact (its digest holds) and written while this step
 * ran (by the file's time: a merge's certificate carries its shares' finishing time); else undefined.
 */
function readThisRuns(plan: ActionPlan, startedAt: number): Record<string, unknown> | undefined {
  try {
    const path = join(plan.reportDir, "certification.json");
    const written = statSync(path).mtimeMs;
    if (written < startedAt - 1_000 || written > Date.now() + 1_000) return undefined;
    const report = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    return report !== null && typeof report === "object" && check(report).ok ? report : undefined;
  } catch {
    return undefined;
  }
}

/** The certification with this run's verdict: only after a verdict (exit 0 or 1), and only one shaped as the summary reads it. */
function verdictOf(report: Record<string, unknown> | undefined, code: number): Certification | undefined {
  if (report === undefined || (code !== 0 && code !== 1)) return undefined;
  const c = report as unknown as Certification;
  const counts = c.summary as unknown as Record<string, unknown> | undefined;
  const shaped =
    typeof c.verdict === "string" &&
    typeof c.scope?.complete === "boolean" &&
    Array.isArray(c.scope.reasons) &&
    typeof c.gate?.passed === "boolean" &&
    Array.isArray(c.gate.expected) &&
    typeof c.target?.url === "string" &&
    Array.isArray(c.cases) &&
    c.cases.every((k) => typeof k?.id === "string" && Array.isArray(k.checks)) &&
    ["cases", "passed", "failed", "skipped", "inconclusive", "flaky", "warnings"].every((k) => typeof counts?.[k] === "number");
  return shaped ? c : undefined;
}

function writeOutputs(values: Record<string, string>): void {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) return;
  appendFileSync(file, Object.entries(values).map(([name, value]) => outputEntry(name, value)).join(""));
}

function writeSummary(text: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, inert(text));
}

function annotation(c: Certification | undefined, code: number, sentence: string | undefined): string | undefined {
  if (code === 0) return undefined;
  if (c === undefined) return sentence ?? `The suite ended with exit ${code} and wrote no certification.`;
  if (c.verdict === "conformant" && c.gate.passed) return `Conformant, but not accepted (exit ${code}): ${c.scope.reasons.join(" ") || "see the job summary."}`;
  const failed = [...new Set(c.cases.flatMap((k) => k.checks.filter((x) => x.outcome === "failed" && x.severity === "required").map((x) => x.name)))];
  return `${c.verdict} (exit ${code}): ${count(c.summary.failed, "case")} failed, ${c.summary.inconclusive} inconclusive${failed.length > 0 ? `; failing checks: ${failed.join(", ")}` : ""}. The job summary shows each finding.`;
}

async function main(): Promise<number> {
  const cwd = process.cwd();
  const startedAt = Date.now();
  const action = process.env.INPUT_COMMAND?.trim() || "certify";
  let plan: ActionPlan;
  try {
    plan = planAction(process.env, cwd);
  } catch (error) {
    const sentence = error instanceof ConformanceError ? error.message : describeError(error);
    process.stdout.write(command("error", sentence, { title: TITLE }));
    writeOutputs({ verdict: "none", "exit-code": "2", "report-dir": "", passed: "0", failed: "0", skipped: "0", inconclusive: "0", scope: "none" });
    writeSummary(renderJobSummary(undefined, { exitCode: 2, error: sentence, artifactName: process.env.INPUT_ARTIFACT_NAME ?? "", command: action }));
    return 2;
  }
  // Each line of a secret is masked on its own (the runner masks per line), and escaped so that it cannot end the command.
  for (const secret of plan.secrets) for (const line of secret.split(/\r?\n/)) if (line.trim() !== "") process.stdout.write(`::add-mask::${escapeData(line)}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The inputs stay with this step: the suite reads its own flags, and the key only as LANGGRAPH_API_KEY.
  for (const name of Object.keys(env)) if (name.startsWith("INPUT_")) delete env[name];
  if (plan.apiKey !== "") env.LANGGRAPH_API_KEY = plan.apiKey;
  const quiet = quietSpan();
  process.stdout.write(quiet.begin);
  const run = await runSuite(BIN, plan.argv, env, process.stdout);
  process.stdout.write(quiet.end);
  const written = readThisRuns(plan, startedAt);
  const c = verdictOf(written, run.code);
  // Why there is no verdict: the suite's own record of it, not a line of its output a target's text could imitate.
  const recorded = written?.verdict === null && typeof written.reason === "string" ? written.reason : undefined;
  const closing = recorded ?? closingSentence(run.stderrTail)?.replace(/\s+/g, " ");
  // A step that passes must stand on a verdict of this run: exit 0 without one is a failure of its own.
  const code = run.code === 0 && c === undefined ? 1 : run.code;
  const sentence = run.code === 0 && c === undefined ? "The suite exited 0 but wrote no certification with a verdict for this run, so the gate cannot pass." : closing;
  writeOutputs({
    verdict: c?.verdict ?? "none",
    "exit-code": String(code),
    // Only a folder the suite took and wrote is named (and so uploaded): a folder it refused may be anything, the whole workspace.
    "report-dir": written === undefined ? "" : plan.reportDir,
    passed: String(c?.summary.passed ?? 0),
    failed: String(c?.summary.failed ?? 0),
    skipped: String(c?.summary.skipped ?? 0),
    inconclusive: String(c?.summary.inconclusive ?? 0),
    scope: c === undefined ? "none" : c.scope.complete ? "complete" : "partial",
  });
  writeSummary(renderJobSummary(c, { exitCode: code, ...(sentence === undefined ? {} : { error: sentence }), artifactName: plan.artifactName, command: action }));
  const message = annotation(c, code, sentence);
  if (message !== undefined) process.stdout.write(command("error", message, { title: TITLE }));
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(command("error", `The action failed to run the suite: ${describeError(error)}`, { title: TITLE }));
    process.exit(4);
  },
);
