/** The webhook URL a run in an answer was created with, if the answer says. */
function webhookOf(run) {
    if (run === null || typeof run !== "object")
        return undefined;
    const kwargs = run.kwargs;
    if (kwargs === null || typeof kwargs !== "object")
        return undefined;
    const webhook = kwargs.webhook;
    return typeof webhook === "string" ? webhook : undefined;
}
/**
 * The run a batch answer holds for each webhook URL the suite sent, in the order sent. Each item
 * had its own URL, so a run naming one is that item's wherever the answer lists it; a run naming
 * none keeps its place in the answer, the order the published API gives.
 */
export function pairByWebhook(hooks, runs) {
    const taken = new Set();
    const byUrl = hooks.map((hook) => {
        const at = runs.findIndex((run, i) => !taken.has(i) && webhookOf(run) === hook);
        if (at === -1)
            return undefined;
        taken.add(at);
        return runs[at];
    });
    return byUrl.map((run, i) => {
        if (run !== undefined)
            return run;
        if (taken.has(i) || i >= runs.length || webhookOf(runs[i]) !== undefined)
            return undefined;
        taken.add(i);
        return runs[i];
    });
}
