import { count } from "../text.js";
import { indentJson } from "./indent-json.js";
import { nestingDepth } from "../json.js";
import { leftoverRunTags, verdictWords, type Certification } from "./certification.js";
import type { CaseResult, RunResult } from "./types.js";
import { LATENCY_NOTE, loadLines, type LoadSummary } from "./load.js";
import { describeWindows } from "../conductor/windows.js";
import { findingsOf, REPLAY_LOCAL, type Finding } from "./findings.js";

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Indentation grows with depth on every line: evidence nested deeper is shown as it came. */
const MAX_INDENT_DEPTH = 64;

/** Evidence as the target wrote it, indented: JSON.parse would drop a repeated key and round large numerals. */
function pretty(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  return nestingDepth(value, MAX_INDENT_DEPTH) > MAX_INDENT_DEPTH ? text : indentJson(text);
}

const OUTCOME_SUFFIXES = [
  "cancel-interrupt",
  "cancel-rollback",
  "cancel-pending",
  "interrupt-before",
  "second-firing",
  "error",
  "default",
  "change",
];

/** The outcome a case drives, read from its id: "thread-run-error" → "error". */
/** Hardening probes: the column of their group, and the short name their mark carries. */
const PROBE_GROUPS: [string, string][] = [
  ["hardening-webhook-", "invalid webhook value"],
  ["hardening-retry-", "receiver fails once"],
  ["hardening-survives-", "many deliveries fail"],
];

function probeName(id: string): string | undefined {
  const group = PROBE_GROUPS.find(([prefix]) => id.startsWith(prefix));
  return group === undefined ? undefined : id.slice(group[0].length);
}

export function outcomeOf(id: string): string {
  const probe = PROBE_GROUPS.find(([prefix]) => id.startsWith(prefix));
  if (probe) return probe[1];
  const multitask = /^thread-multitask-(\w+)$/.exec(id);
  if (multitask) return `multitask ${multitask[1]}`;
  const suffix = OUTCOME_SUFFIXES.find((s) => id.endsWith(`-${s}`));
  if (suffix === "default") return "deleted on completion";
  if (suffix === "change") return "webhook replaced";
  return suffix ?? "success";
}

const MARK: Record<string, string> = { passed: "pass", failed: "FAIL", skipped: "skip", flaky: "FLAKY", inconclusive: "UNJUDGED" };

function matrix(cases: CaseResult[]): string {
  const rows = [...new Set(cases.map((c) => c.operation))];
  const cols = [...new Set(cases.map((c) => outcomeOf(c.id)))];
  const head = `<tr><th>Operation</th>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>`;
  const body = rows
    .map((op) => {
      const cells = cols.map((col) => {
        const here = cases.filter((c) => c.operation === op && outcomeOf(c.id) === col);
        if (here.length === 0) return `<td class="none">—</td>`;
        const mark = (c: CaseResult): string => {
          const name = probeName(c.id);
          return `${name === undefined ? "" : `${esc(name)}: `}${MARK[c.outcome] ?? c.outcome}`;
        };
        return `<td>${here.map((c) => `<a class="${c.outcome}" href="#${esc(c.id)}" title="${esc(c.id)}">${mark(c)}</a>`).join(" ")}</td>`;
      });
      return `<tr><th scope="row">${esc(op)}</th>${cells.join("")}</tr>`;
    })
    .join("\n");
  return `<table class="matrix">${head}\n${body}</table>`;
}

/** The evidence of a case's runs: each run's first delivery, folded. */
function evidenceOf(c: CaseResult): string {
  return c.runs
    .filter((r) => r.evidence)
    .map(
      (r) => `<details><summary>Evidence: first delivery for ${esc(r.label)}</summary>
<pre>${esc(`${r.evidence!.method} ${r.evidence!.target}\n${r.evidence!.headers.map(([k, v]) => `${k}: ${v}`).join("\n")}`)}</pre>
<pre>${esc(pretty(r.evidence!.body))}</pre></details>`,
    )
    .join("\n");
}

