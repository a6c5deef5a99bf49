import { threadRunCase, threadRunStreamCase, threadRunWaitCase } from "./operations/thread-runs.js";
import { statelessBatchCase, statelessRunCase, statelessRunDefault, statelessRunStreamCase, statelessRunWaitCase, } from "./operations/stateless-runs.js";
import { cronPatch, cronPatchChange, statelessCron, statelessCronDefault, threadCron, threadCronTwice } from "./operations/crons.js";
import { HARDENING } from "./operations/hardening.js";
import { CANCEL_INTERRUPT, CANCEL_PENDING, CANCEL_ROLLBACK, ERROR, INTERRUPT_BEFORE, multitaskCase, SIZE_SURVIVES, TEXT_SURVIVES } from "./operations/outcomes.js";
/**
 * Every case. The first eleven cover the ten webhook-capable operations of the published API with
 * runs that succeed; the rest drive the other terminal outcomes and need the conformance graph.
 */
export const CATALOG = [
    threadRunCase(),
    threadRunStreamCase(),
    threadRunWaitCase(),
    threadCron,
    statelessRunCase(),
    statelessRunDefault,
    statelessRunStreamCase(),
    statelessRunWaitCase(),
    statelessBatchCase(),
    statelessCron,
    cronPatch,
    // A graph that raises, through every operation that starts a run at once.
    threadRunCase(ERROR),
    threadRunStreamCase(ERROR),
    threadRunWaitCase(ERROR),
    statelessRunCase(ERROR),
    statelessRunStreamCase(ERROR),
    statelessRunWaitCase(ERROR),
    statelessBatchCase(ERROR),
    // Cancellation, on threads and stateless runs (cancel needs the run's thread, which a kept stateless run has).
    // A wait call returns only when the run ends, so it cannot be cancelled while running from the same client.
    threadRunCase(CANCEL_INTERRUPT),
    threadRunStreamCase(CANCEL_INTERRUPT),
    statelessRunCase(CANCEL_INTERRUPT),
    statelessRunStreamCase(CANCEL_INTERRUPT),
    threadRunCase(CANCEL_ROLLBACK),
    statelessRunCase(CANCEL_ROLLBACK),
    threadRunCase(CANCEL_PENDING),
    statelessRunCase(CANCEL_PENDING),
    // Double-texting exists only on threads.
    multitaskCase("reject"),
    multitaskCase("interrupt"),
    multitaskCase("rollback"),
    multitaskCase("enqueue"),
    // Human in the loop.
    threadRunCase(INTERRUPT_BEFORE),
    threadRunStreamCase(INTERRUPT_BEFORE),
    threadRunWaitCase(INTERRUPT_BEFORE),
    statelessRunCase(INTERRUPT_BEFORE),
    statelessRunStreamCase(INTERRUPT_BEFORE),
    statelessRunWaitCase(INTERRUPT_BEFORE),
    // The message survives: text from every plane, and about 1 MiB of state.
    threadRunCase(TEXT_SURVIVES),
    threadRunCase(SIZE_SURVIVES),
    // Crons to the end: a second firing, the default on_run_completed, a webhook replaced by PATCH.
    threadCronTwice,
    statelessCronDefault,
    cronPatchChange,
];
export const PROFILES = ["standard", "hardening"];
/** The standard catalog, then the hardening probes, which run only when asked for. */
export const ALL_CASES = [...CATALOG, ...HARDENING];
export const CASE_IDS = CATALOG.map((c) => c.id);
export const ALL_CASE_IDS = ALL_CASES.map((c) => c.id);
export function caseIdsOf(profile) {
    return ALL_CASES.filter((c) => (c.profile ?? "standard") === profile).map((c) => c.id);
}
export function caseById(id) {
    return ALL_CASES.find((c) => c.id === id);
}
