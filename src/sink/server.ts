import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Delivery } from "../evidence.js";
import { caseKeyOf, HOOK_PREFIX } from "./case-url.js";
import { ConformanceError, describeError } from "../errors.js";

export interface SinkOptions {
  host?: string;
  port?: number;
  /** Bodies beyond this many bytes are cut (and marked truncated). */
  maxBodyBytes?: number;
  /** The bytes of request bodies the sink keeps in all; past it, a request is counted and its body not kept. */
  budgetBytes?: number;
  /** Requests for cases beyond this many are counted, not recorded, so a flood cannot exhaust memory. */
  maxRecords?: number;
}

/**
 * How the sink answers one case's requests. By default every request gets 204 at once; the
 * hardening probes make a receiver that fails (5xx) or answers only when released.
 */
export interface Answering {
  /** The answer to the request with this 1-based number at the case's URL; `after` holds it (a receiver that hangs). */
  answer(attempt: number): { status: number; after?: Promise<void> };
}

interface Waiter {
  min: number;
  resolve: () => void;
}

/** A request to a URL the suite never handed out, as far as the sink keeps it. */
export interface StrayRequest {
  method: string;
  target: string;
  receivedAt: number;
  /** The body's size in bytes. */
  bytes: number;
  /** Its first bytes as text, at most STRAY_PREVIEW_BYTES. */
  bodyPreview: string;
}

/** Everything the sink counted, including what it could not keep. */
export interface SinkStats {
  /** One request body is cut beyond this. */
  maxBodyBytes: number;
  budgetBytes: number;
  keptBytes: number;
  /** Requests to URLs the suite never handed out (answered 404), all counted. */
  strays: number;
  strayBytes: number;
  /** The first few of them, with a preview of each body. */
  straySample: StrayRequest[];
  /** Requests for a case whose body did not fit the byte budget: recorded without it, answered 507. */
  discarded: number;
  /** Requests for a case beyond the record cap or the byte budget: counted only, answered 503. */
  dropped: number;
  /** Requests that were not webhooks at all (not a POST under /hook/): counted, answered 404, not a finding. */
  noise: number;
  /** Connections refused because the sink already held its limit of open connections. */
  refusedConnections: number;
  /** Requests for a case whose sender closed them before their body ended: counted, not recorded, their charge given back. */
  aborted: number;
}

export interface Sink {
  /** Base URL that reaches the sink, e.g. http://127.0.0.1:PORT */
  url: string;
  register(caseKey: string, answering?: Answering): void;
  deliveriesFor(caseKey: string): Delivery[];
  /** Resolves when the case has at least `min` deliveries, the time is up, or `signal` aborts. */
  waitFor(caseKey: string, min: number, timeoutMs: number, signal?: AbortSignal): Promise<Delivery[]>;
  stats(): SinkStats;
  close(): Promise<void>;
}

const MIB = 1024 * 1024;
/** Well above the largest body the suite asks for (its large-state case ends with about 1 MiB of state). */
export const DEFAULT_MAX_BODY = 16 * MIB;
export const DEFAULT_BUDGET = 256 * MIB;
const DEFAULT_MAX_RECORDS = 100_000;
/** How many stray requests are kept as a sample, and how much of each body. */
const STRAY_SAMPLE = 20;
const STRAY_PREVIEW_BYTES = 2_048;
/** A run's key in a JSON body, and how much of a chunk's end to keep so that a key split across chunks is found. */
// JSON may escape any of the key's letters (\u0072…), and a form may carry it as run_id=.
const RUN_KEY = /"(?:r|\\u0072)(?:u|\\u0075)(?:n|\\u006e)(?:_|\\u005f)(?:i|\\u0069)(?:d|\\u0064)"\s*:|(?:^|[&?])run_id=/i;
const RUN_KEY_CARRY = 96;
/** A request whose body has not arrived after this long is given up on; a flood of slow bodies must not hold sockets for ever. */
const REQUEST_TIMEOUT_MS = 60_000;
/** Headers that take longer than this are a slow-drip attack, not a webhook. */
const HEADERS_TIMEOUT_MS = 20_000;
/** What a record costs beyond its body and headers (the object, its strings), charged to the budget. */
const RECORD_OVERHEAD = 256;
/** What each header name or value costs beyond its characters (a string of its own), charged to the budget. */
const HEADER_OVERHEAD = 64;
/** The first room a body is given; it doubles as the body grows. */
const FIRST_ROOM = 4_096;
/** Generous for a target's connection pool, small enough that a flood of sockets cannot exhaust the process. */
const MAX_CONNECTIONS = 4_096;