/** Each figure names its clock: the suite's own for what it saw, the target's run_ended_at for the run's end. */
function timingsOf(c: CaseResult): string {
  const delivery = (t: RunResult["timings"]): string => {
    if (t.createdToDeliveryMs === undefined) return "no delivery timed";
    const fromEnd =
      t.endToDeliveryMs === undefined
        ? "the body gave no run_ended_at"
        : t.clockSkew === true
          ? `run_ended_at to delivery ${t.endToDeliveryMs} ms, which the create call's figure shows to be clock skew between the target and this machine`
          : `run_ended_at to delivery ${t.endToDeliveryMs} ms`;
    return `create call to delivery ${t.createdToDeliveryMs} ms; ${fromEnd}`;
  };
  // A create probe has no run to time: its answer is all there is.
  const line = (r: RunResult): string =>
    r.creation !== undefined
      ? `${esc(r.label)}: create answer ${esc(r.creation)}`
      : `${esc(r.label)}: create call to the end the suite saw ${r.timings.createdToTerminalMs ?? "?"} ms; ${delivery(r.timings)}${r.attempts === undefined ? "" : `; receiver saw ${esc(r.attempts)}`}`;
  return c.runs.map(line).join("<br>");
}

function reproduceOf(c: CaseResult): string {
  return c.reproduce ? `<h4>Reproduce with:</h4><pre class="curl">${esc(c.reproduce)}</pre>` : "";
}

const KIND_WORDS: Record<Finding["kind"], string> = { required: "required", recommended: "recommended: a warning", inconclusive: "could not judge", case: "case" };

/** A finding once, with the first case's evidence open and every other case one click away. */
function findingSection(f: Finding): string {
  const [first, ...rest] = f.items;
  const detail = (item: Finding["items"][number]): string =>
    `<p>${esc(item.message)}</p>${item.expected === undefined && item.received === undefined ? "" : `<dl><dt>Expected</dt><dd><pre>${esc(item.expected ?? "")}</pre></dd><dt>Received</dt><dd><pre>${esc(item.received ?? "")}</pre></dd></dl>`}`;
  const others = rest
    .map((item) => `<details class="more"><summary><a href="#${esc(item.c.id)}">${esc(item.c.id)}</a> — ${esc(item.c.operation)}</summary>${detail(item)}${reproduceOf(item.c)}</details>`)
    .join("\n");
  return `<section class="finding ${f.kind}" id="finding-${esc(f.key.replace(/[^a-z0-9-]/gi, "-"))}">
<h3>${esc(f.title)} <small>(${KIND_WORDS[f.kind]})</small> — ${count(f.items.length, "case")}</h3>
<div class="check ${f.kind === "inconclusive" ? "inconclusive" : f.kind === "case" ? "required" : f.kind}"><h4><a href="#${esc(first!.c.id)}">${esc(first!.c.id)}</a> — ${esc(first!.c.operation)}</h4>
${detail(first!)}
${evidenceOf(first!.c).replace("<details>", "<details open>")}
${reproduceOf(first!.c)}</div>
${rest.length > 0 ? `<p class="others">Also on ${count(rest.length, "other case")}:</p>\n${others}` : ""}
</section>`;
}

/** A case in brief: its outcome, which findings name it, its timings; evidence and reproduction folded. */
function caseSection(c: CaseResult): string {
  const named = c.checks.filter((k) => k.outcome === "failed" || k.outcome === "inconclusive").map((k) => `${k.name} (${k.outcome === "inconclusive" ? "could not judge" : k.severity})`);
  const timings = timingsOf(c);
  return `<section class="case ${c.outcome}" id="${esc(c.id)}">
<h3>${esc(c.id)} — ${esc(c.operation)} <span class="badge ${c.outcome}">${c.outcome}</span></h3>
<p class="title">${esc(c.title)} · ${count(c.deliveries, "delivery", "deliveries")} · ${c.durationMs} ms</p>
${c.reason ? `<p class="reason">${esc(c.reason)}</p>` : ""}
${named.length > 0 ? `<p class="named">Findings: ${esc(named.join(", "))}</p>` : ""}
${timings ? `<p class="timings">${timings}</p>` : ""}
${evidenceOf(c)}
${c.reproduce ? `<details><summary>Reproduce with</summary><pre class="curl">${esc(c.reproduce)}</pre></details>` : ""}
</section>`;
}

