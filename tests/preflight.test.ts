import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createServer, request as httpRequest, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import getPort from "get-port";
import { runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import type { Certification } from "../src/report/certification.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lgwc-preflight-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const QUICK = ["--timeout-ms", "3000", "--settle-ms", "300", "--workers", "1"];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

describe("preflight: one sentence and exit 3 before any case runs", () => {
  it("an https target with a private CA: refused without --ca, trusted with it", { timeout: 60_000 }, async () => {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const target = await startTestTarget({ tls: { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") } });
    try {
      const refused = await runCli(["--target", target.url, ...QUICK]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/GET \/info on https:\/\/127\.0\.0\.1:\d+ failed: .*; its TLS certificate is not trusted; pass --ca FILE/);
      const trusted = await runCli(["--target", target.url, "--ca", cert, "--preflight-only", ...QUICK]);
      expect(trusted.code, trusted.stderr).toBe(0);
      expect(trusted.stdout).toMatch(/Preflight passed: https:\/\/127\.0\.0\.1:\d+ is a LangGraph API server, assistant conformance exists, and a canary run's webhook reached/);
    } finally {
      await target.close();
    }
  });

  it("a target that wants an API key says which credential is missing, and accepts it", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ apiKey: "k-preflight-123" });
    try {
      const missing = await runCli(["--target", target.url, ...QUICK]);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toMatch(/GET \/info answered HTTP 401: the target wants credentials: pass --api-key \(or set LANGGRAPH_API_KEY\)/);
      const wrong = await runCli(["--target", target.url, "--api-key", "k-wrong-456", ...QUICK]);
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toMatch(/GET \/info answered HTTP 403: the credentials were refused: check --api-key and any -H headers/);
      expect(wrong.stderr).not.toContain("k-wrong-456");
      const fromEnv = await runCli(["--target", target.url, "--preflight-only", ...QUICK], { env: { LANGGRAPH_API_KEY: "k-preflight-123" } });
      expect(fromEnv.code, fromEnv.stderr).toBe(0);
      expect(fromEnv.stdout + fromEnv.stderr).not.toContain("k-preflight-123");
    } finally {
      await target.close();
    }
  });

  it("a webhook policy that refuses loopback URLs is quoted", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ rejectLoopbackWebhooks: true });
    try {
      const run = await runCli(["--target", target.url, ...QUICK]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/The target refused the sink's webhook URL \(POST \/runs answered HTTP 422: .*loopback or private address.*\); .* pass --public-url with a URL it accepts\./);
      expect(run.stderr).not.toMatch(/Certifying/);
    } finally {
      await target.close();
    }
  });

  it("a target with webhooks disabled is one finding, not a case per timeout", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["no-delivery"] });
    try {
      const run = await runCli(["--target", target.url, ...QUICK]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/Webhooks appear disabled on the target: a canary run was created with a webhook and nothing arrived within 3000 ms/);
      expect(run.stderr).not.toMatch(/Certifying/);
    } finally {
      await target.close();
    }
  });

  it("a --public-url that does not lead to the sink", { timeout: 60_000 }, async () => {
    const target = await startTestTarget();
    const closed = await getPort({ host: "127.0.0.1" });
    try {
      const run = await runCli(["--target", target.url, "--public-url", `http://127.0.0.1:${closed}/hooks`, ...QUICK]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/The sink cannot be reached through --public-url http:\/\/127\.0\.0\.1:\d+\/hooks: a request sent there did not arrive \(.*ECONNREFUSED.*\); make the tunnel or ingress forward to the sink/);
    } finally {
      await target.close();
    }
  });
});

describe("proxy variables", () => {
  it("HTTP_PROXY carries every request to the target through the proxy", { timeout: 60_000 }, async () => {
    const target = await startTestTarget();
    const seen: string[] = [];
    // A forward proxy that tunnels with CONNECT, as undici's proxy agent asks it to.
    const proxy = createServer((_req, res) => {
      res.writeHead(405);
      res.end();
    });
    proxy.on("connect", (req, client: Socket, head: Buffer) => {
      seen.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    const port = await listen(proxy);
    try {
      const run = await runCli(["--target", target.url, "--preflight-only", ...QUICK], {
        env: { HTTP_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: "" },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(seen).toContain(`CONNECT ${new URL(target.url).host}`);
    } finally {
      await target.close();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});

describe("a proxy that never opens its tunnel", () => {
  it("is a bounded wait and one sentence, not a hang", { timeout: 60_000 }, async () => {
    // Answers every request with 405 and drops CONNECT: the tunnel never opens.
    const proxy = createServer((_req, res) => {
      res.writeHead(405);
      res.end();
    });
    const port = await listen(proxy);
    try {
      const started = Date.now();
      const run = await runCli(["--target", "http://127.0.0.1:9", "--no-canary", "--timeout-ms", "5000"], {
        env: { HTTP_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: "" },
        timeoutMs: 50_000,
      });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/GET \/info on http:\/\/127\.0\.0\.1:9 failed: no answer within 10000 ms; it did not answer in time/);
      expect(Date.now() - started).toBeLessThan(40_000);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});

describe("--public-url through a reverse proxy with a path prefix", () => {
  it("hands out URLs under the prefix, and a proxy that strips it still preserves the token", { timeout: 90_000 }, async () => {
    const sinkPort = await getPort({ host: "127.0.0.1" });
    // The proxy serves /lgwc/... and forwards to the sink without the prefix, as ingresses often do.
    const proxy = createServer((req, res) => {
      const url = req.url ?? "/";
      if (!url.startsWith("/lgwc/")) {
        res.writeHead(404);
        res.end();
        return;
      }
      const upstream = httpRequest({ host: "127.0.0.1", port: sinkPort, method: req.method, path: url.slice("/lgwc".length), headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    });
    const proxyPort = await listen(proxy);
    const target = await startTestTarget();
    try {
      const reports = join(dir, "proxy");
      const run = await runCli([
        "--target", target.url, "--public-url", `http://127.0.0.1:${proxyPort}/lgwc`, "--sink-port", String(sinkPort),
        "--only", "thread-run,stateless-batch", "--report-dir", reports, ...QUICK,
      ]);
      expect(run.code, run.stderr).toBe(0);
      const cert = JSON.parse(await readFile(join(reports, "certification.json"), "utf8")) as Certification;
      for (const c of cert.cases) {
        expect(c.runs[0]?.webhookUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${proxyPort}/lgwc/hook/`));
        expect(c.checks.find((k) => k.name === "token-preserved")?.outcome).toBe("passed");
      }
    } finally {
      await target.close();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});
