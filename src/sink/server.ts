import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Delivery } from "../evidence.js";
import { caseKeyOf } from "./case-url.js";
import { ConformanceError, describeError } from "../errors.js";

export interface SinkOptions {
  host?: string;
  port?: number;
  /** Bodies beyond this many bytes are cut (and marked truncated). */
  maxBodyBytes?: number;
  /** Requests beyond this many are counted, not kept, so a flood cannot exhaust memory. */
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

export interface Sink {
  /** Base URL that reaches the sink, e.g. http://127.0.0.1:PORT */
  url: string;
  register(caseKey: string, answering?: Answering): void;
  deliveriesFor(caseKey: string): Delivery[];
  /** Resolves when the case has at least `min` deliveries or the time is up. */
  waitFor(caseKey: string, min: number, timeoutMs: number): Promise<Delivery[]>;
  strays(): Delivery[];
  dropped(): number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_MAX_RECORDS = 10_000;

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

  /** What crosses to Playwright's processes: the plain Delivery. */
  toJSON(): Delivery {
    const plain: Delivery = { method: this.method, target: this.target, headers: this.headers, bodyBase64: this.bodyBase64, truncated: this.truncated, receivedAt: this.receivedAt };
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

export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  const cases = new Map<string, Delivery[]>();
  const answering = new Map<string, Answering>();
  const waiters = new Map<string, Set<Waiter>>();
  const strays: Delivery[] = [];
  let recorded = 0;
  let dropped = 0;

  const notify = (caseKey: string): void => {
    const count = cases.get(caseKey)?.length ?? 0;
    for (const waiter of waiters.get(caseKey) ?? []) if (count >= waiter.min) waiter.resolve();
  };

  /** Keeps the request and returns the case it belongs to, if any. */
  const record = (delivery: Delivery): string | undefined => {
    if (recorded >= maxRecords) {
      dropped += 1;
      return undefined;
    }
    recorded += 1;
    const key = caseKeyOf(delivery.target, (segment) => cases.has(segment));
    if (key === undefined) {
      strays.push(delivery);
      return undefined;
    }
    cases.get(key)!.push(delivery);
    notify(key);
    return key;
  };

  const waitFor = (caseKey: string, min: number, timeoutMs: number): Promise<Delivery[]> => {
    const current = (): Delivery[] => [...(cases.get(caseKey) ?? [])];
    if (current().length >= min || timeoutMs <= 0) return Promise.resolve(current());
    return new Promise((resolve) => {
      const set = waiters.get(caseKey) ?? new Set<Waiter>();
      waiters.set(caseKey, set);
      const finish = (): void => {
        clearTimeout(timer);
        set.delete(waiter);
        resolve(current());
      };
      const waiter: Waiter = { min, resolve: finish };
      const timer = setTimeout(finish, timeoutMs);
      set.add(waiter);
    });
  };

  const server: Server = createServer((req, res) => {
    const receivedAt = Date.now();
    const target = req.url ?? "";
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    req.on("data", (chunk: Buffer) => {
      if (size + chunk.length > maxBody) {
        truncated = true;
        chunks.push(chunk.subarray(0, Math.max(0, maxBody - size)));
        size = maxBody;
        return;
      }
      size += chunk.length;
      chunks.push(chunk);
    });
    req.on("end", () => {
      const delivery = new RecordedDelivery(req.method ?? "", target, req.rawHeaders, Buffer.concat(chunks), truncated, receivedAt);
      const key = record(delivery);
      const how = key === undefined ? undefined : answering.get(key);
      const chosen = how === undefined ? ANSWER_AT_ONCE : how.answer(cases.get(key!)?.length ?? 1);
      if (chosen.after === undefined) {
        answer(res, delivery, chosen.status);
      } else {
        void chosen.after.then(() => answer(res, delivery, chosen.status));
      }
    });
    req.on("error", () => res.destroy());
  });
  server.keepAliveTimeout = 5_000;

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
    strays: () => [...strays],
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const set of waiters.values()) for (const waiter of set) waiter.resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
