import { verdictWords } from "./certification.js";
const xml = (text) => text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
const attr = (text) => xml(text).replace(/\n/g, "&#10;");
/**
 * junit.xml made from the certification (not from the test runner): one test case per case, a
 * failure for each case that failed, was flaky or could not be judged, with its checks' expected
 * and received; the certificate's verdict and scope as properties, so a CI system that shows only
 * the JUnit file still sees that a certificate is partial.
 */
export function renderJunit(c) {
    const properties = [
        ["certificate.verdict", verdictWords(c)],
        ["certificate.scope", c.scope.complete ? "complete" : "partial"],
        ...c.scope.reasons.map((reason) => ["certificate.scope.reason", reason]),
    ];
    const failing = (outcome) => outcome === "failed" || outcome === "flaky" || outcome === "inconclusive";
    const cases = c.cases.map((k) => {
        const open = `<testcase name="${attr(k.id)}" classname="${attr(k.operation)}" time="${(k.durationMs / 1000).toFixed(3)}">`;
        if (k.outcome === "skipped")
            return `${open}<skipped message="${attr(k.reason ?? "skipped")}"/></testcase>`;
        const warned = k.checks.filter((x) => x.outcome === "failed" && x.severity === "recommended").map((x) => `warning ${x.name}: ${x.message}`);
        const out = warned.length > 0 ? `<system-out>${xml(warned.join("\n"))}</system-out>` : "";
        if (!failing(k.outcome))
            return `${open}${out}</testcase>`;
        const findings = k.checks.filter((x) => (x.outcome === "failed" && x.severity === "required") || x.outcome === "inconclusive");
        const message = findings.length > 0 ? `${k.outcome}: ${findings.map((x) => x.name).join(", ")}` : `${k.outcome}: ${k.reason ?? ""}`;
        const detail = [
            ...(k.reason ? [k.reason] : []),
            ...findings.map((x) => `${x.name} (${x.outcome === "inconclusive" ? "could not judge" : x.severity}): ${x.message}\n  Expected: ${x.expected ?? ""}\n  Received: ${x.received ?? ""}`),
            ...(k.reproduce ? [`Reproduce with:\n${k.reproduce}`] : []),
        ].join("\n");
        return `${open}<failure message="${attr(message)}" type="${k.outcome}">${xml(detail)}</failure>${out}</testcase>`;
    });
    const failures = c.cases.filter((k) => failing(k.outcome)).length;
    const skipped = c.cases.filter((k) => k.outcome === "skipped").length;
    const time = (c.cases.reduce((sum, k) => sum + k.durationMs, 0) / 1000).toFixed(3);
    const counts = `tests="${c.cases.length}" failures="${failures}" skipped="${skipped}" errors="0" time="${time}"`;
    return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="lg-webhook-conformance" ${counts}>`,
        `<testsuite name="webhooks" timestamp="${attr(c.startedAt)}" hostname="${attr(c.target.url)}" ${counts}>`,
        "<properties>",
        ...properties.map(([name, value]) => `<property name="${name}" value="${attr(value)}"/>`),
        "</properties>",
        ...cases,
        "</testsuite>",
        "</testsuites>",
        "",
    ].join("\n");
}
