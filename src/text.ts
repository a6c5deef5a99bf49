/**
 * A quote cut to `max` characters, with an ellipsis where it was cut. Every cut the suite makes
 * says so: the redactor recognises a secret cut short only before an ellipsis.
 */
export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** "1 case", "2 cases": a count with its noun in the right number. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * Text with its control characters (but tab, line feed, and a carriage return before one) shown as U+FFFD: a
 * target's words printed on a terminal or written into a page must not move the cursor, hide the
 * lines after them (ESC [8m) or ring bells.
 */
export function inert(text: string): string {
  // eslint-disable-next-line no-control-regex
  // A carriage return without its line feed would send the cursor back over a line already printed.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/g, "\ufffd");
}
