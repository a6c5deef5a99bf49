import { verdictWords } from "./certification.js";
function escape(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
/** A two-part badge, "webhooks" on the left and `value` on a `colour` ground on the right. */
export function drawBadge(value, colour) {
    const label = "webhooks";
    // About 6.5 px per character at 11 px Verdana; generous padding keeps text inside.
    const left = Math.round(label.length * 6.5 + 12);
    const right = Math.round(value.length * 6.5 + 12);
    const width = left + right;
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${escape(`${label}: ${value}`)}">
<title>${escape(`${label}: ${value}`)}</title>
<rect width="${left}" height="20" fill="#555"/>
<rect x="${left}" width="${right}" height="20" fill="${colour}"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
<text x="${left / 2}" y="14">${escape(label)}</text>
<text x="${left + right / 2}" y="14">${escape(value)}</text>
</g>
</svg>
`;
}
/** badge.svg: the verdict and the pass count, for a README or a dashboard. */
export function renderBadge(c) {
    const ran = c.summary.passed + c.summary.failed;
    const colour = c.verdict === "conformant" ? (c.scope.complete ? "#2e7d32" : "#6a8f00") : c.verdict === "inconclusive" ? "#8a6d00" : "#c62828";
    return drawBadge(`${verdictWords(c)} ${c.summary.passed}/${ran}`, colour);
}
/** The grey badge of a run that ended without a verdict. */
export function noVerdictBadge() {
    return drawBadge("no verdict", "#9e9e9e");
}
