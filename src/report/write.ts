import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SinkStats } from "../sink/server.js";
import type { Runtime } from "../runtime.js";
import { buildCertification, type Certification } from "./certification.js";
import type { CaseResult } from "./types.js";
import { seal } from "./integrity.js";
import { renderMarkdown } from "./markdown.js";
import { renderBadge } from "./badge.js";
import { renderHtml } from "./html.js";
import type { Redactor } from "./redact.js";
import { writeFileAtomic } from "./files.js";

/** Seals (and, given a key, signs) a certification and writes it in every form the suite offers, each file whole or not at all. */
export async function writeCertification(dir: string, certification: Certification, privateKeyPem?: string, redactor?: Redactor): Promise<void> {
  delete certification.integrity;
  certification.integrity = seal(certification as unknown as Record<string, unknown>, privateKeyPem);
  // The pages render bodies anew (pretty-printed JSON decodes escapes), so they are cleaned as rendered.
  const clean = (text: string): string => redactor?.text(text) ?? text;
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, "certification.md"), clean(renderMarkdown(certification)));
  await writeFileAtomic(join(dir, "badge.svg"), renderBadge(certification));
  await writeFileAtomic(join(dir, "certification.html"), clean(renderHtml(certification)));
  // Last: a reader who finds certification.json finds the other forms of the same run beside it.
  await writeFileAtomic(join(dir, "certification.json"), `${JSON.stringify(certification, null, 2)}\n`);
}

/** Judges a run's cases and writes its reports, signed when the run has a key. */
export async function writeRunReports(runtime: Runtime, cases: readonly CaseResult[], stats: SinkStats, redactor: Redactor): Promise<Certification> {
  const certification = buildCertification(runtime, cases, stats, new Date(), redactor);
  const key = runtime.signKeyPath === undefined ? undefined : await readFile(runtime.signKeyPath, "utf8");
  await writeCertification(runtime.reportDir, certification, key, redactor);
  return certification;
}
