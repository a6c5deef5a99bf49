import { EnvHttpProxyAgent, request, type Dispatcher } from "undici";
import { ConformanceError, describeError } from "../errors.js";
import { BodyTooLarge, readCapped } from "../bounded-body.js";
import { nestingDepth } from "../json.js";

export interface TargetOptions {
  baseUrl: string;
  apiKey?: string;
  /** Extra headers from -H, sent on every request to the target. */
  headers?: Record<string, string>;
  /** Bound on any single request that is not expected to block. */
  requestTimeoutMs?: number;
  /** PEM certificate authority for https targets with a private CA. */
  ca?: string;
  /**
   * Cleans every answer's text of the run's secrets as it is read, so that no later cut (a quote's
   * length limit) can leave half a secret that no longer matches.
   */
  redact?: (text: string) => string;
}

const OVERALL_MARGIN_MS = 5_000;
/**
 * The most the suite reads of one answer. The largest answers it asks for are searches of at
 * most 100 threads; anything near this is a target that streams without end.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

class DeadlineError extends Error {
  override name = "TimeoutError";
}

/**
 * Rejects when `ms` pass. undici's proxy agent ignores both its timeouts and an abort signal
 * while a proxy refuses to open a tunnel (seen with undici 7.30), so only a race bounds that wait.
 */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Why a connection failed, in words a user can act on. */
export function connectionHint(error: unknown): string {
  const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code ?? "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the host name does not resolve; check --target";
  if (code === "ECONNREFUSED") return "nothing is listening there; check --target and that the server is running";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/i.test(code)) {
    return "its TLS certificate is not trusted; pass --ca FILE with the certificate authority that signed it";
  }
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || (error as { name?: string }).name === "TimeoutError") {
    return "it did not answer in time (through HTTP_PROXY/HTTPS_PROXY, if set)";
  }
  return "check --target";
}

export interface TargetResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Why reading an answer's body failed, in words about the target, not the suite. */
function bodyProblem(error: unknown, timeoutMs: number): string {
  if (error instanceof BodyTooLarge) return `${error.message}, more than any answer of the API needs`;
  if ((error as { name?: string }).name === "TimeoutError" || (error as { code?: string }).code === "UND_ERR_BODY_TIMEOUT") {
    return `its body did not finish within ${timeoutMs} ms`;
  }
  return `its body was cut off (${describeError(error)})`;
}

/** An answer from the target that was not a success; its text is quoted in findings. */
export class TargetHttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly text: string,
  ) {
    super(`${method} ${path} answered HTTP ${status}: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`);
    this.name = "TargetHttpError";
  }
}

/** No answer of the API nests this deep; one that does is treated as not JSON, so nothing downstream recurses through it. */
const MAX_ANSWER_DEPTH = 100;

function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  return nestingDepth(value, MAX_ANSWER_DEPTH) > MAX_ANSWER_DEPTH ? undefined : value;
}

function stoppedError(method: string, path: string): ConformanceError {
  return new ConformanceError("LGWC_STOPPED", `${method} ${path} was not sent: the run is stopping.`);
}

/** Calls that make something on the target (a thread, a run, a cron): what a stop must wait for before it sweeps. */
const CREATING = /\/(threads|runs|runs\/stream|runs\/wait|runs\/batch|runs\/crons|copy)$/;

export function createsSomething(method: string, path: string): boolean {
  return method === "POST" && CREATING.test(path.split("?")[0]!);
}

/** Failures that show the request never reached the target, so it made nothing. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "LGWC_STOPPED"]);

/** Whether a create call that failed may still have been handled (it timed out or was cut off after it was sent). */
function mayHaveReached(error: unknown): boolean {
  if (error instanceof ConformanceError && NOT_SENT.has(error.code)) return false;
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT.has(code)) return false;
  }
  return error instanceof ConformanceError;
}

/** What a stop learned of the create calls: those still unanswered at its deadline, and those lost shortly before it. */
export interface CreatesAtStop {
  unanswered: number;
  /** Calls sent that got no answer (timed out, cut off) within the wait before the stop: what the target made of them may come after a sweep. */
  lost: number;
}

/** The create calls under way, shared by a client and its copies, so a stop knows when none is left. */
class Creations {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly lostAt: number[] = [];
  stopped = false;

  track<T>(call: Promise<T>): Promise<T> {
    const settled = call.then(
      () => undefined,
      (error: unknown) => {
        if (mayHaveReached(error)) this.lostAt.push(Date.now());
      },
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return call;
  }

  /** Settles when every create call under way has been answered, or at the deadline; says how many were not, and how many were lost lately. */
  async settled(timeoutMs: number): Promise<CreatesAtStop> {
    const since = Date.now() - timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all([...this.pending]), deadline]).finally(() => clearTimeout(timer));
    return { unanswered: this.pending.size, lost: this.lostAt.filter((at) => at >= since).length };
  }
}

/** The variables the proxy agent reads, in the order it reads them. */
const PROXY_VARIABLES = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"];

/** A proxy variable that is not a URL would fail every call as an internal error: it is the user's to correct (its value may hold credentials, so it is not quoted). */
function checkProxyVariables(env: NodeJS.ProcessEnv): void {
  for (const name of PROXY_VARIABLES) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    // "proxy.corp:3128" parses as a URL of scheme "proxy.corp:": only http and https name a proxy.
    if (!URL.canParse(value) || !["http:", "https:"].includes(new URL(value).protocol)) {
      throw new ConformanceError("LGWC_CONFIG", `The environment variable ${name} is not a URL the suite can use as a proxy (like http://proxy.example:3128); correct it, or unset it to connect directly.`);
    }
  }
}

