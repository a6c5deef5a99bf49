/**
 * Indents a JSON text without parsing it: every key, numeral and string stays as the target wrote
 * it, so evidence shows a key given twice, or digits beyond what a double keeps, as they came.
 * Text that is not JSON is indented as far as its brackets go, which does no harm to a reader.
 */
export function indentJson(text, step = "  ") {
    let out = "";
    let depth = 0;
    let inString = false;
    const newline = () => `\n${step.repeat(Math.max(depth, 0))}`;
    for (let i = 0; i < text.length; i += 1) {
        const c = text[i];
        if (inString) {
            out += c;
            if (c === "\\" && i + 1 < text.length)
                out += text[++i];
            else if (c === '"')
                inString = false;
            continue;
        }
        if (c === '"') {
            inString = true;
            out += c;
        }
        else if (c === "{" || c === "[") {
            // An empty object or array stays on its line.
            const close = c === "{" ? "}" : "]";
            const next = text.slice(i + 1).search(/\S/);
            if (next !== -1 && text[i + 1 + next] === close) {
                out += c + close;
                i += next + 1;
                continue;
            }
            depth += 1;
            out += c + newline();
        }
        else if (c === "}" || c === "]") {
            depth -= 1;
            out += newline() + c;
        }
        else if (c === ",") {
            out += c + newline();
        }
        else if (c === ":") {
            out += ": ";
        }
        else if (!/\s/.test(c)) {
            out += c;
        }
    }
    return out;
}
