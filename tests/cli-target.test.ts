import { afterAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, startCliUntil } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import { RUN_SCHEMA } from "../src/schema/run-schema.js";
import type { Certification } from "../src/report/certification.js";

const FAST = ["--settle-ms", "500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1"];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function reportDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "lgwc-cli-"));
  dirs.push(dir);
  return dir;
}

async function certification(dir: string): Promise<Certification> {
  return JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as Certification;
}

describe("a target that answers an operation with an error", () => {
  it("gets a failed case quoting its answer, and the rest still run", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["error-for=runs.batch"] });
    try {
      const dir = await reportDir();
      const run = await runCli(["--target", target.url, "--report-dir", dir, "--only", "stateless-batch,thread-run", ...FAST]);
      expect(run.code).toBe(1);
      const cert = await certification(dir);
      const batch = cert.cases.find((c) => c.id === "stateless-batch")!;
      expect(batch.outcome).toBe("failed");
      expect(batch.reason).toMatch(/POST \/runs\/batch answered HTTP 500: \{"detail":"injected failure for runs\.batch"\}/);
      expect(batch.reproduce).toMatch(/curl -sS -X POST '.*\/runs\/batch'/);
      expect(cert.cases.find((c) => c.id === "thread-run")?.outcome).toBe("passed");
      expect(run.stdout).toMatch(/stateless-batch \(POST \/runs\/batch\) failed\.[\s\S]*Reproduce with:/);
    } finally {
      await target.close();
    }
  });
});

describe("the Run schema used", () => {
  const strict = { ...RUN_SCHEMA, required: [...(RUN_SCHEMA.required as string[]), "signature_of_the_run"] };
  const doc = { openapi: "3.1.0", info: { title: "strict", version: "7.0" }, components: { schemas: { Run: strict } } };

  it("comes from --openapi when given, and the report says so", { timeout: 60_000 }, async () => {
    const target = await startTestTarget();
    try {
      const dir = await reportDir();
      // The document lives beside the report folder, which holds only what the suite writes.
      const file = join(await reportDir(), "strict.json");
      await writeFile(file, JSON.stringify(doc));
      const run = await runCli(["--target", target.url, "--report-dir", dir, "--only", "thread-run", "--openapi", file, ...FAST]);
      expect(run.code).toBe(1);
      const cert = await certification(dir);
      expect(cert.schema).toMatchObject({ source: file, version: "7.0" });
      const check = cert.cases[0]!.checks.find((c) => c.name === "run-schema")!;
      expect(check.outcome).toBe("failed");
      expect(check.received).toMatch(/\/signature_of_the_run: required property "signature_of_the_run" is missing/);
    } finally {
      await target.close();
    }
  });

  it("is compared with the target's own /openapi.json", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ openapi: doc });
    try {
      const dir = await reportDir();
      const run = await runCli(["--target", target.url, "--report-dir", dir, "--only", "thread-run", ...FAST]);
      expect(run.code).toBe(0);
      const cert = await certification(dir);
      expect(cert.schema.source).toBe("built-in Run schema");
      expect(cert.schema.target).toEqual({ available: true, differences: ['"signature_of_the_run" is required only in the second'] });
      expect(await readFile(join(dir, "certification.md"), "utf8")).toMatch(/its Run schema differs: "signature_of_the_run" is required only in the second/);
    } finally {
      await target.close();
    }
  });
});

describe("a target that is not what the user thinks exits 3 with one sentence", () => {
  it("nothing listening", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const parent = await mkdtemp(join(tmpdir(), "lgwc-unreached-"));
    const run = await runCli(["--target", `http://127.0.0.1:${port}`, "--report-dir", join(parent, "reports")]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/GET \/info on http:\/\/127\.0\.0\.1:\d+ failed: connect ECONNREFUSED/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // A run without a verdict leaves a folder that says so, and why.
    expect(JSON.parse(await readFile(join(parent, "reports", "certification.json"), "utf8"))).toMatchObject({ verdict: null, exitCode: 3, reason: expect.stringMatching(/ECONNREFUSED/) as string });
    await rm(parent, { recursive: true });
  });

  it("an HTTP server that is not a LangGraph API server", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<h1>Not here</h1>");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as AddressInfo;
      const run = await runCli(["--target", `http://127.0.0.1:${port}`]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/is not a LangGraph API server: GET \/info answered HTTP 404 with "<h1>Not here<\/h1>"; check --target\./);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("an assistant that does not exist, listing those that do", async () => {
    const target = await startTestTarget();
    try {
      const run = await runCli(["--target", target.url, "--assistant-id", "nope"]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/The assistant "nope" does not exist on the target \(the target has conformance\)/);
    } finally {
      await target.close();
    }
  });
});

describe("Ctrl-C", () => {
  it("stops the run and the embedded server's whole process tree", { timeout: 120_000 }, async () => {
    const dir = await reportDir();
    const cli = await startCliUntil(["--local", "--report-dir", dir, "--input", '{"mode":"sleep","sleep_ms":60000}'], (stderr) =>
      /embedded LangGraph API server on http:\/\/127\.0\.0\.1:\d+[\s\S]*Certifying/.test(stderr),
    );
    const url = /embedded LangGraph API server on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stderr())![1]!;
    expect(await cli.stop("SIGINT")).toBe(130);
    expect(cli.stderr()).toMatch(/Received SIGINT: stopping the run and cleaning up/);
    await expect(fetch(`${url}/ok`)).rejects.toThrow();
  });
});