/** Every HTTP call to the target goes through here, with the user's credentials and a bound on time. */
export class TargetClient {
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  /** Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY, and --ca. */
  private readonly dispatcher: Dispatcher;
  private readonly creations: Creations;

  constructor(
    private readonly options: TargetOptions,
    creations?: Creations,
  ) {
    this.creations = creations ?? new Creations();
    checkProxyVariables(process.env);
    this.dispatcher = new EnvHttpProxyAgent(options.ca ? { connect: { ca: options.ca } } : {});
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.headers = { ...(options.headers ?? {}) };
    if (options.apiKey) this.headers["x-api-key"] = options.apiKey;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** The same client (headers, credentials, CA, limits) for another server. */
  withBaseUrl(baseUrl: string): TargetClient {
    return new TargetClient({ ...this.options, baseUrl }, new Creations());
  }

  /** A text from the target, cleaned of the run's secrets. */
  clean(text: string): string {
    return this.options.redact?.(text) ?? text;
  }

  /** Headers to send, for reproduction commands (the caller redacts them). */
  get sentHeaders(): Record<string, string> {
    return { ...this.headers };
  }

  /**
   * After a stop: no new create call leaves, and the answer says when those under way have been
   * answered (so a sweep finds what they made), or how many still had not been at the deadline.
   */
  stopCreating(timeoutMs: number): Promise<CreatesAtStop> {
    this.creations.stopped = true;
    return this.creations.settled(timeoutMs);
  }

  send(
    method: Dispatcher.HttpMethod,
    path: string,
    body?: unknown,
    options: { timeoutMs?: number; accept?: string } = {},
  ): Promise<TargetResponse> {
    if (!createsSomething(method, path)) return this.exchange(method, path, body, options);
    if (this.creations.stopped) return Promise.reject(stoppedError(method, path));
    return this.creations.track(this.exchange(method, path, body, options));
  }

  private async exchange(
    method: Dispatcher.HttpMethod,
    path: string,
    body: unknown,
    options: { timeoutMs?: number; accept?: string },
  ): Promise<TargetResponse> {
    const timeout = options.timeoutMs ?? this.timeoutMs;
    const headers: Record<string, string> = { ...this.headers, accept: options.accept ?? "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const started = Date.now();
    let response: Dispatcher.ResponseData;
    try {
      response = await withDeadline(request(`${this.baseUrl}${path}`, {
        dispatcher: this.dispatcher,
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        // The per-phase timeouts do not cover every phase (a proxy that never opens its tunnel):
        // this bounds the whole exchange.
        signal: AbortSignal.timeout(timeout + OVERALL_MARGIN_MS),
      }), timeout + OVERALL_MARGIN_MS);
    } catch (error) {
      throw new ConformanceError(
        "LGWC_TARGET_UNREACHABLE",
        `${method} ${path} on ${this.baseUrl} failed: ${describeError(error)}; ${connectionHint(error)}.`,
        { cause: error },
      );
    }
    // The body shares the request's deadline: a body that drips without end is as broken as no answer.
    const left = Math.max(1, timeout + OVERALL_MARGIN_MS - (Date.now() - started));
    let bytes: Buffer;
    try {
      bytes = await withDeadline(readCapped(response.body, MAX_RESPONSE_BYTES), left);
    } catch (error) {
      response.body.destroy();
      throw new ConformanceError(
        "LGWC_TARGET_BROKEN",
        `${method} ${path} on ${this.baseUrl} answered HTTP ${response.statusCode}, but ${bodyProblem(error, timeout)}; the target is not answering as a LangGraph API server does.`,
        { cause: error },
      );
    }
    const raw = bytes.toString("utf8");
    return { status: response.statusCode, headers: response.headers, text: this.options.redact?.(raw) ?? raw, json: parseJson(raw) };
  }

  /** Like send, but a non-2xx answer becomes a TargetHttpError that quotes the target. */
  async ok(method: Dispatcher.HttpMethod, path: string, body?: unknown, options?: { timeoutMs?: number }): Promise<TargetResponse> {
    const response = await this.send(method, path, body, options);
    if (response.status < 200 || response.status >= 300) throw new TargetHttpError(method, path, response.status, response.text);
    return response;
  }

  /** Opens a server-sent-event stream; the caller consumes the body. The run exists once the headers came. */
  stream(path: string, body: unknown, timeoutMs: number): Promise<Dispatcher.ResponseData> {
    if (this.creations.stopped) return Promise.reject(stoppedError("POST", path));
    return this.creations.track(this.openStream(path, body, timeoutMs));
  }

  private async openStream(path: string, body: unknown, timeoutMs: number): Promise<Dispatcher.ResponseData> {
    try {
      return await withDeadline(request(`${this.baseUrl}${path}`, {
        dispatcher: this.dispatcher,
        method: "POST",
        headers: { ...this.headers, accept: "text/event-stream", "content-type": "application/json" },
        body: JSON.stringify(body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs + OVERALL_MARGIN_MS),
      }), timeoutMs + OVERALL_MARGIN_MS);
    } catch (error) {
      throw new ConformanceError("LGWC_TARGET_UNREACHABLE", `POST ${path} on ${this.baseUrl} failed: ${describeError(error)}; ${connectionHint(error)}.`, {
        cause: error,
      });
    }
  }
}
