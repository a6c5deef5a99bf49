import { parseArgs } from "node:util";
import { didYouMean } from "./did-you-mean.js";
import { usageError } from "../errors.js";
import { nestingDepth } from "../json.js";
import { parseShard } from "../selection.js";
import { PROFILES, type Profile } from "../cases/catalog.js";
import { DEFAULT_SERVER_VERSION, SERVER_VERSIONS, type ServerVersion } from "../local/server-install.js";

export interface Options {
  /** The target's base URL, without credentials. */
  target?: string;
  /** user:password from --target, sent as HTTP Basic (in `headers`); kept to be redacted. */
  credentials?: TargetUrl["credentials"];
  local: boolean;
  /** With --local: which version of the open-source server to run. */
  serverVersion: ServerVersion;
  assistantId: string;
  input: unknown;
  apiKey?: string;
  headers: Record<string, string>;
  only: string[];
  skip: string[];
  settleMs: number;
  timeoutMs: number;
  cronTimeoutMs: number;
  workers?: number;
  reportDir: string;
  openapi?: string;
  signKey?: string;
  expectFailures?: string;
  strictExpectations: boolean;
  /** A partial certificate (cases not selected or skipped, checks left out, failures waived) fails the exit code. */
  requireComplete: boolean;
  retries: number;
  shard?: { index: number; total: number };
  publicUrl?: string;
  sinkHost: string;
  sinkPort: number;
  /** The bytes of webhook bodies the sink keeps in all, in MiB. */
  sinkBudgetMb: number;
  /** How far the target's clock may be from this machine's (webhook_sent_at against the arrival). */
  clockSkewMs: number;
  ca?: string;
  preflightOnly: boolean;
  /** Keep Playwright's own reports in the report folder's traces/. */
  traces: boolean;
  canary: boolean;
  /** Headers every webhook must carry (--expect-header): the name, and the value when given. */
  expectHeaders: [string, string | undefined][];
  /** The deployment's webhooks.allowed_fields (--allowed-fields), when it leaves fields out on purpose. */
  allowedFields?: string[];
  /** user:password in --public-url, kept to be redacted. */
  publicUrlSecrets?: string[];
  /** The API key came from --api-key, where every user of the machine can read it (ps). */
  keyOnCommandLine?: boolean;
  /** Print certification.json on stdout (the summary goes to stderr). */
  json: boolean;
  profile: Profile;
  /** Load mode (--repeat): every selected case `repeat` times, `concurrency` repetitions at once. */
  load?: { repeat: number; concurrency: number };
}

export type Parsed = { kind: "help" } | { kind: "version" } | { kind: "run"; options: Options };

const SPEC = {
  target: { type: "string" },
  local: { type: "boolean" },
  "server-version": { type: "string" },
  "assistant-id": { type: "string" },
  input: { type: "string" },
  "api-key": { type: "string" },
  header: { type: "string", short: "H", multiple: true },
  "expect-header": { type: "string", multiple: true },
  "allowed-fields": { type: "string" },
  only: { type: "string", multiple: true },
  skip: { type: "string", multiple: true },
  "settle-ms": { type: "string" },
  "timeout-ms": { type: "string" },
  "cron-timeout-ms": { type: "string" },
  workers: { type: "string" },
  "report-dir": { type: "string" },
  openapi: { type: "string" },
  "sign-key": { type: "string" },
  "expect-failures": { type: "string" },
  "strict-expectations": { type: "boolean" },
  "require-complete": { type: "boolean" },
  retries: { type: "string" },
  shard: { type: "string" },
  "public-url": { type: "string" },
  "sink-host": { type: "string" },
  "sink-port": { type: "string" },
  "sink-budget-mb": { type: "string" },
  "clock-skew-ms": { type: "string" },
  ca: { type: "string" },
  "preflight-only": { type: "boolean" },
  traces: { type: "boolean" },
  "no-canary": { type: "boolean" },
  json: { type: "boolean" },
  profile: { type: "string" },
  repeat: { type: "string" },
  concurrency: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw usageError(`${flag} takes a whole number, not "${raw}".`);
  const value = Number(raw);
  if (value < min || value > max) throw usageError(`${flag} must be between ${min} and ${max}, not ${value}.`);
  return value;
}

/** A --target value: the base URL without credentials, and the credentials it carried (sent as HTTP Basic). */
export interface TargetUrl {
  url: string;
  credentials?: { username: string; password: string; /** As written in the URL (any percent-escape kept), which an echo may repeat. */ raw?: string[] };
}

/**
 * The URL with any user:password@ replaced. URL parsers accept more than scheme://: leading
 * blanks, backslashes, one slash or none. Whatever precedes the last @ before the host goes.
 */
