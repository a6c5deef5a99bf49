import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HostileServer {
  url: string;
  close(): Promise<void>;
}

/** A loopback HTTP server that answers however the test says: the target that misbehaves on purpose. */
export async function hostileServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<HostileServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers GET /info as a LangGraph API server does; everything else is the test's. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** The peak resident memory of a process so far, in MB, from /proc (undefined once it is gone). */
export async function peakRssMb(pid: number): Promise<number | undefined> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  const match = status === undefined ? null : /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : undefined;
}
