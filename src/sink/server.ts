import { createServer, type Server } from "node:http";
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
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const delivery: Delivery = {
        method: req.method ?? "",
        target,
        headers,
        bodyBase64: Buffer.concat(chunks).toString("base64"),
        truncated,
        receivedAt,
      };
      const key = record(delivery);
      const how = key === undefined ? undefined : answering.get(key);
      const chosen = how?.answer(cases.get(key!)?.length ?? 1) ?? { status: 204 };
      const status = chosen.status;
      const answer = (): void => {
        if (res.destroyed) return;
        // Recorded on the delivery itself so checks can tell a retry after a failure from a duplicate after success.
        delivery.answer = { status, at: Date.now() };
        res.writeHead(status);
        res.end();
      };
      if (chosen.after === undefined) answer();
      else void chosen.after.then(answer);
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
