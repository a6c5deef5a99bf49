import type { ErrorCode } from "../errors.js";

export const EXIT = {
  conformant: 0,
  nonConformant: 1,
  usage: 2,
  unreachable: 3,
  internal: 4,
} as const;

/** What each exit status means: the help and the README's table are made from this. */
export const EXIT_MEANINGS: Record<(typeof EXIT)[keyof typeof EXIT], string> = {
  0: "conformant: no required check failed (with --expect-failures: the gate passed)",
  1: "not conformant: a required check failed; or inconclusive (evidence missing, or nothing ran); or a partial certificate with --require-complete",
  2: "usage or configuration error: a flag, a URL, a schema, a missing package, a report folder in use by another run",
  3: "before any case ran: the target could not be reached, refused the credentials, is not a LangGraph API server, answered in a way no such server does, or lacks the assistant",
  4: "the suite itself failed to finish (a bug: please report it)",
};

export type Ending =
  | { kind: "verdict"; verdict: "conformant" | "non-conformant" | "inconclusive"; partialRefused?: boolean }
  | { kind: "gate"; passed: boolean; partialRefused?: boolean }
  | { kind: "error"; code: ErrorCode }
  | { kind: "help" };

/** The one place that turns how a run ended into the process's exit status. */
export function exitCodeFor(ending: Ending): number {
  switch (ending.kind) {
    case "help":
      return EXIT.conformant;
    // --require-complete: a certificate that does not cover the whole profile does not pass.
    case "verdict":
      return ending.verdict === "conformant" && ending.partialRefused !== true ? EXIT.conformant : EXIT.nonConformant;
    case "gate":
      return ending.passed && ending.partialRefused !== true ? EXIT.conformant : EXIT.nonConformant;
    case "error":
      switch (ending.code) {
        case "LGWC_USAGE":
        case "LGWC_CONFIG":
        case "LGWC_REPORT_DIR_BUSY":
        case "LGWC_SCHEMA":
        case "LGWC_LOCAL_TARGET":
          return EXIT.usage;
        case "LGWC_TARGET_UNREACHABLE":
        case "LGWC_NOT_LANGGRAPH":
        case "LGWC_TARGET_BROKEN":
        case "LGWC_ASSISTANT_MISSING":
        case "LGWC_SINK_UNREACHABLE":
        case "LGWC_WEBHOOK_REFUSED":
        case "LGWC_WEBHOOKS_DISABLED":
          return EXIT.unreachable;
        // A stopped run exits with the signal's status (130, 143) before this is asked; it never stands alone.
        case "LGWC_STOPPED":
        case "LGWC_INTERNAL":
          return EXIT.internal;
      }
  }
}
