import { usageError } from "../errors.js";
import { parseSubcommand } from "./subcommand.js";
import { serverVersionNamed } from "./args.js";
import { LOCAL_ASSISTANT, startLocalTarget } from "../local/local.js";
export const SERVE_LOCAL_HELP = `lg-webhook-conformance serve-local: start the embedded server that --local certifies, and keep it running.

Usage:
  lg-webhook-conformance serve-local [--server-version V]

Starts the open-source JavaScript LangGraph API server with the suite's conformance graph on a
free loopback port, prints its URL, and serves until Ctrl-C. A --local run's server is gone when
the run ends: to replay a finding, start this, and in the report's "Reproduce with" curl replace
the run's http://127.0.0.1:PORT with the URL printed here. The webhook URL in such a curl points
at the run's sink, which is gone too: replace it with a receiver of yours on this machine.

Exit codes: 0 stopped with Ctrl-C; 2 usage error or the server could not start.
`;
/** Serves the embedded server until `stopped` resolves (Ctrl-C); release() stops it on every way out. */
export async function serveLocalCommand(argv, io, resources, stopped) {
    const { values, positionals } = parseSubcommand("serve-local", argv, { "server-version": { type: "string" } });
    if (values.help) {
        io.stdout(SERVE_LOCAL_HELP);
        return 0;
    }
    if (positionals.length > 0)
        throw usageError(`serve-local takes no ${positionals[0]}; run serve-local --help.`);
    const serverVersion = serverVersionNamed(values["server-version"]);
    resources.local = await startLocalTarget({ progress: (line) => io.stderr(`${line}\n`), serverVersion });
    io.stdout(`The embedded LangGraph API server ${serverVersion} serves at ${resources.local.url} (assistant "${LOCAL_ASSISTANT}"). Press Ctrl-C to stop it.\n`);
    await stopped;
    return 0;
}