export function withoutUserinfo(raw: string): string {
  return raw.replace(/^(\s*[a-z][a-z0-9+.-]*:[\\/]*)[^/?#\\]*@/i, "$1REDACTED@");
}

export function targetUrl(raw: string): TargetUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--target "${withoutUserinfo(raw)}" is not a URL; give the server's base URL, e.g. http://127.0.0.1:2024.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`--target must be an http or https URL, not ${url.protocol}//…`);
  }
  if (url.search || url.hash) throw usageError("--target takes the server's base URL without a query string or fragment.");
  const parsed: TargetUrl = { url: "" };
  if (url.username !== "" || url.password !== "") {
    parsed.credentials = { username: decodedUserinfo(url.username, "--target"), password: decodedUserinfo(url.password, "--target"), raw: [url.username, url.password].filter((s) => s !== "") };
    url.username = "";
    url.password = "";
  }
  parsed.url = url.toString().replace(/\/+$/, "");
  return parsed;
}

function decodedUserinfo(raw: string, flag: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw usageError(`${flag} has credentials with a malformed percent-escape; write them percent-encoded (e.g. %25 for a %).`);
  }
}

/** The Authorization header for credentials given in --target. */
export function basicAuthorization(credentials: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/**
 * The headers sent to the target: -H values, and HTTP Basic from credentials in --target (which
 * must not clash with an Authorization header given by -H).
 */
export function targetHeaders(raw: readonly string[], target: TargetUrl | undefined): Record<string, string> {
  const headers = Object.fromEntries(raw.map(parseHeader));
  if (target?.credentials !== undefined) {
    if (Object.keys(headers).some((name) => name.toLowerCase() === "authorization")) {
      throw usageError("--target carries credentials (user:password@) and -H gives an Authorization header too; give only one of them.");
    }
    headers.Authorization = basicAuthorization(target.credentials);
  }
  return headers;
}

function publicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--public-url "${withoutUserinfo(raw)}" is not a URL; give the URL at which the target reaches the sink, e.g. https://hooks.example.com/lgwc.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw usageError("--public-url must be an http or https URL.");
  if (url.search || url.hash) throw usageError("--public-url takes no query string or fragment: the suite adds its own.");
  return raw.replace(/\/+$/, "");
}

export function parseHeader(raw: string, index = 0): [string, string] {
  const colon = raw.indexOf(":");
  const name = colon < 0 ? "" : raw.slice(0, colon).trim();
  if (colon < 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    // The value is not echoed: a header given on the command line is often a credential.
    throw usageError(`-H takes "Name: value", but the ${ordinal(index + 1)} -H has no valid header name before a colon (its text is not shown, as it may be secret).`);
  }
  const value = raw.slice(colon + 1).trim();
  // A line break would end the header and start another: refused here, not sent as the target's fault.
  if (/[\r\n\0]/.test(value)) throw usageError(`The ${ordinal(index + 1)} -H has a line break or NUL in its value, which no HTTP header can carry; give the value on one line.`);
  return [name, value];
}

/** --expect-header "Name: value" (a value to match) or "Name" (present with any value). */
export function expectedHeader(raw: string, index = 0): [string, string | undefined] {
  if (!raw.includes(":")) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(raw.trim())) throw usageError(`--expect-header takes "Name: value" or "Name", but the ${ordinal(index + 1)} one is not a header name.`);
    return [raw.trim(), undefined];
  }
  const [name, value] = parseHeader(raw, index);
  return [name, value];
}

/** The top-level fields of the Run and the documented additions a deployment may allow; anything else is a typo. */
const PAYLOAD_FIELDS = [
  "run_id", "thread_id", "assistant_id", "created_at", "updated_at", "status", "metadata", "kwargs", "multitask_strategy",
  "run_started_at", "run_ended_at", "webhook_sent_at", "values", "error",
];

function allowedFields(raw: string): string[] {
  const fields = raw.split(",").map((f) => f.trim()).filter((f) => f !== "");
  const unknown = fields.filter((f) => !PAYLOAD_FIELDS.includes(f));
  if (fields.length === 0 || unknown.length > 0) {
    throw usageError(`--allowed-fields takes the webhook fields the deployment allows, comma-separated, from ${PAYLOAD_FIELDS.join(", ")}${unknown.length > 0 ? `; ${unknown.join(", ")} is not one` : ""}.`);
  }
  return fields;
}

function ordinal(n: number): string {
  const suffix = n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th";
  return `${n}${suffix}`;
}

/**
 * Node's parser reads "-1" after a flag as another flag ("argument is ambiguous"); a value that
 * looks like a negative number is joined to its flag, so the flag's own check can say what is wrong.
 */
