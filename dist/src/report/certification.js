import { count } from "../text.js";
import { CHECKS } from "../checks/index.js";
import { DEFAULT_CLOCK_SKEW_MS } from "../checks/timestamps.js";
import { withoutRuns } from "./types.js";
import { evaluate, failsRequired } from "../checks/evaluate.js";
import { summarizeLoad } from "./load.js";
import { evaluateGate } from "./gate.js";
export const STRAY_CASE_ID = "unexpected-deliveries";
export const UNHEARD_CASE_ID = "sink-limits";
/**
 * When the sink had to turn requests or connections away, a missing webhook may be the suite's
 * fault: this failed case says so, so no verdict stands on evidence the suite could not hear.
 */
export function unheardCase(sink) {
    const lost = sink.dropped + sink.refusedConnections;
    if (lost === 0)
        return undefined;
    return withoutRuns({ id: UNHEARD_CASE_ID, operation: "(the suite's sink)", title: "requests and connections the sink could not take" }, "inconclusive", `The sink turned away ${sink.dropped} request(s) past its record cap or byte budget and refused ${sink.refusedConnections} connection(s) at its connection limit, so webhooks may have gone unheard: a delivered failure in this report may be the suite's limit, not the target's (raise --sink-budget-mb, or keep others from flooding the sink).`);
}
/**
 * Requests to URLs the suite never handed out, judged as one case by the registry's no-strays
 * check, so they can be left out (--skip no-strays) or expected like any other finding.
 */
