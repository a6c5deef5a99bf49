import { usageError } from "../errors.js";
import { TargetClient } from "../target/client.js";
import { preflightInfo } from "../target/preflight.js";
import { ignoredNote, RUN_KEY, SUITE_MARK, sweep } from "../target/cleanup.js";
import { secretsOf, targetHeaders, targetUrl } from "./args.js";
import type { Redactor } from "../report/redact.js";
import type { Io } from "./main.js";
import { parseSubcommand } from "./subcommand.js";

export const CLEANUP_HELP = `lg-webhook-conformance cleanup: remove what an interrupted run left on a target.

Usage:
  lg-webhook-conformance cleanup --target URL [--run TAG] [--api-key KEY] [-H "Name: value"]...

Deletes every cron and thread whose metadata says lg_webhook_conformance: suite (the mark the
suite puts on everything it creates), or only those of one run with --run TAG (the run tag is
in certification.json). Each item is deleted only when the target's own answer shows the mark
on that item; a target whose search ignores the metadata filter lists other items too, and
those are counted and left alone. Nothing else on the target is touched.

Exit codes: 0 everything found was removed; 1 something could not be removed or listed;
2 usage error; 3 the target could not be reached or is not a LangGraph API server.
`;

/** `cleanup`: finds what the suite marked on a target and deletes it. */
export async function cleanup(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io, redactor: Redactor): Promise<number> {
  const { values, positionals } = parseSubcommand("cleanup", argv, {
    target: { type: "string" },
    run: { type: "string" },
    "api-key": { type: "string" },
    header: { type: "string", short: "H", multiple: true },
  });
  if (positionals.length > 0) throw usageError(`cleanup takes no ${positionals[0]}; run cleanup --help.`);
  if (values.help) {
    io.stdout(CLEANUP_HELP);
    return 0;
  }
  if (values.target === undefined) throw usageError("cleanup needs --target URL: the server to clean up.");
  const apiKey = values["api-key"] ?? env.LANGGRAPH_API_KEY ?? env.LANGSMITH_API_KEY;
  const target = targetUrl(values.target);
  const headers = targetHeaders(values.header ?? [], target);
  for (const secret of secretsOf({ headers, ...(apiKey ? { apiKey } : {}), ...(target.credentials ? { credentials: target.credentials } : {}) })) redactor.add(secret);
  const api = new TargetClient({ baseUrl: target.url, ...(apiKey ? { apiKey } : {}), headers });
  const info = await preflightInfo(api);
  const metadata: Record<string, string> = values.run ? { ...SUITE_MARK, [RUN_KEY]: values.run } : { ...SUITE_MARK };
  const crons = (info.flags as Record<string, unknown> | undefined)?.crons !== false;
  const result = await sweep(api, metadata, { crons });
  io.stdout(`Removed ${result.crons} cron(s) and ${result.threads} thread(s) marked by lg-webhook-conformance${values.run ? ` run ${values.run}` : ""}.\n`);
  for (const problem of result.problems) io.stderr(redactor.text(`cleanup: ${problem}\n`));
  const note = ignoredNote(result);
  if (note !== undefined) io.stderr(`cleanup: ${note}.\n`);
  return result.problems.length === 0 ? 0 : 1;
}
