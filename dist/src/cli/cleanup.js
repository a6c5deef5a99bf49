import { ConformanceError, usageError } from "../errors.js";
import { TargetClient } from "../api/client.js";
import { preflightInfo } from "../preflight/preflight.js";
import { ignoredNote, RUN_KEY, runStartedAt, SUITE_MARK, sweep } from "../api/cleanup.js";
/** A run tag is one word (a run prints its start time and six hex digits); blank or spaced is a slip of the shell. */
const RUN_TAG = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** How long a run may still be going on, as far as cleanup without --run is concerned. */
const RECENT_MS = 60 * 60 * 1000;
import { secretsOf, targetHeaders, targetUrl } from "./args.js";
import { readCa } from "./read-ca.js";
import { unlessStopped } from "./read-flag-file.js";
import { parseSubcommand } from "./subcommand.js";
export const CLEANUP_HELP = `lg-webhook-conformance cleanup: remove what an interrupted run left on a target.

Usage:
  lg-webhook-conformance cleanup --target URL [--run TAG | --include-recent] [-H "Name: value"]... [--ca FILE]

Deletes every cron and thread whose metadata says lg_webhook_conformance: suite (the mark the
suite puts on everything it creates), or only those of one run with --run TAG (the run tag is
in certification.json). Each item is deleted only when the target's own answer shows the mark
on that item; a target whose search ignores the metadata filter lists other items too, and
those are counted and left alone. Nothing else on the target is touched.

Without --run, items of runs that began less than an hour ago are left alone, since such a run
may still be going on (another CI job, a colleague): --include-recent removes them too. Every
run prints its tag when it starts. The API key comes from LANGGRAPH_API_KEY (or --api-key); --ca
trusts a CA certificate (PEM) for an https target, as the run does.

Exit codes: 0 everything found was removed; 1 something could not be removed or listed;
2 usage error; 3 the target could not be reached or is not a LangGraph API server.
`;
/** `cleanup`: finds what the suite marked on a target and deletes it. */
export async function cleanup(argv, env, io, redactor, stop = () => false) {
    const { values, positionals } = parseSubcommand("cleanup", argv, {
        target: { type: "string" },
        run: { type: "string" },
        "include-recent": { type: "boolean" },
        "api-key": { type: "string" },
        header: { type: "string", short: "H", multiple: true },
        ca: { type: "string" },
    });
    if (positionals.length > 0)
        throw usageError(`cleanup takes no ${positionals[0]}; run cleanup --help.`);
    if (values.help) {
        io.stdout(CLEANUP_HELP);
        return 0;
    }
    if (values.target === undefined)
        throw usageError("cleanup needs --target URL: the server to clean up.");
    // An empty or malformed tag must not quietly widen to every run's leftovers.
    if (values.run !== undefined && !RUN_TAG.test(values.run)) {
        throw usageError(`--run ${JSON.stringify(values.run)} is not a run tag; give the tag a run printed when it started (like 2026-01-31T09-15-00-000Z-a1b2c3), or leave --run out.`);
    }
    const apiKey = values["api-key"] ?? env.LANGGRAPH_API_KEY ?? env.LANGSMITH_API_KEY;
    const target = targetUrl(values.target);
    const headers = targetHeaders(values.header ?? [], target);
    for (const secret of secretsOf({ headers, ...(apiKey ? { apiKey } : {}), ...(target.credentials ? { credentials: target.credentials } : {}) }))
        redactor.add(secret);
    // A target's answers may echo a secret in JSON escapes: read as any JSON reader would, before anything is printed.
    // A --ca that never ends (a pipe nobody writes to) must not outlast Ctrl-C.
    const ca = values.ca === undefined ? undefined : await unlessStopped(readCa(values.ca), stop, () => new ConformanceError("LGWC_STOPPED", "cleanup was stopped before it began."));
    const api = new TargetClient({ baseUrl: target.url, redact: (text) => redactor.textOfJson(text), ...(apiKey ? { apiKey } : {}), headers, ...(ca === undefined ? {} : { ca }) });
    const info = await preflightInfo(api);
    const metadata = values.run ? { ...SUITE_MARK, [RUN_KEY]: values.run } : { ...SUITE_MARK };
    const crons = info?.flags?.crons !== false;
    // A run that began within the hour may still be running: its items are not removed without being named.
    const recent = (item) => {
        const started = runStartedAt(item);
        return started !== undefined && Date.now() - started < RECENT_MS;
    };
    const result = await sweep(api, metadata, { crons, stop, ...(values.run || values["include-recent"] ? {} : { keep: recent }) });
    io.stdout(`Removed ${result.crons} cron(s) and ${result.threads} thread(s) marked by lg-webhook-conformance${values.run ? ` run ${values.run}` : ""}.\n`);
    for (const problem of result.problems)
        io.stderr(redactor.textOfJson(`cleanup: ${problem}\n`));
    const note = ignoredNote(result);
    if (note !== undefined)
        io.stderr(`cleanup: ${note}.\n`);
    if (result.kept > 0) {
        io.stderr(`cleanup: ${result.kept} item(s) belong to runs that began in the last hour and may still be going on; they were left alone (pass --run TAG for one run, or --include-recent).\n`);
    }
    return result.problems.length === 0 ? 0 : 1;
}