/**
 * One recorded request. The body stays in a Buffer (outside the JS heap) and header pairs are
 * made when first read: a sink under load keeps every request, and garbage collection of what
 * it keeps is most of its cost.
 */
class RecordedDelivery implements Delivery {
  answer?: { status: number; at: number };
  private pairs: [string, string][] | undefined;

  constructor(
    readonly method: string,
    readonly target: string,
    private readonly raw: string[],
    private readonly bytes: Buffer,
    readonly truncated: boolean,
    readonly receivedAt: number,
    readonly discarded: boolean,
    readonly completedAt: number,
  ) {}

  get headers(): [string, string][] {
    if (this.pairs === undefined) {
      this.pairs = [];
      for (let i = 0; i + 1 < this.raw.length; i += 2) this.pairs.push([this.raw[i]!, this.raw[i + 1]!]);
    }
    return this.pairs;
  }

  get bodyBase64(): string {
    return this.bytes.toString("base64");
  }

  /** The plain Delivery, as tests and reports see it. */
  toJSON(): Delivery {
    const plain: Delivery = { method: this.method, target: this.target, headers: this.headers, bodyBase64: this.bodyBase64, truncated: this.truncated, receivedAt: this.receivedAt };
    if (this.discarded) plain.discarded = true;
    plain.completedAt = this.completedAt;
    if (this.answer !== undefined) plain.answer = this.answer;
    return plain;
  }
}

const ANSWER_AT_ONCE: { status: number; after?: Promise<void> } = { status: 204 };

/** Answers a request, recording on the delivery how and when, so checks can tell a retry after a failure from a duplicate after success. */
function answer(res: ServerResponse, delivery: Delivery, status: number): void {
  if (res.destroyed) return;
  delivery.answer = { status, at: Date.now() };
  res.writeHead(status);
  res.end();
}

function reply(res: ServerResponse, status: number, text: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(`${text}\n`);
}

