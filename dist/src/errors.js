export class ConformanceError extends Error {
    code;
    constructor(code, message, options) {
        super(message, options);
        this.name = "ConformanceError";
        this.code = code;
    }
}
export const usageError = (message) => new ConformanceError("LGWC_USAGE", message);
/** Describes any thrown value in one line, without a stack. */
export function describeError(error) {
    if (error instanceof Error) {
        const cause = error.cause;
        const causeText = cause instanceof Error && cause.message && !error.message.includes(cause.message)
            ? ` (${cause.message})`
            : "";
        return `${error.message}${causeText}`;
    }
    return String(error);
}
