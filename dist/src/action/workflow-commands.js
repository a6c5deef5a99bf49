import { randomBytes } from "node:crypto";
/**
 * GitHub's runner reads lines of a step's output that start with `::` as commands. These build
 * such lines with their data escaped, so a message can neither end the command early nor span
 * lines.
 */
export function escapeData(text) {
    return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}
export function escapeProperty(text) {
    return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}
export function command(name, message, properties = {}) {
    const props = Object.entries(properties)
        .map(([key, value]) => `${key}=${escapeProperty(value)}`)
        .join(",");
    return `::${name}${props ? ` ${props}` : ""}::${escapeData(message)}\n`;
}
/**
 * The suite prints what a target and its webhooks said. Between these two lines the runner
 * treats no line as a command, so a target that echoes `::add-mask::` or `::error::` cannot
 * act on the job.
 */
export function quietSpan() {
    const token = `lgwc-${randomBytes(16).toString("hex")}`;
    return { begin: `::stop-commands::${token}\n`, end: `::${token}::\n` };
}
/**
 * One `name<<DELIMITER` entry for $GITHUB_OUTPUT: the delimiter is random, so no value (a report
 * folder named by the user) can end the entry early and write an output of its own.
 */
export function outputEntry(name, value) {
    let delimiter;
    do
        delimiter = `LGWC_${randomBytes(8).toString("hex")}`;
    while (value.includes(delimiter));
    return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}
