import { verdictWords, type Certification } from "./certification.js";
import { findingsOf, type Finding } from "./findings.js";
import { count, cut } from "../text.js";

/** A CI page shows many jobs: each finding's quotes are cut to this, the full text is in the artifact. */
const QUOTE_MAX = 600;
/** Findings shown in full; the rest are named only. */
const FINDINGS_MAX = 10;

/** A fenced block that no backtick run in the text can close early, so a target's text stays inert. */
function fenced(text: string, language = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

/** Text from the target on one line, with nothing GitHub would render as markup. */
function plain(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/[\\`*_[\]<>|#!~&]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function findingBlock(f: Finding): string[] {
  const [first, ...rest] = f.items;
  const kind = f.kind === "recommended" ? "warning" : f.kind === "inconclusive" ? "could not judge" : "failed";
  const lines = [`### \`${plain(f.title)}\` (${kind}): ${count(f.items.length, "case")}`, "", `**${plain(first!.c.id)}** (${plain(first!.c.operation)}): ${plain(cut(first!.message, QUOTE_MAX))}`, ""];
  if (first!.expected !== undefined) lines.push("Expected:", "", fenced(cut(first!.expected, QUOTE_MAX)), "");
  if (first!.received !== undefined) lines.push("Received:", "", fenced(cut(first!.received, QUOTE_MAX)), "");
  if (first!.c.reproduce) lines.push("Reproduce with:", "", fenced(cut(first!.c.reproduce, QUOTE_MAX), "sh"), "");
  if (rest.length > 0) lines.push(`Also on: ${rest.map((item) => plain(item.c.id)).join(", ")}.`, "");
  return lines;
}

export interface SummaryContext {
  exitCode: number;
  /** The one sentence the suite ended with, when it ended without a verdict. */
  error?: string;
  artifactName: string;
  /** What the step ran: certify or merge. */
  command: string;
}

/** The job summary ($GITHUB_STEP_SUMMARY): the verdict, the counts, each finding once, and where the reports went. */
export function renderJobSummary(c: Certification | undefined, context: SummaryContext): string {
  const lines = ["## LangGraph webhook conformance", ""];
  if (c === undefined) {
    lines.push(`**No verdict** (exit ${context.exitCode}): ${plain(context.error ?? "the suite wrote no certification")}`, "");
  } else {
    const s = c.summary;
    lines.push(
      `**${verdictWords(c)}** (exit ${context.exitCode}) for ${plain(c.target.embedded ?? c.target.url)}${context.command === "merge" ? `, merged from ${c.shards?.length ?? 0} share(s)` : ""}`,
      "",
      "| Cases | Passed | Failed | Skipped | Inconclusive | Flaky | Warnings |",
      "|---|---|---|---|---|---|---|",
      `| ${s.cases} | ${s.passed} | ${s.failed} | ${s.skipped} | ${s.inconclusive} | ${s.flaky} | ${s.warnings} |`,
      "",
    );
    if (!c.scope.complete) lines.push(`Partial: ${c.scope.reasons.map(plain).join(" ")}`, "");
    if (c.gate.expected.length > 0) lines.push(`Failures waived by the expected-failures file: ${c.gate.expected.map((f) => plain(`${f.case}/${f.check}`)).join(", ")}.`, "");
    const findings = findingsOf(c.cases).filter((f) => f.kind !== "recommended");
    const warnings = findingsOf(c.cases).filter((f) => f.kind === "recommended");
    for (const f of findings.slice(0, FINDINGS_MAX)) lines.push(...findingBlock(f));
    if (findings.length > FINDINGS_MAX) lines.push(`And ${findings.length - FINDINGS_MAX} more finding(s): ${findings.slice(FINDINGS_MAX).map((f) => plain(f.title)).join(", ")}.`, "");
    if (warnings.length > 0) lines.push(`Warnings (recommended checks): ${warnings.map((f) => `\`${plain(f.title)}\` on ${count(f.items.length, "case")}`).join(", ")}.`, "");
  }
  lines.push(`Reports: the artifact **${plain(context.artifactName)}** (certification.html is the page to read).`, "");
  return `${lines.join("\n")}\n`;
}
