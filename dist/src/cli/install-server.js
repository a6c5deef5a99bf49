import { usageError } from "../errors.js";
import { parseSubcommand } from "./subcommand.js";
import { serverVersionNamed } from "./args.js";
import { cacheRoot, DEFAULT_SERVER_VERSION, installedServer, installServer, SERVER_VERSIONS } from "../local/server-install.js";
export const INSTALL_SERVER_HELP = `lg-webhook-conformance install-server: install the embedded server that --local runs, ahead of time.

Usage:
  lg-webhook-conformance install-server [--server-version V]

Installs the open-source JavaScript LangGraph API server (@langchain/langgraph-api and its CLI,
version ${DEFAULT_SERVER_VERSION} unless --server-version says ${SERVER_VERSIONS.filter((v) => v !== DEFAULT_SERVER_VERSION).join(" or ")}) from the npm registry into
the cache folder: $LGWC_CACHE_DIR, or $XDG_CACHE_HOME/lg-webhook-conformance, or
~/.cache/lg-webhook-conformance. --local installs it there on first use anyway; doing it ahead of
time suits CI images and machines that run offline. Once installed, --local never reaches the
network. An install that fails or is interrupted leaves nothing half-made.

Exit codes: 0 installed (or already there); 2 usage error or the install failed.
`;
export async function installServerCommand(argv, env, io) {
    const { values, positionals } = parseSubcommand("install-server", argv, { "server-version": { type: "string" } });
    if (values.help) {
        io.stdout(INSTALL_SERVER_HELP);
        return 0;
    }
    if (positionals.length > 0)
        throw usageError(`install-server takes no ${positionals[0]}; run install-server --help.`);
    const version = serverVersionNamed(values["server-version"]);
    const already = installedServer(version, env);
    if (already !== undefined) {
        io.stdout(`The LangGraph API server ${version} is already installed in ${already}.\n`);
        return 0;
    }
    const folder = await installServer(version, { env, progress: (line) => io.stderr(`${line}\n`) });
    io.stdout(`The LangGraph API server ${version} is installed in ${folder} (cache: ${cacheRoot(env)}).\n`);
    return 0;
}