export function strayCase(count, strays, checkNames) {
    const title = { id: STRAY_CASE_ID, operation: "(any)", title: "requests to URLs the suite never handed out" };
    const checks = CHECKS.filter((c) => c.name === "no-strays" && checkNames.includes(c.name));
    if (checks.length === 0)
        return withoutRuns(title, "skipped", `${count} stray request(s) counted, not judged: no-strays was left out`, { durationMs: 0, reproduce: "", deliveries: count });
    const evidence = {
        label: "requests to URLs never handed out",
        webhookUrl: "",
        created: {},
        deliveries: [],
        expect: { delivery: "none" },
        deadlineMs: 0,
        settleMs: 0,
        strays: { count, sample: strays.map((s) => ({ method: s.method, target: s.target })) },
    };
    // No run's schema is judged here: the check reads only the count and the sample.
    const outcomes = evaluate(checks, evidence, { validateRun: Object.assign(() => [], { source: "none" }) });
    return withoutRuns(title, failsRequired(outcomes) ? "failed" : "passed", undefined, { durationMs: 0, reproduce: "", deliveries: count, checks: outcomes });
}
/** Verdict, counts and gate, from the cases alone: one rule for a run and for merged shards. */
export function judge(cases, expectations, strict) {
    const count = (outcome) => cases.filter((c) => c.outcome === outcome).length;
    const warnings = cases.reduce((n, c) => n + c.checks.filter((k) => k.outcome === "failed" && k.severity === "recommended").length, 0);
    // Nothing that ran proved anything: a run where every case was skipped certifies nothing.
    const nothingRan = cases.every((c) => c.outcome === "skipped");
    return {
        verdict: count("failed") + count("flaky") > 0 ? "non-conformant" : count("inconclusive") > 0 || nothingRan ? "inconclusive" : "conformant",
        summary: {
            cases: cases.length,
            passed: count("passed"),
            failed: count("failed"),
            skipped: count("skipped"),
            flaky: count("flaky"),
            inconclusive: count("inconclusive"),
            warnings,
        },
        gate: evaluateGate(cases, expectations, strict),
    };
}
/** What the certificate covers, from what the profile holds, what ran, what was waived, and settings that judge less. */
export function scopeOf(cases, profileCases, checksRun, gate, settings) {
    const { allowedFields, expectedHeaders } = settings;
    const reasons = [];
    const ids = new Set(cases.map((c) => c.id));
    const notSelected = profileCases.filter((id) => !ids.has(id));
    if (notSelected.length > 0)
        reasons.push(`${notSelected.length} of the profile's ${profileCases.length} cases were not selected (--only, --skip or --shard): ${notSelected.slice(0, 8).join(", ")}${notSelected.length > 8 ? ", …" : ""}`);
    const skipped = cases.filter((c) => c.outcome === "skipped");
    if (skipped.length > 0) {
        const why = [...new Set(skipped.map((c) => c.reason ?? "skipped"))];
        reasons.push(`${count(skipped.length, "case")} did not run: ${skipped.map((c) => c.id).slice(0, 8).join(", ")}${skipped.length > 8 ? ", …" : ""} (${why.slice(0, 2).join("; ")})`);
    }
    // expected-headers judges nothing without --expect-header; with one, leaving it out leaves the headers unjudged.
    const moot = (name) => name === "expected-headers" && (expectedHeaders === undefined || expectedHeaders.length === 0);
    // The profile's own required checks count too (a hardening check skipped leaves its probes unjudged).
    const leftOut = CHECKS.filter((c) => c.severity === "required" && (c.profile === undefined || c.profile === settings.profile) && !moot(c.name) && !checksRun.includes(c.name)).map((c) => c.name);
    if (leftOut.length > 0)
        reasons.push(`required check(s) left out: ${leftOut.join(", ")}`);
    if (allowedFields !== undefined)
        reasons.push(`the deployment's webhooks carry only ${allowedFields.join(", ")} (--allowed-fields), so the checks of every other field were not judged`);
    if (settings.clockSkewMs !== undefined && settings.clockSkewMs > DEFAULT_CLOCK_SKEW_MS) {
        reasons.push(`--clock-skew-ms ${settings.clockSkewMs} lets the target's times be off by more than the suite's ${DEFAULT_CLOCK_SKEW_MS} ms, so timestamps-ordered judged them less strictly`);
    }
    if (settings.input !== undefined) {
        const shown = JSON.stringify(settings.input);
        reasons.push(`the cases ran with --input ${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown}, not the input the suite chooses for each outcome, so what each case shows depends on it`);
    }
    if (gate.expected.length > 0)
        reasons.push(`${gate.expected.length} failure(s) waived by --expect-failures: ${gate.expected.map((f) => `${f.case}/${f.check}`).join(", ")}`);
    return { complete: reasons.length === 0, reasons };
}
/** Whether --input gave the cases an input of the user's (the default is {}, which lets each case choose). */
function customInput(input) {
    return input !== undefined && JSON.stringify(input) !== "{}";
}
/** "conformant", or "conformant (partial)" when the certificate does not cover the whole profile. */
export function verdictWords(c) {
    return c.scope.complete ? c.verdict : `${c.verdict} (partial)`;
}
/** The sink's counts as the certification records them. */
export function sinkRecords(stats) {
    return {
        strays: {
            count: stats.strays,
            bytes: stats.strayBytes,
            // A preview that was cut says so, which also lets the redactor recognise a secret cut at its end.
            requests: stats.straySample.map((s) => ({
                method: s.method,
                target: s.target,
                receivedAt: new Date(s.receivedAt).toISOString(),
                bytes: s.bytes,
                body: Buffer.byteLength(s.bodyPreview) < s.bytes ? `${s.bodyPreview}…` : s.bodyPreview,
            })),
        },
        sink: {
            maxBodyBytes: stats.maxBodyBytes,
            budgetBytes: stats.budgetBytes,
            keptBytes: stats.keptBytes,
            discarded: stats.discarded,
            dropped: stats.dropped,
            noise: stats.noise,
            refusedConnections: stats.refusedConnections,
            aborted: stats.aborted,
        },
    };
}
/** The run tags whose leftovers a certificate lists: each merged line names its run; a single run's lines are its own. */
export function leftoverRunTags(c) {
    const named = (c.leftOnTarget ?? []).map((line) => /^run (\S+): /.exec(line)?.[1]).filter((tag) => tag !== undefined);
    return named.length === 0 ? [c.runTag] : [...new Set(named)];
}
export function buildCertification(runtime, cases, stats, finishedAt, redactor, leftOnTarget = []) {
    const { strays, sink } = sinkRecords(stats);
    const unheard = unheardCase(sink);
    const all = [...cases, ...(strays.count > 0 ? [strayCase(strays.count, strays.requests, runtime.checks)] : []), ...(unheard === undefined ? [] : [unheard])];
    const judged = judge(all, runtime.expectations ?? [], runtime.strictExpectations ?? false);
    const certification = {
        suite: runtime.suite,
        target: runtime.target,
        startedAt: runtime.startedAt,
        finishedAt: finishedAt.toISOString(),
        windows: runtime.windows,
        settleMs: runtime.settleMs,
        timeoutMs: runtime.timeoutMs,
        cronTimeoutMs: runtime.cronTimeoutMs,
        assistant: runtime.assistant,
        schema: {
            source: runtime.schema.source,
            ...(runtime.schema.version === undefined ? {} : { version: runtime.schema.version }),
            target: runtime.schema.target,
        },
        commandLine: runtime.commandLine,
        profile: runtime.profile,
        runTag: runtime.runTag,
        checkDefinitions: CHECKS.filter((c) => runtime.checks.includes(c.name)).map((c) => ({
            name: c.name,
            severity: c.severity,
            version: c.version,
            description: c.description,
        })),
        ...judged,
        scope: scopeOf(all, runtime.profileCases, runtime.checks, judged.gate, {
            profile: runtime.profile,
            allowedFields: runtime.allowedFields,
            expectedHeaders: runtime.expectedHeaders,
            clockSkewMs: runtime.clockSkewMs,
            ...(customInput(runtime.input) ? { input: runtime.input } : {}),
        }),
        ...(runtime.allowedFields === undefined ? {} : { allowedFields: runtime.allowedFields }),
        ...(runtime.expectedHeaders === undefined ? {} : { expectedHeaders: runtime.expectedHeaders }),
        clockSkewMs: runtime.clockSkewMs,
        ...(customInput(runtime.input) ? { input: runtime.input } : {}),
        expectations: runtime.expectations ?? [],
        strictExpectations: runtime.strictExpectations ?? false,
        ...(runtime.shard ? { shards: [runtime.shard] } : {}),
        strays,
        sink,
        ...(leftOnTarget.length === 0 ? {} : { leftOnTarget: leftOnTarget.map((line) => redactor.text(line)) }),
        cases: all,
    };
    if (runtime.load !== undefined)
        certification.load = summarizeLoad(cases, runtime.load, strays.count, sink.dropped + sink.discarded);
    return redactor.deep(certification);
}