function loadTable(load: LoadSummary): string {
  const rows = load.operations
    .map(
      (o) =>
        `<tr><td>${esc(o.operation)}</td><td>${o.runs}</td><td>${o.delivered}</td><td>${o.lost}</td><td>${o.duplicates}</td><td>${o.p50Ms ?? "–"} / ${o.p95Ms ?? "–"} / ${o.p99Ms ?? "–"} ms</td><td>${o.createdP50Ms ?? "–"} / ${o.createdP95Ms ?? "–"} / ${o.createdP99Ms ?? "–"} ms</td><td>${o.skewed ?? 0}</td></tr>`,
    )
    .join("");
  return `<h2>Load</h2><p>${esc(loadLines(load)[0]!)}</p>
<table class="load"><tr><th>Operation</th><th>Runs</th><th>Delivered</th><th>Lost</th><th>Duplicates</th><th>run_ended_at → delivery p50 / p95 / p99</th><th>create call → delivery p50 / p95 / p99</th><th>Clock skew</th></tr>${rows}</table>
<p>${esc(LATENCY_NOTE)}</p>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1b1b1b;padding:0 1rem}
h1{font-size:1.6rem;margin:.2rem 0}
.verdict{padding:1rem 1.2rem;border-radius:6px;color:#fff;font-size:1.3rem;font-weight:600}
.verdict.conformant{background:#2e7d32}.verdict.non-conformant{background:#c62828}.verdict.inconclusive{background:#8a6d00}
table{border-collapse:collapse;margin:.6rem 0;width:100%}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
.matrix td{text-align:center}
a.passed{color:#2e7d32}a.failed{color:#c62828;font-weight:700}a.skipped{color:#777}
td.none{color:#bbb}
pre{background:#f5f5f5;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;margin:.3rem 0}
.case{border-top:1px solid #ddd;padding-top:.4rem;margin-top:1rem}
.badge{font-size:.8rem;padding:.1rem .4rem;border-radius:4px;color:#fff}
.badge.passed{background:#2e7d32}.badge.failed{background:#c62828}.badge.skipped{background:#777}
.check.required h4{color:#c62828}.check.recommended h4{color:#a15c00}.check.inconclusive h4{color:#8a6d00}
.finding{border:1px solid #ddd;border-radius:6px;padding:.3rem .9rem;margin:1rem 0}
.finding.required,.finding.case{border-left:5px solid #c62828}.finding.recommended{border-left:5px solid #a15c00}.finding.inconclusive{border-left:5px solid #8a6d00}
details.more{margin:.2rem 0 .2rem 1rem}
.matrix-box{overflow-x:auto;max-width:100%}
.matrix{font-size:.85rem;width:auto;min-width:100%}.matrix th,.matrix td{padding:.25rem .35rem}
.badge.inconclusive{background:#8a6d00}.badge.flaky{background:#6a1b9a}
a.inconclusive{color:#8a6d00;font-weight:700}
dl{margin:.2rem 0}dt{font-weight:600}dd{margin:0 0 .4rem 0}
.meta dt{float:left;clear:left;width:11rem}.meta dd{margin-left:11.5rem}
@media print{details{display:block}details>summary{display:none}.case,.finding{break-inside:avoid}.matrix-box{overflow:visible}}
`;

/** certification.html: one self-contained page (no scripts, no external assets) a person can read and print. */
export function renderHtml(c: Certification): string {
  const s = c.summary;
  const findings = findingsOf(c.cases);
  const target = c.schema.target;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Webhook certification: ${esc(verdictWords(c))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>Webhook certification</h1>
<div class="verdict ${c.verdict}" role="status">Verdict: ${esc(verdictWords(c))} — ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.inconclusive ? `, ${s.inconclusive} inconclusive` : ""} of ${count(s.cases, "case")}; ${count(s.warnings, "warning")}</div>
${c.scope.complete ? "" : `<p class="scope"><strong>Partial certificate:</strong> ${esc(c.scope.reasons.join("; "))}.</p>`}
<h2>Target</h2>
<dl class="meta">
<dt>URL</dt><dd>${esc(c.target.url)}${c.target.embedded === undefined ? "" : ` (${esc(c.target.embedded)})`}</dd>
<dt>Assistant</dt><dd>${esc(c.assistant.requested)} (${esc(c.assistant.resolved)})</dd>
<dt>GET /info</dt><dd>${c.target.info === null ? "none: the target has no GET /info (its API answers all the same); whether it runs crons is unknown, so the cron cases were tried" : `<pre>${esc(JSON.stringify(c.target.info, null, 2))}</pre>`}</dd>
</dl>
<h2>Suite and settings</h2>
<dl class="meta">
<dt>Suite</dt><dd>${esc(`${c.suite.name} ${c.suite.version}`)}</dd>
<dt>Schema</dt><dd>${esc(c.schema.source)}${c.schema.version ? ` (version ${esc(c.schema.version)})` : ""}</dd>
<dt>Target's /openapi.json</dt><dd>${esc(target.available ? (target.differences.length === 0 ? "its Run schema agrees" : `its Run schema differs: ${target.differences.join("; ")}`) : target.reason)}</dd>
<dt>Settle window</dt><dd>${c.settleMs} ms</dd>
<dt>Deadlines</dt><dd>run ${c.timeoutMs} ms, cron ${c.cronTimeoutMs} ms</dd>
${c.windows === undefined ? "" : `<dt>Windows</dt><dd>the suite ${esc(describeWindows(c.windows))}</dd>`}
<dt>Started / finished</dt><dd>${esc(c.startedAt)} / ${esc(c.finishedAt)}</dd>
<dt>Command</dt><dd><code>${esc(c.commandLine)}</code></dd>
<dt>Run tag</dt><dd><code>${esc(c.runTag)}</code></dd>
${c.leftOnTarget === undefined || c.leftOnTarget.length === 0 ? "" : `<dt>Left on the target</dt><dd>${c.leftOnTarget.map(esc).join("<br>")} (remove with ${leftoverRunTags(c).map((tag) => `<code>lg-webhook-conformance cleanup --target URL --run ${esc(tag)}</code>`).join(" and ")})</dd>`}
${c.integrity ? `<dt>SHA-256</dt><dd><code>${esc(c.integrity.sha256)}</code>${c.integrity.signature ? ` · signed with Ed25519 key ${esc(c.integrity.signature.keyId)}` : ""}</dd>` : ""}
</dl>
${c.profile === "hardening" ? `<p><strong>Profile: hardening</strong> — probes that may disrupt the target.</p>` : ""}
${c.load === undefined ? "" : loadTable(c.load)}
<h2>Operations × outcomes</h2>
<div class="matrix-box">${matrix(c.cases)}</div>
<h2>Findings</h2>${c.target.embedded === undefined ? "" : `\n<p class="replay">${esc(REPLAY_LOCAL)}</p>`}
${findings.length === 0 ? "<p>None.</p>" : findings.map(findingSection).join("\n")}
<h2>All cases</h2>
${c.cases.map(caseSection).join("\n")}
<h2>Checks</h2>
<ul>${c.checkDefinitions.map((d) => `<li><code>${esc(d.name)}</code> (${d.severity}, v${d.version}): ${esc(d.description)}</li>`).join("")}</ul>
</body></html>
`;
}
