import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Delivery } from "../evidence.js";
import type { Runtime } from "../runtime.js";
import { buildCertification, type Certification } from "./certification.js";
import type { CaseResult } from "./types.js";
import { seal } from "./integrity.js";
import { renderMarkdown } from "./markdown.js";
import { renderBadge } from "./badge.js";
import { renderHtml } from "./html.js";

/** Seals (and, given a key, signs) a certification and writes it in every form the suite offers. */
export async function writeCertification(dir: string, certification: Certification, privateKeyPem?: string): Promise<void> {
  delete certification.integrity;
  certification.integrity = seal(certification as unknown as Record<string, unknown>, privateKeyPem);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "certification.json"), `${JSON.stringify(certification, null, 2)}\n`);
  await writeFile(join(dir, "certification.md"), renderMarkdown(certification));
  await writeFile(join(dir, "badge.svg"), renderBadge(certification));
  await writeFile(join(dir, "certification.html"), renderHtml(certification));
}

/** Judges a run's cases and writes its reports, signed when the run has a key: Playwright's reporter and load mode both end here. */
export async function writeRunReports(runtime: Runtime, cases: readonly CaseResult[], strays: { strays: Delivery[]; dropped: number }): Promise<void> {
  const certification = buildCertification(runtime, cases, strays, new Date());
  const key = runtime.signKeyPath === undefined ? undefined : await readFile(runtime.signKeyPath, "utf8");
  await writeCertification(runtime.reportDir, certification, key);
}
