import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { usageError } from "../errors.js";
import { shellWords } from "./shell-words.js";

/**
 * What the action was asked to do. Its inputs arrive as environment variables (INPUT_…), set in
 * action.yml's `env:`, never written into a script: a value is data however it reads.
 */
export interface ActionPlan {
  /** The suite's command line, without the API key (which travels in the environment). */
  argv: string[];
  /** Absolute: where the reports are written. */
  reportDir: string;
  apiKey: string;
  artifactName: string;
  /** Values the job log must never show. */
  secrets: string[];
}

const input = (env: NodeJS.ProcessEnv, name: string): string => (env[`INPUT_${name.toUpperCase().replaceAll("-", "_")}`] ?? "").trim();

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = input(env, name);
  if (value === "" || value === "false") return false;
  if (value === "true") return true;
  throw usageError(`The ${name} input is "${value}": give true or false.`);
}

/** `--flag value` for each input that was given. */
function valued(env: NodeJS.ProcessEnv, names: Record<string, string>): string[] {
  return Object.entries(names).flatMap(([name, option]) => {
    const value = input(env, name);
    return value === "" ? [] : [option, value];
  });
}

/** The folders under `shares` that hold a certification, in a stable order. */
function shareFolders(shares: string, cwd: string): string[] {
  const root = resolve(cwd, shares);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    throw usageError(`The shares input "${shares}" is not a folder: download the shards' report artifacts into one folder and name it.`);
  }
  const folders = names
    .sort()
    .map((name) => join(root, name))
    .filter((path) => {
      try {
        return statSync(join(path, "certification.json")).isFile();
      } catch {
        return false;
      }
    });
  if (folders.length === 0) throw usageError(`No folder under "${shares}" holds a certification.json: download each shard's report artifact into its own folder there.`);
  return folders;
}

/** The target's password, if the URL carries one: the job log must mask it. */
function urlSecrets(target: string): string[] {
  try {
    const url = new URL(target);
    // Only the password: masking a short user name would blot that word out of the whole log.
    return url.password === "" ? [] : [url.password, decodeURIComponent(url.password)];
  } catch {
    return [];
  }
}

export function planAction(env: NodeJS.ProcessEnv, cwd: string): ActionPlan {
  const command = input(env, "command") || "certify";
  const reportDir = resolve(cwd, input(env, "report-dir") || "lgwc-reports");
  const apiKey = input(env, "api-key");
  const artifactName = input(env, "artifact-name") || "webhook-conformance-reports";
  const extra = shellWords(input(env, "args"));
  const requireComplete = flag(env, "require-complete") ? ["--require-complete"] : [];
  const target = input(env, "target");
  const secrets = [apiKey, ...urlSecrets(target)].filter((s) => s !== "");
  if (command === "merge") {
    const shares = input(env, "shares");
    if (shares === "") throw usageError("The merge command needs the shares input: the folder the shards' report artifacts were downloaded into.");
    return { argv: ["merge", ...shareFolders(shares, cwd), "--report-dir", reportDir, ...requireComplete, ...extra], reportDir, apiKey, artifactName, secrets };
  }
  if (command !== "certify") throw usageError(`The command input is "${command}": give certify or merge.`);
  const local = flag(env, "local");
  if (local === (target !== "")) throw usageError("Give the action either the target input (the deployment's URL) or local: true, not both and not neither.");
  const argv = [
    ...(local ? ["--local", ...valued(env, { "server-version": "--server-version" })] : ["--target", target]),
    ...valued(env, {
      "assistant-id": "--assistant-id",
      "public-url": "--public-url",
      profile: "--profile",
      shard: "--shard",
      "expect-failures": "--expect-failures",
    }),
    "--report-dir",
    reportDir,
    ...requireComplete,
    ...extra,
  ];
  return { argv, reportDir, apiKey, artifactName, secrets };
}
