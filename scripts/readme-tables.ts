/**
 * The README's tables of cases, checks, flags and exit codes, made from the catalog, the check
 * registry, the help text and the exit codes, so the README cannot drift from the code.
 * `npm run readme` rewrites them; tests/readme.test.ts fails when the README differs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ALL_CASES } from "../src/cases/catalog.js";
import { CHECKS } from "../src/checks/index.js";
import { HELP } from "../src/cli/help.js";
import { EXIT_MEANINGS } from "../src/cli/exit-code.js";

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

function casesTable(): string {
  const rows = ALL_CASES.map((c) => {
    const needs = [c.needsGraph ? "the conformance graph" : "", c.cron ? "crons" : "", c.profile === "hardening" ? "--profile hardening" : ""].filter(Boolean).join(", ") || "any assistant";
    return `| ${c.id} | ${c.operation} | ${cell(c.title)} | ${needs} |`;
  });
  return ["| Case | Operation | What it does | Runs with |", "|---|---|---|---|", ...rows].join("\n");
}

function checksTable(): string {
  const rows = CHECKS.map((c) => `| ${c.name} | ${c.severity}${c.profile === "hardening" ? " (hardening)" : ""} | ${c.version} | ${cell(c.description)} |`);
  return ["| Check | Severity | Version | Passes when |", "|---|---|---|---|", ...rows].join("\n");
}

/** The help's flag lines: "  --flag ARG   text" and the lines indented under them. */
function flagsTable(): string {
  const section = HELP.slice(HELP.indexOf("Target (one of):"), HELP.indexOf("\nCases ("));
  const rows: [string, string][] = [];
  for (const line of section.split("\n")) {
    const flag = /^ {2}(-\S.*?)(?: {2,}(.*))?$/.exec(line);
    if (flag) rows.push([flag[1]!.trim(), (flag[2] ?? "").trim()]);
    else if (/^ {4,}\S/.test(line) && rows.length > 0) rows[rows.length - 1]![1] = `${rows[rows.length - 1]![1]} ${line.trim()}`.trim();
  }
  return ["| Flag | What it does |", "|---|---|", ...rows.map(([flag, text]) => `| \`${flag}\` | ${cell(text)} |`)].join("\n");
}

function exitTable(): string {
  return ["| Code | Meaning |", "|---|---|", ...Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `| ${code} | ${cell(meaning)} |`)].join("\n");
}

export const TABLES: Record<string, () => string> = { cases: casesTable, checks: checksTable, flags: flagsTable, "exit-codes": exitTable };

/** The README with every generated table made anew (between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`). */
export function withTables(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(TABLES)) {
    const begin = `<!-- generated:${name} (npm run readme) -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = out.indexOf(begin);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md lacks the markers of the ${name} table`);
    out = `${out.slice(0, from + begin.length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}

if (process.argv[1]?.endsWith("readme-tables.ts")) {
  const path = join(import.meta.dirname, "..", "README.md");
  writeFileSync(path, withTables(readFileSync(path, "utf8")));
}
