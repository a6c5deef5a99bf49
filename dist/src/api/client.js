import { EnvHttpProxyAgent, request } from "undici";
import { ConformanceError, describeError } from "../errors.js";
import { BodyTooLarge, readCapped } from "../bounded-body.js";
import { nestingDepth } from "../json.js";
const OVERALL_MARGIN_MS = 5_000;
/**
 * The most the suite reads of one answer. The largest answers it asks for are searches of at
 * most 100 threads; anything near this is a target that streams without end.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
class DeadlineError extends Error {
    name = "TimeoutError";
}
/**
 * Rejects when `ms` pass. undici's proxy agent ignores both its timeouts and an abort signal
 * while a proxy refuses to open a tunnel (seen with undici 7.30), so only a race bounds that wait.
 */
function withDeadline(work, ms) {
    let timer;
    const deadline = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms`)), ms);
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
/** Why a connection failed, in words a user can act on. */
export function connectionHint(error) {
    const code = error.cause?.code ?? error.code ?? "";
    if (code === "ENOTFOUND" || code === "EAI_AGAIN")
        return "the host name does not resolve; check --target";
    if (code === "ECONNREFUSED")
        return "nothing is listening there; check --target and that the server is running";
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/i.test(code)) {
        return "its TLS certificate is not trusted; pass --ca FILE with the certificate authority that signed it";
    }
    if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || error.name === "TimeoutError") {
        return "it did not answer in time (through HTTP_PROXY/HTTPS_PROXY, if set)";
    }
    return "check --target";
}
/** Why reading an answer's body failed, in words about the target, not the suite. */
function bodyProblem(error, timeoutMs) {
    if (error instanceof BodyTooLarge)
        return `${error.message}, more than any answer of the API needs`;
    if (error.name === "TimeoutError" || error.code === "UND_ERR_BODY_TIMEOUT") {
        return `its body did not finish within ${timeoutMs} ms`;
    }
    return `its body was cut off (${describeError(error)})`;
}
/** An answer from the target that was not a success; its text is quoted in findings. */
export class TargetHttpError extends Error {
    method;
    path;
    status;
    text;
    constructor(method, path, status, text) {
        super(`${method} ${path} answered HTTP ${status}: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`);
        this.method = method;
        this.path = path;
        this.status = status;
        this.text = text;
        this.name = "TargetHttpError";
    }
}
/** No answer of the API nests this deep; one that does is treated as not JSON, so nothing downstream recurses through it. */
const MAX_ANSWER_DEPTH = 100;
function parseJson(text) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return undefined;
    }
    return nestingDepth(value, MAX_ANSWER_DEPTH) > MAX_ANSWER_DEPTH ? undefined : value;
}
function stoppedError(method, path) {
    return new ConformanceError("LGWC_STOPPED", `${method} ${path} was not sent: the run is stopping.`);
}
/** Calls that make something on the target (a thread, a run, a cron): what a stop must wait for before it sweeps. */
const CREATING = /\/(threads|runs|runs\/stream|runs\/wait|runs\/batch|runs\/crons|copy)$/;
export function createsSomething(method, path) {
    return method === "POST" && CREATING.test(path.split("?")[0]);
}
/** Failures that show the request never reached the target, so it made nothing. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "LGWC_STOPPED"]);
/** Whether a create call that failed may still have been handled (it timed out or was cut off after it was sent). */
function mayHaveReached(error) {
    if (error instanceof ConformanceError && NOT_SENT.has(error.code))
        return false;
    for (let cause = error; cause instanceof Error; cause = cause.cause) {
        const code = cause.code;
        if (typeof code === "string" && NOT_SENT.has(code))
            return false;
    }
    return error instanceof ConformanceError;
}
/** The create calls under way, shared by a client and its copies, so a stop knows when none is left. */
class Creations {
    pending = new Set();
    lostAt = [];
    stopped = false;
    track(call) {
        const settled = call.then(() => undefined, (error) => {
            if (mayHaveReached(error))
                this.lostAt.push(Date.now());
        });
        this.pending.add(settled);
        void settled.then(() => this.pending.delete(settled));
        return call;
    }
    /** Settles when every create call under way has been answered, or at the deadline; says how many were not, and how many were lost lately. */
    async settled(timeoutMs) {
        const since = Date.now() - timeoutMs;
        let timer;
        const deadline = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        await Promise.race([Promise.all([...this.pending]), deadline]).finally(() => clearTimeout(timer));
        return { unanswered: this.pending.size, lost: this.lostAt.filter((at) => at >= since).length };
    }
}
/** The variables the proxy agent reads, in the order it reads them. */
const PROXY_VARIABLES = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"];
/** A proxy variable that is not a URL would fail every call as an internal error: it is the user's to correct (its value may hold credentials, so it is not quoted). */
function checkProxyVariables(env) {
    for (const name of PROXY_VARIABLES) {
        const value = env[name];
        if (value === undefined || value === "")
            continue;
        // "proxy.corp:3128" parses as a URL of scheme "proxy.corp:": only http and https name a proxy.
        if (!URL.canParse(value) || !["http:", "https:"].includes(new URL(value).protocol)) {
            throw new ConformanceError("LGWC_CONFIG", `The environment variable ${name} is not a URL the suite can use as a proxy (like http://proxy.example:3128); correct it, or unset it to connect directly.`);
        }
    }
}
/** Every HTTP call to the target goes through here, with the user's credentials and a bound on time. */
export class TargetClient {
    options;
    baseUrl;
    headers;
    timeoutMs;
    /** Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY, and --ca. */
    dispatcher;
    creations;
    constructor(options, creations) {
        this.options = options;
        this.creations = creations ?? new Creations();
        checkProxyVariables(process.env);
        this.dispatcher = new EnvHttpProxyAgent(options.ca ? { connect: { ca: options.ca } } : {});
        this.baseUrl = options.baseUrl.replace(/\/+$/, "");
        this.headers = { ...(options.headers ?? {}) };
        if (options.apiKey)
            this.headers["x-api-key"] = options.apiKey;
        this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    }
    /** The same client (headers, credentials, CA, limits) for another server. */
    withBaseUrl(baseUrl) {
        return new TargetClient({ ...this.options, baseUrl }, new Creations());
    }
    /** A text from the target, cleaned of the run's secrets. */
    clean(text) {
        return this.options.redact?.(text) ?? text;
    }
    /** Headers to send, for reproduction commands (the caller redacts them). */
    get sentHeaders() {
        return { ...this.headers };
    }
    /**
     * After a stop: no new create call leaves, and the answer says when those under way have been
     * answered (so a sweep finds what they made), or how many still had not been at the deadline.
     */
    stopCreating(timeoutMs) {
        this.creations.stopped = true;
        return this.creations.settled(timeoutMs);
    }
    send(method, path, body, options = {}) {
        if (!createsSomething(method, path))
            return this.exchange(method, path, body, options);
        if (this.creations.stopped)
            return Promise.reject(stoppedError(method, path));
        return this.creations.track(this.exchange(method, path, body, options));
    }
    async exchange(method, path, body, options) {
        const timeout = options.timeoutMs ?? this.timeoutMs;
        const headers = { ...this.headers, accept: options.accept ?? "application/json" };
        if (body !== undefined)
            headers["content-type"] = "application/json";
        const started = Date.now();
        let response;
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
        }
        catch (error) {
            throw new ConformanceError("LGWC_TARGET_UNREACHABLE", `${method} ${path} on ${this.baseUrl} failed: ${describeError(error)}; ${connectionHint(error)}.`, { cause: error });
        }
        // The body shares the request's deadline: a body that drips without end is as broken as no answer.
        const left = Math.max(1, timeout + OVERALL_MARGIN_MS - (Date.now() - started));
        let bytes;
        try {
            bytes = await withDeadline(readCapped(response.body, MAX_RESPONSE_BYTES), left);
        }
        catch (error) {
            response.body.destroy();
            throw new ConformanceError("LGWC_TARGET_BROKEN", `${method} ${path} on ${this.baseUrl} answered HTTP ${response.statusCode}, but ${bodyProblem(error, timeout)}; the target is not answering as a LangGraph API server does.`, { cause: error });
        }
        const raw = bytes.toString("utf8");
        return { status: response.statusCode, headers: response.headers, text: this.options.redact?.(raw) ?? raw, json: parseJson(raw) };
    }
    /** Like send, but a non-2xx answer becomes a TargetHttpError that quotes the target. */
    async ok(method, path, body, options) {
        const response = await this.send(method, path, body, options);
        if (response.status < 200 || response.status >= 300)
            throw new TargetHttpError(method, path, response.status, response.text);
        return response;
    }
    /** Opens a server-sent-event stream; the caller consumes the body. The run exists once the headers came. */
    stream(path, body, timeoutMs) {
        if (this.creations.stopped)
            return Promise.reject(stoppedError("POST", path));
        return this.creations.track(this.openStream(path, body, timeoutMs));
    }
    async openStream(path, body, timeoutMs) {
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
        }
        catch (error) {
            throw new ConformanceError("LGWC_TARGET_UNREACHABLE", `POST ${path} on ${this.baseUrl} failed: ${describeError(error)}; ${connectionHint(error)}.`, {
                cause: error,
            });
        }
    }
}
