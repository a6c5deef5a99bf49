import { usageError } from "../errors.js";
/**
 * Splits the action's `args` input into words the way a shell splits a command line, and does
 * nothing else a shell does: no `$…` or backtick substitution, no globbing, no `~`. An input that
 * came from a pull request is data, never code.
 *
 * Whitespace separates words; '…' keeps everything literally; "…" keeps everything but a
 * backslash before " \ $ or `; outside quotes a backslash keeps the next character.
 */
export function shellWords(text) {
    const words = [];
    let word = "";
    // A word exists once any character or quote of it is seen: '' is an empty word, not none.
    let inWord = false;
    let quote;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote === "'") {
            if (c === "'")
                quote = undefined;
            else
                word += c;
            continue;
        }
        if (quote === '"') {
            if (c === '"')
                quote = undefined;
            else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1]))
                word += text[++i];
            else
                word += c;
            continue;
        }
        if (/\s/.test(c)) {
            if (inWord)
                words.push(word);
            word = "";
            inWord = false;
            continue;
        }
        inWord = true;
        if (c === "'" || c === '"')
            quote = c;
        else if (c === "\\" && i + 1 < text.length)
            word += text[++i];
        else
            word += c;
    }
    if (quote !== undefined)
        throw usageError(`The args input has an unclosed ${quote === "'" ? "single" : "double"} quote: close it, or escape it with a backslash.`);
    if (inWord)
        words.push(word);
    return words;
}
