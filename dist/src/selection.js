import { usageError } from "./errors.js";
import { closest, didYouMean } from "./cli/did-you-mean.js";
/** Turns a glob with * and ? into an anchored regular expression. */
function globToRegExp(glob) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${body}$`);
}
/**
 * A glob that matches nothing, with its literal start (or, failing that, its literal end) mended
 * to the nearest start (end) of a known name, when that mended glob matches something.
 */
function mendedGlob(pattern, names) {
    const first = pattern.search(/[*?]/);
    const lastWild = Math.max(pattern.lastIndexOf("*"), pattern.lastIndexOf("?"));
    const head = pattern.slice(0, first);
    const tail = pattern.slice(lastWild + 1);
    const attempts = [
        [head, (name, length) => name.slice(0, length), (piece) => piece + pattern.slice(first)],
        [tail, (name, length) => name.slice(Math.max(0, name.length - length)), (piece) => pattern.slice(0, lastWild + 1) + piece],
    ];
    for (const [literal, cut, mend] of attempts) {
        if (literal.length < 3)
            continue;
        const pieces = [...new Set(names.flatMap((name) => [-1, 0, 1].map((more) => cut(name, literal.length + more))))];
        const piece = closest(literal, pieces);
        if (piece === undefined)
            continue;
        const mended = mend(piece);
        if (names.some((name) => globToRegExp(mended).test(name)))
            return mended;
    }
    return undefined;
}
function split(patterns) {
    return patterns.flatMap((p) => p.split(",")).map((p) => p.trim()).filter((p) => p !== "");
}
/**
 * --only and --skip take comma-separated globs that name cases or checks. A pattern must match
 * at least one name, so a typo is an error rather than a silently empty run.
 */
export function select(allCases, allChecks, only, skip) {
    const onlyPatterns = split(only);
    const skipPatterns = split(skip);
    // An --only that names nothing ("" or ",") would select every case: a run far wider than asked.
    for (const [flag, given, patterns] of [["--only", only, onlyPatterns], ["--skip", skip, skipPatterns]]) {
        if (given.length > 0 && patterns.length === 0)
            throw usageError(`${flag} ${JSON.stringify(given.join(","))} names no case or check: give comma-separated case or check names (see --help).`);
    }
    for (const [flag, pattern] of [...onlyPatterns.map((p) => ["--only", p]), ...skipPatterns.map((p) => ["--skip", p])]) {
        const re = globToRegExp(pattern);
        if (!allCases.some((n) => re.test(n)) && !allChecks.some((n) => re.test(n))) {
            const names = [...allCases, ...allChecks];
            const mended = /[*?]/.test(pattern) ? mendedGlob(pattern, names) : undefined;
            const guess = /[*?]/.test(pattern) ? (mended === undefined ? "" : ` Did you mean ${mended}?`) : didYouMean(pattern, names);
            throw usageError(guess
                ? `${flag} ${pattern} matches no case or check.${guess} (Run with --help to list them.)`
                : `${flag} ${pattern} matches no case or check; cases are ${allCases.join(", ")} and checks are ${allChecks.join(", ")}.`);
        }
    }
    const matches = (name, patterns) => patterns.some((p) => globToRegExp(p).test(name));
    const onlyCases = onlyPatterns.filter((p) => allCases.some((n) => globToRegExp(p).test(n)));
    const onlyChecks = onlyPatterns.filter((p) => allChecks.some((n) => globToRegExp(p).test(n)));
    const cases = allCases.filter((n) => (onlyCases.length === 0 || matches(n, onlyCases)) && !matches(n, skipPatterns));
    const checks = allChecks.filter((n) => (onlyChecks.length === 0 || matches(n, onlyChecks)) && !matches(n, skipPatterns));
    if (cases.length === 0)
        throw usageError("--only and --skip leave no case to run; loosen them.");
    if (checks.length === 0)
        throw usageError("--only and --skip leave no check to apply; loosen them.");
    return { cases, checks };
}
/** `--shard i/n`: the i-th of n contiguous, near-equal shares of the cases, in catalog order. */
export function shardOf(items, index, total) {
    const size = Math.floor(items.length / total);
    const extra = items.length - size * total;
    const from = size * (index - 1) + Math.min(extra, index - 1);
    return items.slice(from, from + size + (index <= extra ? 1 : 0));
}
export function parseShard(raw) {
    const match = /^(\d+)\/(\d+)$/.exec(raw);
    const index = Number(match?.[1]);
    const total = Number(match?.[2]);
    if (!match || total < 1 || index < 1 || index > total) {
        throw usageError(`--shard takes i/n with 1 <= i <= n, e.g. --shard 2/3, not "${raw}".`);
    }
    return { index, total };
}
