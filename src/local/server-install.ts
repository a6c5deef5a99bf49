import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConformanceError } from "../errors.js";
import { childEnv } from "./child-env.js";

/**
 * The open-source JavaScript server in the versions the suite knows, each a set of packages that
 * install together. 1.5.1 is the default: it installs without peer conflicts. 2.0.0 is the newest
 * 2.x; its server wants a newer @langchain/langgraph-sdk than @langchain/langgraph 1.7.3 pins, so it
 * installs only with --legacy-peer-deps.
 */
export const SERVER_SETS = {
  "1.5.1": {
    packages: ["@langchain/langgraph-cli@1.5.1", "@langchain/langgraph-api@1.5.1", "@langchain/langgraph@1.7.3", "@langchain/core@1.4.0"],
    legacyPeerDeps: false,
  },
  "2.0.0": {
    packages: ["@langchain/langgraph-cli@2.0.0", "@langchain/langgraph-api@2.0.0", "@langchain/langgraph@1.7.3", "@langchain/core@1.4.0"],
    legacyPeerDeps: true,
  },
} as const;

export type ServerVersion = keyof typeof SERVER_SETS;
export const DEFAULT_SERVER_VERSION: ServerVersion = "1.5.1";
export const SERVER_VERSIONS = Object.keys(SERVER_SETS) as ServerVersion[];

/** Marks an install that finished; a folder without it is not used. */
const COMPLETE = ".lgwc-complete";

/** Where installed servers live: $LGWC_CACHE_DIR, or the user's cache folder. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LGWC_CACHE_DIR) return env.LGWC_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "lg-webhook-conformance");
}

export function serverFolder(version: ServerVersion, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), `server-${version}`);
}

/** The server's command line inside an install, relative to its folder. */
export const SERVER_CLI = join("node_modules", "@langchain", "langgraph-cli", "dist", "cli", "cli.mjs");

/**
 * The folder of a finished install of this version, if there is one: marked complete, and still
 * holding the server (a cache restored in part, or pruned, keeps the mark without the packages,
 * and is installed again).
 */
export function installedServer(version: ServerVersion, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const folder = serverFolder(version, env);
  return existsSync(join(folder, COMPLETE)) && existsSync(join(folder, SERVER_CLI)) ? folder : undefined;
}

async function folderBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

function npm(args: string[], cwd: string, onLine: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.platform === "win32" ? "npm.cmd" : "npm", args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: childEnv(process.env, { npm_config_update_notifier: "false" }) });
    let last = "";
    const take = (chunk: Buffer): void => {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") onLine((last = line.trim()));
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve(0) : reject(new Error(`npm exited with ${code}${last ? `: ${last}` : ""}`))));
  });
}

/** Staging folders of installs that ended without finishing (a killed process): never used, removed on the next install. */
async function removeAbandoned(root: string): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith(".staging-")) continue;
    const pid = Number(name.split("-").at(-1));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive) await rm(join(root, name), { recursive: true, force: true });
  }
}

/**
 * Installs one version's packages from the npm registry into the cache, in a staging folder that
 * is moved into place only once complete: an install that fails or is interrupted leaves nothing
 * that a later run would take for an installed server.
 */
export async function installServer(version: ServerVersion, options: { env?: NodeJS.ProcessEnv; progress?: (line: string) => void } = {}): Promise<string> {
  const env = options.env ?? process.env;
  const say = options.progress ?? (() => undefined);
  const done = installedServer(version, env);
  if (done !== undefined) return done;
  const root = cacheRoot(env);
  const target = serverFolder(version, env);
  const set = SERVER_SETS[version];
  const staging = join(root, `.staging-${version}-${process.pid}`);
  try {
    await mkdir(root, { recursive: true });
    await removeAbandoned(root);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, "package.json"), `${JSON.stringify({ name: "lgwc-server", private: true, description: `LangGraph API server ${version} for lg-webhook-conformance --local` }, null, 2)}\n`);
    say(`Installing the LangGraph API server ${version} into ${target} (${set.packages.length} packages and their dependencies from the npm registry, about 250 packages and 130 MB; once) …`);
    let lastSaid = Date.now();
    await npm(["install", "--no-audit", "--no-fund", "--ignore-scripts", ...(set.legacyPeerDeps ? ["--legacy-peer-deps"] : []), ...set.packages], staging, (line) => {
      if (Date.now() - lastSaid > 15_000) {
        lastSaid = Date.now();
        say(`  still installing (npm: ${line.slice(0, 100)})`);
      }
    });
    await writeFile(join(staging, COMPLETE), `${new Date().toISOString()}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    say(`Installed the LangGraph API server ${version}: ${Math.round((await folderBytes(target)) / 1024 / 1024)} MB in ${target}.`);
    return target;
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    const code = fileSystemCode(error);
    if (code !== undefined) {
      throw new ConformanceError(
        "LGWC_LOCAL_TARGET",
        `The cache folder ${root} cannot be written (${code}), so the LangGraph API server cannot be installed there; nothing was left half-installed. Point LGWC_CACHE_DIR at a folder this user can write.`,
      );
    }
    throw new ConformanceError(
      "LGWC_LOCAL_TARGET",
      `Installing the LangGraph API server ${version} failed (${error instanceof Error ? error.message : String(error)}); nothing was left half-installed. Check the network to the npm registry and run \`lg-webhook-conformance install-server${version === DEFAULT_SERVER_VERSION ? "" : ` --server-version ${version}`}\` again.`,
    );
  }
}

/** The error code of a failure of the file system (not of npm, nor of starting npm), if it is one. */
function fileSystemCode(error: unknown): string | undefined {
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === "string" && typeof syscall === "string" && !syscall.startsWith("spawn") ? code : undefined;
}

/** Which version an install holds, for messages. */
export async function installedVersionOf(folder: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(folder, "node_modules", "@langchain", "langgraph-api", "package.json"), "utf8")) as { version?: string };
    return manifest.version;
  } catch {
    return undefined;
  }
}