export function joinNegativeValues(argv: readonly string[], valued: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (valued.has(arg) && arg.startsWith("--") && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function serverVersionNamed(raw: string | undefined, local = true): ServerVersion {
  if (raw === undefined) return DEFAULT_SERVER_VERSION;
  if (!local) throw usageError("--server-version chooses the embedded server of --local; give --local too.");
  const found = SERVER_VERSIONS.find((v) => v === raw);
  if (found === undefined) throw usageError(`--server-version must be one of ${SERVER_VERSIONS.join(", ")}, not "${raw}".`);
  return found;
}

function profileNamed(raw: string | undefined): Profile {
  if (raw === undefined) return "standard";
  const found = PROFILES.find((p) => p === raw);
  if (found === undefined) throw usageError(`--profile must be one of ${PROFILES.join(", ")}, not "${raw}".${didYouMean(raw, PROFILES)}`);
  return found;
}

/** Reads argv into options, or says in one sentence which flag is wrong. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  let values: ReturnType<typeof parseArgs<{ options: typeof SPEC; strict: true; allowPositionals: false }>>["values"];
  try {
    const valued = new Set(Object.entries(SPEC).filter(([, spec]) => spec.type === "string").map(([name]) => `--${name}`));
    values = parseArgs({ args: joinNegativeValues(argv, valued), options: SPEC, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // Node's parser adds advice about "--" that does not apply here: keep its first sentence.
    const message = error instanceof Error ? error.message.split("\n")[0]!.split(". ")[0]!.replace(/\.$/, "") : String(error);
    const unknownFlag = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
    const guess = unknownFlag === undefined ? "" : didYouMean(unknownFlag, Object.keys(SPEC).map((name) => `--${name}`));
    throw usageError(guess ? `${message}.${guess} (Run with --help to see every flag.)` : `${message}; run with --help to see every flag.`);
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  if (values.local && values.target !== undefined) throw usageError("Give either --target URL or --local, not both.");
  if (!values.local && values.target === undefined) {
    throw usageError("Say what to certify: --target URL for a running server, or --local for the embedded one.");
  }
  const input = values.input === undefined ? {} : parseInput(values.input);
  const target = values.target === undefined ? undefined : targetUrl(values.target);
  const headers = targetHeaders(values.header ?? [], target);
  const options: Options = {
    local: values.local ?? false,
    serverVersion: serverVersionNamed(values["server-version"], values.local ?? false),
    assistantId: values["assistant-id"] ?? "conformance",
    input,
    headers,
    only: values.only ?? [],
    skip: values.skip ?? [],
    settleMs: integer("--settle-ms", values["settle-ms"], 3_000, 0, 600_000),
    timeoutMs: integer("--timeout-ms", values["timeout-ms"], 30_000, 100, 3_600_000),
    cronTimeoutMs: integer("--cron-timeout-ms", values["cron-timeout-ms"], 75_000, 100, 3_600_000),
    reportDir: values["report-dir"] ?? "reports",
    json: values.json ?? false,
    strictExpectations: values["strict-expectations"] ?? false,
    requireComplete: values["require-complete"] ?? false,
    retries: integer("--retries", values.retries, 0, 0, 5),
    sinkHost: values["sink-host"] ?? "127.0.0.1",
    sinkPort: integer("--sink-port", values["sink-port"], 0, 0, 65_535),
    sinkBudgetMb: integer("--sink-budget-mb", values["sink-budget-mb"], 256, 1, 65_536),
    clockSkewMs: integer("--clock-skew-ms", values["clock-skew-ms"], 120_000, 0, 86_400_000),
    preflightOnly: values["preflight-only"] ?? false,
    traces: values.traces ?? false,
    canary: !(values["no-canary"] ?? false),
    profile: profileNamed(values.profile),
    expectHeaders: (values["expect-header"] ?? []).map(expectedHeader),
  };
  if (values["allowed-fields"] !== undefined) options.allowedFields = allowedFields(values["allowed-fields"]);
  if (values.concurrency !== undefined && values.repeat === undefined) {
    throw usageError("--concurrency sets how many repetitions run at once in load mode; give --repeat N too.");
  }
  if (values.repeat !== undefined) {
    if (options.profile === "hardening") {
      throw usageError("--repeat runs the standard cases under load; the hardening probes load the target on purpose, so run them without it.");
    }
    if (values.retries !== undefined) {
      throw usageError("--retries re-runs a failed case's test; load mode runs no per-case tests, so leave it out with --repeat.");
    }
    options.load = {
      repeat: integer("--repeat", values.repeat, 1, 1, 100_000),
      concurrency: integer("--concurrency", values.concurrency, 1, 1, 1_000),
    };
  }
  if (values["public-url"] !== undefined) {
    options.publicUrl = publicUrl(values["public-url"]);
    const url = new URL(options.publicUrl);
    // A tunnel's credentials travel in every webhook URL; they are secrets like any other (a user name alone may be a token).
    const user = decodedUserinfo(url.username, "--public-url");
    const password = decodedUserinfo(url.password, "--public-url");
    if (user !== "" || password !== "") options.publicUrlSecrets = [url.username, url.password, user, password, `${user}:${password}`].filter((s) => s !== "" && s !== ":");
  }
  if (values.ca !== undefined) options.ca = values.ca;
  if (values["expect-failures"] !== undefined) options.expectFailures = values["expect-failures"];
  if (values.shard !== undefined) options.shard = parseShard(values.shard);
  if (options.strictExpectations && options.expectFailures === undefined) {
    throw usageError("--strict-expectations needs --expect-failures FILE.");
  }
  if (values["sign-key"] !== undefined) options.signKey = values["sign-key"];
  if (target !== undefined) options.target = target.url;
  if (target?.credentials !== undefined) options.credentials = target.credentials;
  if (values["assistant-id"] === "") throw usageError("--assistant-id cannot be empty.");
  const apiKey = values["api-key"] ?? env.LANGGRAPH_API_KEY ?? env.LANGSMITH_API_KEY;
  if (apiKey) options.apiKey = apiKey;
  if (values["api-key"] !== undefined) options.keyOnCommandLine = true;
  if (values.workers !== undefined) options.workers = integer("--workers", values.workers, 1, 1, 64);
  if (values.openapi !== undefined) options.openapi = values.openapi;
  return { kind: "run", options };
}

/** Every secret the options carry, for the run's redactor. */
/**
 * The secrets inside a header value, besides the whole value: the credential after an
 * authorization scheme ("Bearer X"), and for HTTP Basic the decoded user:password and password,
 * since a target may echo any of them on its own.
 */
export function secretsInHeader(value: string): string[] {
  const found = [value];
  // A Cookie (or any name=value list): each value long enough to be a secret is one, since a target may echo it alone.
  for (const part of value.split(/[;,&]/)) {
    const eq = part.indexOf("=");
    const inner = eq > 0 ? part.slice(eq + 1).trim() : "";
    if (inner.length >= 8) found.push(inner);
  }
  const scheme = /^\s*([A-Za-z][\w-]*)\s+(\S+)\s*$/.exec(value);
  if (scheme === null) return found;
  const credential = scheme[2]!;
  found.push(credential);
  if (scheme[1]!.toLowerCase() === "basic") {
    const decoded = Buffer.from(credential, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) found.push(decoded, decoded.slice(colon + 1));
  }
  return found;
}

export function secretsOf(options: Pick<Options, "apiKey" | "headers" | "credentials"> & Partial<Pick<Options, "expectHeaders" | "publicUrlSecrets">>): string[] {
  const secrets = [...(options.apiKey === undefined ? [] : [options.apiKey]), ...Object.values(options.headers).flatMap(secretsInHeader), ...(options.publicUrlSecrets ?? [])];
  // A header a deployment adds to its webhooks is often a shared secret the receiver checks.
  for (const [, value] of options.expectHeaders ?? []) if (value !== undefined) secrets.push(...secretsInHeader(value));
  if (options.credentials !== undefined) {
    const { username, password } = options.credentials;
    // A URL may carry a token as its user name alone.
    secrets.push(`${username}:${password}`, password, ...(password === "" ? [username] : []));
    // As typed: "Secret%2dPass" is what an echo of the URL repeats, and no encoder writes it back from "Secret-Pass".
    const raw = options.credentials.raw ?? [];
    secrets.push(...(password === "" ? raw : raw.slice(1)), raw.join(":"));
  }
  return secrets.filter((secret) => secret !== "");
}

/**
 * As deep as --input may nest: a run read back through the API carries it a few levels down, and
 * the suite reads answers to 100 levels (its certificate, to 1,000), so a deeper input could not be
 * judged, and would be blamed on the target.
 */
export const MAX_INPUT_DEPTH = 64;

/** A number JSON cannot carry (1e400 reads as infinity), anywhere in the value: it would be sent as null. */
function unsendableNumber(value: unknown): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : String(value);
  if (value === null || typeof value !== "object") return undefined;
  for (const child of Object.values(value as Record<string, unknown>)) {
    const found = unsendableNumber(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

function parseInput(text: string): unknown {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    throw usageError(`--input is not valid JSON: ${shown}`);
  }
  const depth = nestingDepth(input, MAX_INPUT_DEPTH);
  if (depth > MAX_INPUT_DEPTH) throw usageError(`--input nests more than ${MAX_INPUT_DEPTH} levels deep, more than the suite can read back and judge; give a shallower input.`);
  const number = unsendableNumber(input);
  if (number !== undefined) throw usageError(`--input holds a number JSON cannot carry (it reads as ${number}, and would be sent as null); write it within the range of a double.`);
  return input;
}
