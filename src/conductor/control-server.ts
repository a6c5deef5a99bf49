import { createServer, type Server } from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Conductor } from "./conductor.js";
import type { Sink } from "../sink/server.js";
import { describeError } from "../errors.js";

export interface ControlServer {
  /** Loopback URL with a secret path segment; only the suite's own processes know it. */
  url: string;
  close(): Promise<void>;
}

/** The channel through which Playwright's workers and reporter reach the main process. */
export async function startControlServer(conductor: Conductor, sink: Sink): Promise<ControlServer> {
  const key = randomBytes(16).toString("hex");
  const prefix = `/${key}`;
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://control.invalid");
    if (!url.pathname.startsWith(`${prefix}/`)) return send(404, { error: "not found" });
    const route = url.pathname.slice(prefix.length);
    if (req.method === "GET" && route === "/result") {
      const caseId = url.searchParams.get("case") ?? "";
      const attempt = Number(url.searchParams.get("attempt") ?? "0");
      conductor.result(caseId, attempt).then(
        (result) => send(200, result),
        (error: unknown) => send(500, { error: describeError(error) }),
      );
      return;
    }
    if (req.method === "GET" && route === "/strays") return send(200, { strays: sink.strays(), dropped: sink.dropped() });
    return send(404, { error: "unknown route" });
  });
  // A cron case may hold a request open for minutes.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
