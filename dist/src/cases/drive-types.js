/** Thrown by a drive when the case cannot judge the target (its precondition failed); the case is reported skipped. */
export class CaseSkipped extends Error {
}
/** Thrown by a case that could not gather what it needs from the target (a status it never got to read): neither a pass nor a failure. */
export class CaseInconclusive extends Error {
}
