import { EXIT_MEANINGS } from "./exit-code.js";
import { ALL_CASES } from "../cases/catalog.js";
import { CHECKS } from "../checks/index.js";

/** Every case and check by name, from the catalog and the registry, so the help cannot fall behind them. */
const CASES_AND_CHECKS = [
  ["Cases (any assistant)", ALL_CASES.filter((c) => !c.needsGraph && c.profile === undefined).map((c) => c.id)],
  ["Cases (the conformance graph)", ALL_CASES.filter((c) => c.needsGraph && c.profile === undefined).map((c) => c.id)],
  ["Hardening probes (--profile hardening)", ALL_CASES.filter((c) => c.profile === "hardening").map((c) => c.id)],
  ["Checks", CHECKS.map((c) => `${c.name}${c.severity === "recommended" ? " (recommended)" : ""}${c.profile === "hardening" ? " (hardening)" : ""}`)],
]
  .map(([title, names]) => `${wrap(`${title as string}: ${(names as string[]).join(", ")}.`, 90).join("\n  ")}`)
  .join("\n")
  .concat("\n");

/** The exit codes, wrapped under their number. */
const EXIT_LINES = Object.entries(EXIT_MEANINGS)
  .map(([code, meaning]) => `  ${code}  ${wrap(meaning, 88).join("\n     ")}`)
  .join("\n")
  .concat("\n");

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

export const HELP = `lg-webhook-conformance: certify the webhooks of a LangGraph API deployment.

Usage:
  lg-webhook-conformance --target URL [options]
  lg-webhook-conformance --local [options]
  lg-webhook-conformance cleanup --target URL [--run TAG]   (see cleanup --help)
  lg-webhook-conformance verify FILE [--public-key FILE]    (see verify --help)
  lg-webhook-conformance merge DIR... --report-dir OUT      (see merge --help)
  lg-webhook-conformance install-server [--server-version V] (see install-server --help)
  lg-webhook-conformance serve-local [--server-version V]    (see serve-local --help)

Target (one of):
  --target URL          Base URL of the LangGraph API server to certify (http or https).
                        user:password@ in it is sent as HTTP Basic and never printed.
  --local               Start the embedded open-source JavaScript server with the suite's
                        conformance graph on a free loopback port, and certify that. The
                        server is installed into a cache folder on first use (see
                        install-server --help).
  --server-version V    With --local: the server's version, 1.5.1 (default) or 2.0.0.

Options:
  --public-url URL      The URL at which the target reaches the sink (a tunnel, an ingress, a
                        reverse proxy; a path prefix is kept). Webhook URLs are handed out under
                        it and still checked byte for byte.
  --sink-host HOST      Where the sink listens (default 127.0.0.1; e.g. 0.0.0.0 behind an ingress).
  --sink-port N         The sink's port (default: a free one).
  --sink-budget-mb N    How many MiB of request bodies the sink keeps in all (default 256;
                        one body is cut at 16 MiB). Past it, a request for a run is answered
                        507 and counted without its body, and that run's case fails saying
                        so; a request to a URL the suite never handed out is answered 404,
                        counted, and only the first 20 are kept (2 KiB of body each).
  --ca FILE             PEM certificate authority for an https target with a private CA.
                        HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.
  --traces              Keep the test runner's own reports (its HTML report, JSON results, blob
                        report for merging them across shards, test output) in traces/ of the
                        report folder, for debugging the suite. Without it they go away with the run.
  --preflight-only      Check the target, the credentials, the assistant and the webhook path
                        with one canary run, then stop.
  --no-canary           Skip the canary run (the preflight still checks target and assistant).
  --assistant-id ID     Assistant or graph id to run (default: conformance).
  --input JSON          Input for every run, as JSON (default: {}).
  --api-key KEY         Sent as X-Api-Key (default: $LANGGRAPH_API_KEY or $LANGSMITH_API_KEY).
                        Never printed or written to a report. Prefer the environment
                        variable: a flag is visible to every user of the machine (ps).
  -H, --header "N: V"   Extra header for every request to the target; repeatable. Values are
                        never printed or written to a report.
  --expect-header "N: V"
                        A header every webhook must carry (the deployment's webhooks.headers);
                        "N" alone checks only that it is there. Repeatable. Values are never
                        printed or written to a report.
  --allowed-fields LIST The deployment's webhooks.allowed_fields, comma-separated: the checks
                        of fields it leaves out on purpose do not apply (e.g. kwargs, values).
  --only PATTERN        Run only the cases or checks matching PATTERN (globs, comma-separated;
                        repeatable), e.g. --only 'thread-*' or --only run-schema.
  --skip PATTERN        Leave out the cases or checks matching PATTERN.
  --clock-skew-ms N     How far the target's clock may be from this machine's before its
                        webhook_sent_at is not believed (default 120000).
  --settle-ms N         After a run's first webhook, how long a duplicate is watched for
                        (default: 3000).
  --timeout-ms N        How long a run may take to end and deliver (default: 30000).
  --cron-timeout-ms N   How long to wait for a cron's first run to fire and deliver
                        (default: 75000).
  --workers N           Playwright workers that collect the cases' results (default 2); the
                        cases themselves all run at once in the main process.
  --report-dir DIR      Where reports are written (default: reports).
  --openapi FILE|URL    Validate webhook bodies against components.schemas.Run of this
                        OpenAPI document instead of the built-in Run schema.
  --expect-failures FILE
                        Failures to accept for now: a JSON or YAML list of {case, check,
                        reason} (check "*" for any). They do not fail the exit code; a new
                        failure does; an expectation that no longer fails is reported.
  --strict-expectations An expectation that no longer fails also fails the exit code.
  --require-complete    A partial certificate (cases not selected or skipped, required checks
                        left out, failures waived) fails the exit code (1), as CI gates want.
  --retries N           Retry a failed case up to N times (default 0). A case that passes only
                        on a retry is flaky, and flaky is not passing.
  --shard i/n           Run the i-th of n shares of the cases (merge the shares' report folders
                        with: lg-webhook-conformance merge DIR... --report-dir OUT).
  --sign-key FILE       Sign certification.json with this Ed25519 private key (PEM); check
                        it later with: lg-webhook-conformance verify FILE [--public-key FILE]
  --profile NAME        standard (default): the cases above. hardening: probes that may
                        DISRUPT the target (invalid webhook values, failing and hanging
                        receivers, retries); use it only on a deployment you may break.
                        With --local each disruptive probe gets a fresh server of its own.
  --repeat N            Load mode: run every selected case N times and account for every
                        delivery (losses, duplicates) with p50/p95/p99 delivery latency per
                        operation in the reports.
  --concurrency C       In load mode, how many repetitions run at once (default 1).
  --json                Print certification.json on stdout and nothing else there (the
                        summary and progress go to stderr).
  -h, --help            Show this help.
  --version             Show the suite's version.

${CASES_AND_CHECKS}
Reports (in --report-dir): certification.html (the page to read), certification.json (with a
SHA-256 digest, and a signature with --sign-key), certification.md, junit.xml and badge.svg;
with --traces, the test runner's own reports in traces/.

Exit codes:
${EXIT_LINES}`;
