import { ignoredNote } from "../api/cleanup.js";
/** The reason with the item's own name taken out, so items left for one reason read as one line. */
function reasonOf(item) {
    if (item.id === undefined || item.kind === undefined)
        return item.why;
    return item.why
        .replace(`${item.kind} ${item.id} `, "")
        .replace(`${item.kind} "${item.id}" `, "")
        .split(item.id)
        .join("…");
}
/** One leftover as a line of the certificate: its reason names the item. */
export function leftoverLine(item) {
    return item.kind !== undefined && item.id !== undefined && !item.why.includes(item.id) ? `${item.kind} ${item.id}: ${item.why}` : item.why;
}
/** The command that removes what a run left: its tag, and the flags the target needs to be reached at all. */
export function cleanupCommand(runTag, options = {}) {
    return `lg-webhook-conformance cleanup --target URL${runTag === undefined ? "" : ` --run ${runTag}`}${options.ca === true ? " --ca FILE" : ""}`;
}
/**
 * What a run left on the target, grouped by kind and reason, each item once, and what to do:
 * one line per group instead of one long line that repeats each id.
 */
export function describeLeftovers(items, command) {
    const groups = new Map();
    const general = [];
    for (const item of items) {
        if (item.kind === undefined || item.id === undefined) {
            if (!general.includes(item.why))
                general.push(item.why);
            continue;
        }
        const key = `${item.kind}\n${reasonOf(item)}`;
        const group = groups.get(key) ?? { kind: item.kind, ids: [] };
        if (!group.ids.includes(item.id))
            group.ids.push(item.id);
        groups.set(key, group);
    }
    const lines = [
        "Could not delete everything the suite created on the target:",
        ...[...groups.entries()].map(([key, g]) => `  ${g.kind}s (${g.ids.length}): ${g.ids.join(", ")}: ${key.split("\n")[1]}`),
        ...general.map((why) => `  ${why}`),
        `Run \`${command}\` once the target answers again.`,
    ];
    return `${lines.join("\n")}\n`;
}
/**
 * What a stop's sweep cannot vouch for: create calls still unanswered when it began, and calls
 * lost shortly before it (timed out or cut off after they were sent), whose items the target may
 * make after the sweep has looked.
 */
export function unsweptCreates(creates, waitMs) {
    const left = [];
    if (creates.unanswered > 0)
        left.push({ why: `${creates.unanswered} create call(s) were still unanswered after ${Math.round(waitMs / 1000)} s; what they make later is not swept` });
    if (creates.lost > 0)
        left.push({ why: `${creates.lost} create call(s) got no answer (timed out or cut off) shortly before the cleanup; what the target made of them after the sweep looked may remain` });
    return left;
}
/** What a sweep left to say: its problems, and the items its target's search listed without the mark. */
export function sweepLeftovers(swept) {
    const note = ignoredNote(swept);
    return [...swept.problems.map((why) => ({ why })), ...(note === undefined ? [] : [{ why: note }])];
}
