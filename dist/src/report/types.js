export const CASE_ATTACHMENT = "lgwc-case.json";
/**
 * The one way a case's result is made without runs to judge: skipped, failed before its runs
 * existed, or a pseudo-case of the run itself (strays, the sink's limits) with the checks that judged it.
 */
export function withoutRuns(definition, outcome, reason, ran = { durationMs: 0, reproduce: "" }) {
    const { deliveries = 0, checks = [], ...times } = ran;
    return {
        id: definition.id,
        operation: definition.operation,
        title: definition.title,
        outcome,
        ...(reason === undefined ? {} : { reason }),
        deliveries,
        ...times,
        checks,
        runs: [],
    };
}