export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const budget = options.budgetBytes ?? DEFAULT_BUDGET;
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  const cases = new Map<string, Delivery[]>();
  const answering = new Map<string, Answering>();
  const waiters = new Map<string, Set<Waiter>>();
  const stats: SinkStats = {
    maxBodyBytes: maxBody,
    budgetBytes: budget,
    keptBytes: 0,
    strays: 0,
    strayBytes: 0,
    straySample: [],
    discarded: 0,
    dropped: 0,
    noise: 0,
    refusedConnections: 0,
    aborted: 0,
  };
  let recorded = 0;

  const notify = (caseKey: string): void => {
    const count = cases.get(caseKey)?.length ?? 0;
    for (const waiter of waiters.get(caseKey) ?? []) if (count >= waiter.min) waiter.resolve();
  };

  const waitFor = (caseKey: string, min: number, timeoutMs: number, signal?: AbortSignal): Promise<Delivery[]> => {
    const current = (): Delivery[] => [...(cases.get(caseKey) ?? [])];
    if (current().length >= min || timeoutMs <= 0 || signal?.aborted === true) return Promise.resolve(current());
    return new Promise((resolve) => {
      const set = waiters.get(caseKey) ?? new Set<Waiter>();
      waiters.set(caseKey, set);
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", finish);
        set.delete(waiter);
        resolve(current());
      };
      const waiter: Waiter = { min, resolve: finish };
      const timer = setTimeout(finish, timeoutMs);
      signal?.addEventListener("abort", finish, { once: true });
      set.add(waiter);
    });
  };

  /**
   * A request, by any method, to a URL the suite never handed out: counted, a few kept as a
   * sample, the body read and thrown away. A POST, or a request with a body, to a webhook path is a
   * stray; any other is a stray only when its body carries a run (a server sending runs to a URL it
   * made up, with POST or any other method), else it is noise (a browser's favicon, a scanner, a
   * bodyless GET under the webhook path), not held against the target.
   */
  const stray = (req: IncomingMessage, res: ServerResponse, receivedAt: number, toHookPath: boolean): void => {
    // Whether it is kept in the sample is decided when it ends (a request held open, or noise, takes no place); until
    // then its first bytes are copied into one small buffer, never held as the chunks that brought them: at most
    // 2 KiB for each of the sink's 4,096 connections, only while the sample has room.
    let preview: Buffer | undefined;
    let previewed = 0;
    let bytes = 0;
    // The whole body is scanned for a run, wherever its run_id sits, keeping only a short carry between chunks.
    // A body the sink cannot read as sent (compressed, or otherwise encoded) may be a run: it is counted as one.
    const encoded = (req.headers["content-encoding"] ?? "identity").toLowerCase() !== "identity";
    let carriesRun = encoded;
    let carry = "";
    req.on("data", (chunk: Buffer) => {
      if (previewed < STRAY_PREVIEW_BYTES && stats.straySample.length < STRAY_SAMPLE) {
        preview ??= Buffer.allocUnsafe(STRAY_PREVIEW_BYTES);
        previewed += chunk.copy(preview, previewed, 0, STRAY_PREVIEW_BYTES - previewed);
      }
      bytes += chunk.length;
      if (carriesRun) return;
      const text = carry + chunk.toString("latin1");
      carriesRun = RUN_KEY.test(text);
      carry = text.slice(-RUN_KEY_CARRY);
    });
    req.on("end", () => {
      // Under the webhook path, a POST or any request with a body is a webhook sent astray; a bodyless GET (a health check, a crawler) is noise.
      if (toHookPath && (req.method === "POST" || bytes > 0)) carriesRun = true;
      if (!carriesRun) {
        stats.noise += 1;
        reply(res, 404, "lg-webhook-conformance sink: not a webhook URL");
        return;
      }
      stats.strays += 1;
      stats.strayBytes += bytes;
      if (stats.straySample.length < STRAY_SAMPLE) {
        const target = req.url ?? "";
        stats.straySample.push({
          method: req.method ?? "",
          target: target.length > STRAY_PREVIEW_BYTES ? `${target.slice(0, STRAY_PREVIEW_BYTES)}…` : target,
          receivedAt,
          bytes,
          bodyPreview: preview === undefined ? "" : preview.subarray(0, previewed).toString("utf8"),
        });
      }
      reply(res, 404, "lg-webhook-conformance sink: this URL was not handed out by the running suite");
    });
  };

  /**
   * A request for a case: kept whole within the per-request cap and the byte budget, or counted
   * without its body. The body is copied into one buffer as it comes, and the budget is charged
   * for that buffer's room: holding the chunks as they arrived would hold, for each, a view and the
   * socket's read buffer behind it, many times the bytes charged (a body sent a byte at a time).
   */
  const forCase = (req: IncomingMessage, res: ServerResponse, key: string, receivedAt: number): void => {
    // The request line and headers are kept too, so they are charged to the budget like a body.
    const cost = RECORD_OVERHEAD + (req.url ?? "").length + req.rawHeaders.reduce((n, h) => n + h.length + HEADER_OVERHEAD, 0);
    if (recorded >= maxRecords || stats.keptBytes + cost > budget) {
      stats.dropped += 1;
      req.resume();
      req.on("end", () => reply(res, 503, "lg-webhook-conformance sink: its record cap or byte budget is spent; this request was counted, not recorded"));
      return;
    }
    recorded += 1;
    stats.keptBytes += cost;
    let body = Buffer.alloc(0);
    let size = 0;
    let truncated = false;
    let discarded = false;
    let complete = false;
    const giveBack = (): void => {
      stats.keptBytes -= body.length;
      body = Buffer.alloc(0);
      size = 0;
    };
    req.on("data", (chunk: Buffer) => {
      if (discarded || truncated) return;
      const room = maxBody - size;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (size + part.length > body.length) {
        const wanted = size + part.length;
        // Doubling keeps copies few; where the budget cannot pay for that, just the room needed.
        const doubled = Math.min(maxBody, Math.max(wanted, FIRST_ROOM, body.length * 2));
        const grown = stats.keptBytes + doubled - body.length <= budget ? doubled : wanted;
        if (stats.keptBytes + grown - body.length > budget) {
          // The budget is spent: give back what this request held, so the record says plainly that its body is gone.
          discarded = true;
          giveBack();
          return;
        }
        const next = Buffer.allocUnsafe(grown);
        body.copy(next, 0, 0, size);
        stats.keptBytes += grown - body.length;
        body = next;
      }
      part.copy(body, size);
      size += part.length;
      if (part.length < chunk.length) truncated = true;
    });
    req.on("close", () => {
      if (complete) return;
      // Closed before its body ended: nothing to judge, and nothing of it is held, charge included.
      giveBack();
      stats.keptBytes -= cost;
      recorded -= 1;
      stats.aborted += 1;
    });
    req.on("end", () => {
      complete = true;
      // The unused room goes back: what is kept is the body's own bytes.
      const kept = size === body.length ? body : Buffer.from(body.subarray(0, size));
      stats.keptBytes -= body.length - kept.length;
      const delivery = new RecordedDelivery(req.method ?? "", req.url ?? "", req.rawHeaders, kept, truncated, receivedAt, discarded, Date.now());
      cases.get(key)!.push(delivery);
      notify(key);
      if (discarded) {
        stats.discarded += 1;
        const text = `lg-webhook-conformance sink: its byte budget of ${Math.round(budget / MIB)} MiB is spent; the request was counted, its body not kept`;
        delivery.answer = { status: 507, at: Date.now() };
        reply(res, 507, text);
        return;
      }
      const how = answering.get(key);
      const chosen = how === undefined ? ANSWER_AT_ONCE : how.answer(cases.get(key)!.length);
      if (chosen.after === undefined) answer(res, delivery, chosen.status);
      else void chosen.after.then(() => answer(res, delivery, chosen.status));
    });
  };

  const server: Server = createServer((req, res) => {
    const receivedAt = Date.now();
    req.on("error", () => res.destroy());
    const key = caseKeyOf(req.url ?? "", (segment) => cases.has(segment));
    if (key !== undefined) forCase(req, res, key, receivedAt);
    else stray(req, res, receivedAt, (req.url ?? "").includes(HOOK_PREFIX));
  });
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.maxConnections = MAX_CONNECTIONS;
  server.on("drop", () => {
    stats.refusedConnections += 1;
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(new ConformanceError("LGWC_CONFIG", `The webhook sink could not listen on ${host}:${options.port ?? 0}: ${describeError(error)}.`)),
    );
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address() as AddressInfo;
  // Listening on every interface: the URL for this machine's own use is loopback.
  const reachable = address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
  const hostPart = address.family === "IPv6" ? `[${reachable}]` : reachable;
  const url = `http://${hostPart}:${address.port}`;

  return {
    url,
    register(caseKey, how) {
      if (!cases.has(caseKey)) cases.set(caseKey, []);
      if (how !== undefined) answering.set(caseKey, how);
    },
    deliveriesFor: (caseKey) => [...(cases.get(caseKey) ?? [])],
    waitFor,
    stats: () => ({ ...stats, straySample: [...stats.straySample] }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const set of waiters.values()) for (const waiter of set) waiter.resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
