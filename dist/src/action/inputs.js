import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { usageError } from "../errors.js";
import { shellWords } from "./shell-words.js";
import { secretsInHeader } from "../cli/args.js";
const input = (env, name) => (env[`INPUT_${name.toUpperCase().replaceAll("-", "_")}`] ?? "").trim();
function flag(env, name) {
    const value = input(env, name);
    if (value === "" || value === "false")
        return false;
    if (value === "true")
        return true;
    throw usageError(`The ${name} input is "${value}": give true or false.`);
}
/** `--flag value` for each input that was given. */
function valued(env, names) {
    return Object.entries(names).flatMap(([name, option]) => {
        const value = input(env, name);
        return value === "" ? [] : [option, value];
    });
}
/** The folders under `shares` that hold a certification, in a stable order. */
function shareFolders(shares, cwd) {
    const root = resolve(cwd, shares);
    let names;
    try {
        names = readdirSync(root);
    }
    catch {
        throw usageError(`The shares input "${shares}" is not a folder: download the shards' report artifacts into one folder and name it.`);
    }
    const folders = names
        .sort()
        .map((name) => join(root, name))
        .filter((path) => {
        try {
            return statSync(join(path, "certification.json")).isFile();
        }
        catch {
            return false;
        }
    });
    if (folders.length === 0)
        throw usageError(`No folder under "${shares}" holds a certification.json: download each shard's report artifact into its own folder there.`);
    return folders;
}
/** The target's password (or a token given as the user name alone): the job log must mask it. */
function urlSecrets(target) {
    try {
        const url = new URL(target);
        // The user name only when it stands alone (a token): masking a short user name would blot that word out of the whole log.
        const secret = url.password !== "" ? url.password : url.username;
        if (secret === "")
            return [];
        let decoded = secret;
        try {
            decoded = decodeURIComponent(secret);
        }
        catch {
            // A malformed escape: the suite refuses the URL; the raw form is still masked.
        }
        return [secret, decoded];
    }
    catch {
        return [];
    }
}
/**
 * Flags that would make the step pass without judging anything (--help, --version,
 * --preflight-only), or that an input sets (a second --report-dir would send the reports where the
 * action does not look). The gate decides on a verdict of this run or fails.
 */
const NOT_IN_ARGS = {
    "--help": "it prints the help and judges nothing",
    "-h": "it prints the help and judges nothing",
    "--version": "it prints the version and judges nothing",
    "--preflight-only": "it judges no case, so there would be no verdict to gate on",
    "--report-dir": "use the report-dir input",
    "--target": "use the target input",
    "--local": "use the local input",
    "--api-key": "use the api-key input (from a secret), which is masked and never a flag",
    "--shard": "use the shard input",
    "--json": "the action reads certification.json itself",
};
/** The suite's short flags that take a value: in a bundle, what follows one is its value ("-HAuthorization: …"), not more flags. */
const SHORT_WITH_VALUE = new Set(["H"]);
/** Whether a bundle of short flags ("-hx") holds -h before any flag that takes the rest as its value. */
function bundleHoldsHelp(word) {
    if (word.startsWith("--") || !word.startsWith("-"))
        return false;
    for (const letter of word.slice(1)) {
        if (letter === "h")
            return true;
        if (SHORT_WITH_VALUE.has(letter))
            return false;
    }
    return false;
}
function refuseArgs(words) {
    for (const word of words) {
        const flag = word.startsWith("--") ? word.split("=")[0] : bundleHoldsHelp(word) ? "-h" : word;
        const why = NOT_IN_ARGS[flag];
        // Only the flag is named, never the word it came in: a value given with it may be secret.
        if (why !== undefined)
            throw usageError(`The args input holds ${flag}, which the action does not take there: ${why}.`);
    }
}
/** Header values given in args (-H, --header, --expect-header): the job log masks them as the suite's reports redact them. */
function headerSecrets(words) {
    const secrets = [];
    for (let i = 0; i < words.length; i += 1) {
        const word = words[i];
        // --header=VALUE, and -HVALUE (a short flag with its value attached).
        const [flag, inline] = word.startsWith("--") && word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : word.startsWith("-H") && word.length > 2 ? ["-H", word.slice(2)] : [word, undefined];
        if (flag !== "-H" && flag !== "--header" && flag !== "--expect-header")
            continue;
        const value = inline ?? words[++i] ?? "";
        const secret = value.slice(value.indexOf(":") + 1).trim();
        // The same secrets the suite's redactor learns from the value: a cookie's values, a Basic credential decoded.
        if (value.includes(":") && secret.length >= 4)
            secrets.push(...secretsInHeader(secret).filter((s) => s.length >= 4));
    }
    return secrets;
}
export function planAction(env, cwd) {
    const command = input(env, "command") || "certify";
    const reportDir = resolve(cwd, input(env, "report-dir") || "lgwc-reports");
    const apiKey = input(env, "api-key");
    const artifactName = input(env, "artifact-name") || "webhook-conformance-reports";
    const extra = shellWords(input(env, "args"));
    refuseArgs(extra);
    const argSecrets = headerSecrets(extra);
    const requireComplete = flag(env, "require-complete") ? ["--require-complete"] : [];
    const target = input(env, "target");
    const secrets = [apiKey, ...urlSecrets(target), ...urlSecrets(input(env, "public-url")), ...argSecrets].filter((s) => s !== "");
    if (command === "merge") {
        const shares = input(env, "shares");
        if (shares === "")
            throw usageError("The merge command needs the shares input: the folder the shards' report artifacts were downloaded into.");
        return { argv: ["merge", ...shareFolders(shares, cwd), "--report-dir", reportDir, ...requireComplete, ...extra], reportDir, apiKey, artifactName, secrets };
    }
    if (command !== "certify")
        throw usageError(`The command input is "${command}": give certify or merge.`);
    const local = flag(env, "local");
    if (local === (target !== ""))
        throw usageError("Give the action either the target input (the deployment's URL) or local: true, not both and not neither.");
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
