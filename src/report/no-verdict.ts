import { seal } from "./integrity.js";
import { noVerdictBadge } from "./badge.js";
import { writeFilesAtomic } from "./files.js";
import { join } from "node:path";
import { renameSync, rmSync, writeFileSync } from "node:fs";

/**
 * What a run that ended without a verdict leaves in its report folder: a certification that says
 * there is none and why, so that no earlier run's verdict (perhaps of another target) can be read
 * as this run's.
 */
export interface NoVerdict {
  suite: { name: string; version: string };
  verdict: null;
  /** One sentence: why the run has no verdict. */
  reason: string;
  exitCode: number;
  commandLine: string;
  startedAt: string;
  finishedAt: string;
  integrity?: ReturnType<typeof seal>;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The no-verdict certification in every form a run with a verdict writes (but junit.xml, which would list no test); certification.json last. */
function noVerdictFiles(dir: string, report: Omit<NoVerdict, "integrity">): [string, string][] {
  const sealed: NoVerdict = { ...report, integrity: seal(report) };
  const sentence = `No verdict: ${report.reason} (exit ${report.exitCode}).`;
  return [
    [join(dir, "certification.md"), `# Webhook conformance: no verdict\n\n${sentence.replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;"))}\n\n- Command: \`${report.commandLine.replace(/`/g, "'")}\`\n- Ended: ${report.finishedAt}\n`],
    [join(dir, "badge.svg"), noVerdictBadge()],
    [join(dir, "certification.html"), `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Webhook conformance: no verdict</title></head>\n<body><h1>Webhook conformance: no verdict</h1>\n<p>${escapeHtml(sentence)}</p>\n<p>Command: <code>${escapeHtml(report.commandLine)}</code>; ended ${escapeHtml(report.finishedAt)}.</p></body></html>\n`],
    [join(dir, "certification.json"), `${JSON.stringify(sealed, null, 2)}\n`],
  ];
}

export async function writeNoVerdict(dir: string, report: Omit<NoVerdict, "integrity">): Promise<void> {
  await writeFilesAtomic(noVerdictFiles(dir, report));
}

/**
 * The same, at once, for a process about to exit (a second Ctrl-C, a cleanup past its grace):
 * whatever is in the folder is removed first, each file is written beside its place and renamed in.
 */
export function writeNoVerdictNow(dir: string, report: Omit<NoVerdict, "integrity">, remove: readonly string[]): void {
  for (const name of remove) rmSync(join(dir, name), { recursive: true, force: true });
  for (const [path, content] of noVerdictFiles(dir, report)) {
    const staged = `${path}.${process.pid}.tmp`;
    writeFileSync(staged, content);
    renameSync(staged, path);
  }
}
