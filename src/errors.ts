/**
 * Every error a user can cause or meet carries a stable code and one sentence.
 * The code decides the exit status; the sentence is all the user sees.
 */
export type ErrorCode =
  | "LGWC_USAGE"
  | "LGWC_CONFIG"
  | "LGWC_REPORT_DIR_BUSY"
  | "LGWC_SCHEMA"
  | "LGWC_TARGET_UNREACHABLE"
  | "LGWC_NOT_LANGGRAPH"
  | "LGWC_TARGET_BROKEN"
  | "LGWC_ASSISTANT_MISSING"
  | "LGWC_SINK_UNREACHABLE"
  | "LGWC_WEBHOOK_REFUSED"
  | "LGWC_WEBHOOKS_DISABLED"
  | "LGWC_LOCAL_TARGET"
  | "LGWC_STOPPED"
  | "LGWC_INTERNAL";

export class ConformanceError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConformanceError";
    this.code = code;
  }
}

export const usageError = (message: string): ConformanceError =>
  new ConformanceError("LGWC_USAGE", message);

/** Describes any thrown value in one line, without a stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause;
    const causeText =
      cause instanceof Error && cause.message && !error.message.includes(cause.message)
        ? ` (${cause.message})`
        : "";
    return `${error.message}${causeText}`;
  }
  return String(error);
}
