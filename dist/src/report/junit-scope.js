import { verdictWords } from "./certification.js";
const attr = (text) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\n/g, "&#10;");
/** Our block, found again by its first property, so writing the certification twice leaves one. */
const OURS = /<properties>\n<property name="certificate\.verdict"[\s\S]*?<\/properties>\n/g;
/**
 * Playwright's junit.xml with the certificate's verdict and scope as properties of each test
 * suite: a CI system that shows only the JUnit file still sees that a certificate is partial.
 */
export function junitWithScope(xml, certification) {
    const properties = [
        ["certificate.verdict", verdictWords(certification)],
        ["certificate.scope", certification.scope.complete ? "complete" : "partial"],
        ...certification.scope.reasons.map((reason) => ["certificate.scope.reason", reason]),
    ];
    const block = `<properties>\n${properties.map(([name, value]) => `<property name="${name}" value="${attr(value)}"/>`).join("\n")}\n</properties>\n`;
    return xml.replace(OURS, "").replace(/(<testsuite\b[^>]*>\n)/g, `$1${block}`);
}
