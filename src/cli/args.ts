import { parseArgs } from "node:util";
import { usageError } from "../errors.js";
import { parseShard } from "../selection.js";
import { PROFILES, type Profile } from "../target/catalog.js";

export interface Options {
  target?: string;
  local: boolean;
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
  retries: number;
  shard?: { index: number; total: number };
  publicUrl?: string;
  sinkHost: string;
  sinkPort: number;
  ca?: string;
  preflightOnly: boolean;
  canary: boolean;
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
  "assistant-id": { type: "string" },
  input: { type: "string" },
  "api-key": { type: "string" },
  header: { type: "string", short: "H", multiple: true },
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
  retries: { type: "string" },
  shard: { type: "string" },
  "public-url": { type: "string" },
  "sink-host": { type: "string" },
  "sink-port": { type: "string" },
  ca: { type: "string" },
  "preflight-only": { type: "boolean" },
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

export function targetUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--target "${raw}" is not a URL; give the server's base URL, e.g. http://127.0.0.1:2024.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`--target must be an http or https URL, not ${url.protocol}//…`);
  }
  if (url.search || url.hash) throw usageError("--target takes the server's base URL without a query string or fragment.");
  return raw.replace(/\/+$/, "");
}

function publicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--public-url "${raw}" is not a URL; give the URL at which the target reaches the sink, e.g. https://hooks.example.com/lgwc.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw usageError("--public-url must be an http or https URL.");
  if (url.search || url.hash) throw usageError("--public-url takes no query string or fragment: the suite adds its own.");
  return raw.replace(/\/+$/, "");
}

export function parseHeader(raw: string): [string, string] {
  const colon = raw.indexOf(":");
  const name = colon < 0 ? "" : raw.slice(0, colon).trim();
  if (colon < 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw usageError(`-H takes "Name: value"; "${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}" has no valid header name before a colon.`);
  }
  return [name, raw.slice(colon + 1).trim()];
}

function profileNamed(raw: string | undefined): Profile {
  if (raw === undefined) return "standard";
  const found = PROFILES.find((p) => p === raw);
  if (found === undefined) throw usageError(`--profile must be one of ${PROFILES.join(", ")}, not "${raw}".`);
  return found;
}

/** Reads argv into options, or says in one sentence which flag is wrong. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  let values: ReturnType<typeof parseArgs<{ options: typeof SPEC; strict: true; allowPositionals: false }>>["values"];
  try {
    values = parseArgs({ args: [...argv], options: SPEC, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // Node's parser adds advice about "--" that does not apply here: keep its first sentence.
    const message = error instanceof Error ? error.message.split("\n")[0]!.split(". ")[0]!.replace(/\.$/, "") : String(error);
    throw usageError(`${message}; run with --help to see every flag.`);
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  if (values.local && values.target !== undefined) throw usageError("Give either --target URL or --local, not both.");
  if (!values.local && values.target === undefined) {
    throw usageError("Say what to certify: --target URL for a running server, or --local for the embedded one.");
  }
  let input: unknown = {};
  if (values.input !== undefined) {
    try {
      input = JSON.parse(values.input);
    } catch {
      throw usageError(`--input is not valid JSON: ${values.input.length > 60 ? `${values.input.slice(0, 60)}…` : values.input}`);
    }
  }
  const headers = Object.fromEntries((values.header ?? []).map(parseHeader));
  const options: Options = {
    local: values.local ?? false,
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
    retries: integer("--retries", values.retries, 0, 0, 5),
    sinkHost: values["sink-host"] ?? "127.0.0.1",
    sinkPort: integer("--sink-port", values["sink-port"], 0, 0, 65_535),
    preflightOnly: values["preflight-only"] ?? false,
    canary: !(values["no-canary"] ?? false),
    profile: profileNamed(values.profile),
  };
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
  if (values["public-url"] !== undefined) options.publicUrl = publicUrl(values["public-url"]);
  if (values.ca !== undefined) options.ca = values.ca;
  if (values["expect-failures"] !== undefined) options.expectFailures = values["expect-failures"];
  if (values.shard !== undefined) options.shard = parseShard(values.shard);
  if (options.strictExpectations && options.expectFailures === undefined) {
    throw usageError("--strict-expectations needs --expect-failures FILE.");
  }
  if (values["sign-key"] !== undefined) options.signKey = values["sign-key"];
  if (values.target !== undefined) options.target = targetUrl(values.target);
  if (values["assistant-id"] === "") throw usageError("--assistant-id cannot be empty.");
  const apiKey = values["api-key"] ?? env.LANGGRAPH_API_KEY ?? env.LANGSMITH_API_KEY;
  if (apiKey) options.apiKey = apiKey;
  if (values.workers !== undefined) options.workers = integer("--workers", values.workers, 1, 1, 64);
  if (values.openapi !== undefined) options.openapi = values.openapi;
  return { kind: "run", options };
}
