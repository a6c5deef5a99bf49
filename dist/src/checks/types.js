export function defineCheck(check) {
    return check;
}
export function fail(check, expected, received, message) {
    return { check, expected, received, message };
}
export function skip(reason) {
    return { skipped: reason };
}
export function isSkip(verdict) {
    return verdict !== undefined && "skipped" in verdict;
}
export function inconclusive(reason) {
    return { inconclusive: reason };
}
export function isInconclusive(verdict) {
    return verdict !== undefined && "inconclusive" in verdict;
}
