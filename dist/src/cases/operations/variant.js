export const SUCCESS = { suffix: "", title: "" };
export function caseId(base, variant) {
    return variant.suffix ? `${base}-${variant.suffix}` : base;
}
export function caseTitle(base, variant) {
    return variant.title ? `${base}, ${variant.title}` : base;
}
/**
 * What a run that should simply succeed must say, when the suite knows the graph: the conformance
 * graph given no mode (or "succeed") ends success with result "done:succeed". With another
 * assistant, or an input that asks for something else, nothing is known beyond the run's end.
 */
export function plainSuccess(context) {
    const mode = context.input?.mode;
    if (!context.conformanceGraph || (mode !== undefined && mode !== "succeed"))
        return {};
    return { expect: { delivery: "required", statuses: ["success"] }, expectedValues: { result: "done:succeed" } };
}
/** Builds the case definition for a basic operation under a variant. */
export function defineVariant(base, variant, drive) {
    return {
        id: caseId(base.id, variant),
        operation: base.operation,
        title: caseTitle(base.title, variant),
        cron: false,
        needsGraph: variant !== SUCCESS,
        async drive(context) {
            const scoped = variant.input === undefined ? context : { ...context, input: variant.input };
            const runs = await drive(scoped);
            const known = variant === SUCCESS ? plainSuccess(scoped) : {};
            const shaped = runs.map((run) => ({
                ...run,
                ...known,
                ...(variant.expect ? { expect: variant.expect } : {}),
                ...(variant.values ? { expectedValues: variant.values } : {}),
            }));
            return variant.act ? Promise.all(shaped.map((run) => variant.act(scoped, run))) : shaped;
        },
    };
}
