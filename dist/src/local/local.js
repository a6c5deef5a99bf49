import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { openSync, closeSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, dirname } from "node:path";
import getPort from "get-port";
import { request } from "undici";
import { ConformanceError } from "../errors.js";
import { DEFAULT_SERVER_VERSION, installedServer, installServer, SERVER_CLI } from "./server-install.js";
import { packageRoot } from "../package-root.js";
import { childEnv } from "./child-env.js";
export const LOCAL_ASSISTANT = "conformance";
/** Process groups of servers started here, so even a crashing suite can take them down. */
const running = new Set();
/** Kills every embedded server's process group at once; for exits that cannot wait. */
export function killLocalTargetsNow() {
    for (const pid of running) {
        try {
            process.kill(-pid, "SIGKILL");
        }
        catch {
            // Already gone.
        }
    }
    running.clear();
}
/** The server packages where the suite itself is installed (its repository's dev dependencies), when they are the default version. */
function besideTheSuite(root) {
    for (const base of [join(root, "package.json"), join(process.cwd(), "package.json")]) {
        try {
            const require = createRequire(base);
            const manifest = require.resolve("@langchain/langgraph-cli/package.json");
            const api = JSON.parse(readFileSync(require.resolve("@langchain/langgraph-api/package.json"), "utf8"));
            require.resolve("@langchain/langgraph/package.json");
            if (api.version === DEFAULT_SERVER_VERSION)
                return join(dirname(manifest), "dist", "cli", "cli.mjs");
        }
        catch {
            // Try the next place a user may have installed the server packages.
        }
    }
    return undefined;
}
/** The server of this version: beside the suite, in the cache, or installed into the cache now (once). */
async function placeServer(root, version, progress, install) {
    const beside = version === DEFAULT_SERVER_VERSION ? besideTheSuite(root) : undefined;
    if (beside !== undefined)
        return { cli: beside };
    let home = installedServer(version);
    if (home === undefined) {
        if (!install) {
            throw new ConformanceError("LGWC_LOCAL_TARGET", `The LangGraph API server ${version} is not installed; run \`lg-webhook-conformance install-server\` first.`);
        }
        home = await installServer(version, { progress });
    }
    return { cli: join(home, SERVER_CLI), home };
}
async function answersOk(url) {
    try {
        const response = await request(`${url}/ok`, { headersTimeout: 1_000, bodyTimeout: 1_000 });
        await response.body.dump();
        return response.statusCode === 200;
    }
    catch {
        return false;
    }
}
async function tail(path, lines = 8) {
    const text = await readFile(path, "utf8").catch(() => "");
    // The dev server colours its log; strip the escapes so the quote is readable.
    const clean = text.replace(/\u001b\[[0-9;]*m/g, "");
    return clean.trim().split("\n").slice(-lines).join("\n");
}
function stopTree(child, graceMs) {
    return new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
            done();
            return;
        }
        const pid = child.pid;
        const kill = (signal) => {
            try {
                // Negative pid: the whole process group (npx, CLI, watcher, server).
                process.kill(-pid, signal);
            }
            catch {
                // Already gone.
            }
        };
        const timer = setTimeout(() => kill("SIGKILL"), graceMs);
        child.once("exit", () => {
            clearTimeout(timer);
            // The watcher's children may outlive the leader; make sure the group is gone.
            kill("SIGKILL");
            done();
        });
        kill("SIGTERM");
    });
}
/** A folder for this run beside the cached server; a cache this user cannot write (an image made by another user, a read-only layer) is said as such. */
export async function runFolderIn(home) {
    try {
        return await mkdtemp(join(home, "run-"));
    }
    catch (error) {
        const code = error.code ?? "an error";
        throw new ConformanceError("LGWC_LOCAL_TARGET", `The installed server's folder ${home} cannot be written (${code}), and each --local run keeps its graph beside the server there: point LGWC_CACHE_DIR at a folder this user can write (and run install-server there once).`);
    }
}
export async function startLocalTarget(options = {}) {
    const root = packageRoot();
    const graphs = resolve(root, "fixtures", "graphs");
    const graph = join(graphs, "conformance.ts");
    if (!existsSync(graph)) {
        throw new ConformanceError("LGWC_LOCAL_TARGET", `The conformance graph is missing at ${graph}; reinstall lg-webhook-conformance.`);
    }
    const place = await placeServer(root, options.serverVersion ?? DEFAULT_SERVER_VERSION, options.progress ?? (() => undefined), options.install ?? true);
    const cli = place.cli;
    let folder;
    let graphPath;
    if (place.home === undefined) {
        folder = await mkdtemp(join(tmpdir(), "lgwc-local-"));
        // The dev server resolves graph paths against its own folder, so the path must be relative.
        graphPath = relative(folder, graph);
    }
    else {
        // Beside the cached packages, so the graph's imports find them.
        folder = await runFolderIn(place.home);
        for (const name of await readdir(graphs))
            if (name.endsWith(".ts"))
                await copyFile(join(graphs, name), join(folder, name));
        graphPath = "./conformance.ts";
    }
    const config = { node_version: "20", dependencies: ["."], graphs: { [LOCAL_ASSISTANT]: `${graphPath}:graph` } };
    await writeFile(join(folder, "langgraph.json"), JSON.stringify(config, null, 2));
    const port = await getPort({ host: "127.0.0.1" });
    const url = `http://127.0.0.1:${port}`;
    const logPath = join(folder, "server.log");
    const log = openSync(logPath, "a");
    options.progress?.(`Starting the embedded LangGraph API server on ${url} …`);
    const child = spawn(process.execPath, [cli, "dev", "--port", String(port), "--host", "127.0.0.1", "--no-browser"], {
        cwd: folder,
        detached: true,
        stdio: ["ignore", log, log],
        env: childEnv(process.env, { LANGGRAPH_CLI_NO_ANALYTICS: "1", BROWSER: "none", LANGSMITH_TRACING: "false" }),
    });
    closeSync(log);
    if (child.pid !== undefined)
        running.add(child.pid);
    let exited = false;
    child.once("exit", () => {
        exited = true;
    });
    const stop = async () => {
        await stopTree(child, 5_000);
        if (child.pid !== undefined)
            running.delete(child.pid);
        await rm(folder, { recursive: true, force: true });
    };
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    let delay = 100;
    while (!(await answersOk(url))) {
        if (exited || Date.now() > deadline) {
            const why = exited ? "exited" : `did not answer ${url}/ok within ${Math.round((options.startTimeoutMs ?? 60_000) / 1000)} s`;
            const lastLines = await tail(logPath);
            await stop();
            throw new ConformanceError("LGWC_TARGET_UNREACHABLE", `The embedded LangGraph API server ${why}; its last log lines:\n${lastLines}`);
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 1_000);
    }
    return { url, stop };
}
