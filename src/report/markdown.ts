import { count, cut } from "../text.js";
import { leftoverRunTags, verdictWords, type Certification } from "./certification.js";
import { LATENCY_NOTE, loadLines } from "./load.js";
import { describeWindows } from "../conductor/windows.js";
import { findingsOf, REPLAY_LOCAL, type Finding } from "./findings.js";

const KIND_WORDS: Record<Finding["kind"], string> = { required: "required", recommended: "recommended: a warning", inconclusive: "could not judge", case: "did not finish" };

/** Text from the target, on one line and inert: no line breaks, no HTML (a comment would hide the rest of the page). */
function inline(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function cell(text: string): string {
  return inline(text.replace(/\|/g, "\\|").replace(/\r?\n/g, "\u0000")).replace(/\u0000/g, "<br>");
}

/** A fenced block longer than any backtick run in the text, so the text cannot close it. */
function fence(text: string): string {
  const ticks = "`".repeat(Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return `${ticks}\n${text}\n${ticks}`;
}

/** certification.md: the same facts as certification.json, for a person. */
export function renderMarkdown(c: Certification): string {
  const lines: string[] = [];
  const badge = c.verdict === "conformant" ? `✅ ${verdictWords(c)}` : c.verdict === "inconclusive" ? `⚠️ ${verdictWords(c)}` : `❌ ${verdictWords(c)}`;
  lines.push(`# Webhook certification: ${badge}`, "");
  if (!c.scope.complete) lines.push(`**Partial certificate**: ${inline(c.scope.reasons.join("; "))}.`, "");
  lines.push(`- Target: ${c.target.url}${c.target.embedded === undefined ? "" : ` (${c.target.embedded})`}`);
  const info = c.target.info as { version?: unknown; context?: unknown } | null;
  // Only what the target said: a server that does not give its context is not shown a "?".
  // The target's words, cut: a version of half a megabyte is not a version.
  const said = (name: string, value: unknown): string[] => (typeof value === "string" || typeof value === "number" ? [`${name} ${inline(cut(String(value), 200))}`] : []);
  const reports = info && typeof info === "object" ? [...said("version", info.version), ...said("context", info.context)] : [];
  lines.push(
    `- Target reports: ${info === null ? "nothing: it has no GET /info (the API answers all the same); whether it runs crons is unknown, so the cron cases were tried" : reports.length > 0 ? reports.join(", ") : "no version or context (its GET /info does not say)"}`,
  );
  lines.push(`- Suite: ${c.suite.name} ${c.suite.version}`);
  lines.push(`- Assistant: ${c.assistant.requested} (${c.assistant.resolved})`);
  lines.push(`- Schema: ${c.schema.source}${c.schema.version ? ` (version ${c.schema.version})` : ""}`);
  const t = c.schema.target;
  lines.push(
    `- Target's own /openapi.json: ${inline(t.available ? (t.differences.length === 0 ? "served; its Run schema agrees" : `served; its Run schema differs: ${t.differences.join("; ")}`) : t.reason)}`,
  );
  lines.push(
    c.windows === undefined
      ? `- Settle window: ${c.settleMs} ms; run deadline: ${c.timeoutMs} ms; cron deadline: ${c.cronTimeoutMs} ms`
      : `- Windows: the suite ${describeWindows(c.windows)}`,
  );
  const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;
  lines.push(
    `- Sink: keeps up to ${mib(c.sink.maxBodyBytes)} of one body and ${mib(c.sink.budgetBytes)} in all; kept ${c.sink.keptBytes} bytes; ${c.strays.count} stray request(s), ${c.sink.noise} other request(s), ${c.sink.discarded + c.sink.dropped} not kept, ${c.sink.refusedConnections} connection(s) refused, ${c.sink.aborted ?? 0} request(s) closed by their sender before their body ended`,
  );
  if (c.leftOnTarget !== undefined && c.leftOnTarget.length > 0) {
    const commands = leftoverRunTags(c).map((tag) => `\`lg-webhook-conformance cleanup --target URL --run ${tag}\``);
    lines.push(`- Left on the target by the cleanup (remove with ${commands.join(" and ")}): ${c.leftOnTarget.map(inline).join("; ")}`);
  }
  lines.push(`- Started ${c.startedAt}, finished ${c.finishedAt}`);
  lines.push(`- Command: \`${c.commandLine}\``, "");
  const s = c.summary;
  lines.push(`**${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.flaky} flaky, ${s.inconclusive} inconclusive** of ${count(s.cases, "case")}; ${count(s.warnings, "recommended-check warning")}.`, "");
  const g = c.gate;
  if (g.expected.length + g.nowPassing.length + g.flaky.length > 0) {
    lines.push(
      `Gate: ${g.passed ? "passed" : "failed"}; expected failures: ${g.expected.map((f) => `${f.case}/${f.check}`).join(", ") || "none"}; no longer failing: ${g.nowPassing.map((f) => `${f.case}/${f.check}`).join(", ") || "none"}; flaky: ${g.flaky.join(", ") || "none"}.`,
      "",
    );
  }
  if (c.profile === "hardening") {
    lines.push("Profile: **hardening** (probes that may disrupt the target: invalid webhook values, failing receivers, retries).", "");
  }
  if (c.load !== undefined) {
    const [head, ...rows] = loadLines(c.load);
    lines.push(`**${head}**`, "", "| Operation | Runs | Delivered | Lost | Duplicates | run_ended_at → delivery p50 / p95 / p99 | create call → delivery p50 / p95 / p99 | Clock skew |", "|---|---|---|---|---|---|---|---|");
    for (const o of c.load.operations) {
      lines.push(`| ${cell(o.operation)} | ${o.runs} | ${o.delivered} | ${o.lost} | ${o.duplicates} | ${o.p50Ms ?? "–"} / ${o.p95Ms ?? "–"} / ${o.p99Ms ?? "–"} ms | ${o.createdP50Ms ?? "–"} / ${o.createdP95Ms ?? "–"} / ${o.createdP99Ms ?? "–"} ms | ${o.skewed ?? 0} |`);
    }
    lines.push("", `${LATENCY_NOTE} (${rows.length} operation(s).)`, "");
  }
  lines.push("| Case | Operation | Outcome | Deliveries | Duration | Notes |", "|---|---|---|---|---|---|");
  for (const k of c.cases) {
    const failed = k.checks.filter((x) => x.outcome === "failed" && x.severity === "required").map((x) => x.name);
    const warned = k.checks.filter((x) => x.outcome === "failed" && x.severity === "recommended").map((x) => x.name);
    const note = [k.reason, failed.length > 0 ? `failed: ${failed.join(", ")}` : "", warned.length > 0 ? `warning: ${warned.join(", ")}` : ""]
      .filter(Boolean)
      .join("; ");
    lines.push(`| ${cell(k.id)} | ${cell(k.operation)} | ${k.outcome} | ${k.deliveries} | ${k.durationMs} ms | ${cell(note)} |`);
  }
  // Each finding once, with its first case in full and the others named: 33 cases with one warning make one entry, not 33.
  const findings = findingsOf(c.cases);
  if (findings.length > 0) lines.push("", "## Findings", ...(c.target.embedded === undefined ? [] : ["", REPLAY_LOCAL]));
  for (const f of findings) {
    const [first, ...rest] = f.items;
    lines.push("", `### ${f.title} (${KIND_WORDS[f.kind]}) — ${count(f.items.length, "case")}`, "", `**${first!.c.id}** — ${inline(first!.c.operation)}: ${inline(first!.message)}`);
    if (first!.expected !== undefined || first!.received !== undefined) lines.push("", `- Expected: ${cell(first!.expected ?? "")}`, `- Received: ${cell(first!.received ?? "")}`);
    if (first!.c.reproduce) lines.push("", "Reproduce with:", "", fence(first!.c.reproduce));
    if (rest.length > 0) lines.push("", `Also on: ${rest.map((item) => `${item.c.id}${item.message === first!.message ? "" : ` (${inline(item.message)})`}`).join("; ")}.`);
  }
  const probes = c.cases.filter((k) => k.runs.some((r) => r.attempts !== undefined || r.creation !== undefined));
  if (probes.length > 0) lines.push("", "## What the probes saw");
  for (const k of probes) {
    lines.push("", `- **${k.id}** (${k.outcome})`);
    for (const r of k.runs) {
      if (r.creation !== undefined) lines.push(`  - create answer: ${cell(r.creation)}`);
      if (r.attempts !== undefined) lines.push(`  - ${cell(r.label)}: ${cell(r.attempts)}`);
    }
  }
  lines.push("", "## Checks", "");
  for (const d of c.checkDefinitions) lines.push(`- \`${d.name}\` (${d.severity}, v${d.version}): ${d.description}`);
  return `${lines.join("\n")}\n`;
}
