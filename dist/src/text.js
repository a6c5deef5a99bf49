/**
 * A quote cut to `max` characters, with an ellipsis where it was cut. Every cut the suite makes
 * says so: the redactor recognises a secret cut short only before an ellipsis.
 */
export function cut(text, max) {
    return text.length > max ? `${text.slice(0, max)}…` : text;
}
/** "1 case", "2 cases": a count with its noun in the right number. */
export function count(n, singular, plural = `${singular}s`) {
    return `${n} ${n === 1 ? singular : plural}`;
}
