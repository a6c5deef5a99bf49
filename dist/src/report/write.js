import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { buildCertification } from "./certification.js";
import { seal } from "./integrity.js";
import { renderMarkdown } from "./markdown.js";
import { renderBadge } from "./badge.js";
import { renderHtml } from "./html.js";
import { writeFilesAtomic } from "./files.js";
import { renderJunit } from "./junit.js";
import { inert } from "../text.js";
/** Seals (and, given a key, signs) a certification and writes it in every form the suite offers, each file whole or not at all. */
export async function writeCertification(dir, certification, privateKeyPem, redactor, stopped = () => false) {
    delete certification.integrity;
    certification.integrity = seal(certification, privateKeyPem);
    // The pages render bodies anew (pretty-printed JSON decodes escapes), so they are cleaned as rendered.
    const clean = (text) => inert(redactor?.text(text) ?? text);
    await mkdir(dir, { recursive: true });
    // Load mode's repetitions are measurements, not test cases: it writes no junit.xml.
    const junit = certification.load === undefined ? clean(renderJunit(certification)) : undefined;
    return writeFilesAtomic([
        ...(junit === undefined ? [] : [[join(dir, "junit.xml"), junit]]),
        [join(dir, "certification.md"), clean(renderMarkdown(certification))],
        [join(dir, "badge.svg"), renderBadge(certification)],
        [join(dir, "certification.html"), clean(renderHtml(certification))],
        // Last: a reader who finds certification.json finds the other forms of the same run beside it.
        [join(dir, "certification.json"), `${JSON.stringify(certification, null, 2)}\n`],
    ], stopped);
}
/** Judges a run's cases and writes its reports, signed when the run has a key; nothing is written, and undefined returned, if the run is stopped meanwhile. */
export async function writeRunReports(runtime, cases, stats, redactor, stopped = () => false, leftOnTarget = []) {
    const certification = buildCertification(runtime, cases, stats, new Date(), redactor, leftOnTarget);
    const key = runtime.signKeyPath === undefined ? undefined : await readFile(runtime.signKeyPath, "utf8");
    return (await writeCertification(runtime.reportDir, certification, key, redactor, stopped)) ? certification : undefined;
}
