import { describe, expect, it } from "vitest";
import { certifyTestTarget } from "./helpers/certify.js";
import { runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import { CASE_IDS } from "../src/cases/catalog.js";

const FAST = ["--settle-ms", "1500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1"];
const ROLLBACK = ["thread-run-cancel-rollback", "stateless-run-cancel-rollback"];

describe("the platform flavour of the test target (as the facts describe the Python server)", () => {
  it("is conformant on every case with no warning at all", { timeout: 180_000 }, async () => {
    const { code, cert, stderr, leftovers } = await certifyTestTarget([], FAST, { flavour: "platform", allowLoopback: true, cronIntervalMs: 1_000 }, 170_000);
    expect(code, stderr).toBe(0);
    expect(cert.cases.map((c) => `${c.id}:${c.outcome}`)).toEqual(CASE_IDS.map((id) => `${id}:passed`));
    const warnings = cert.cases.flatMap((c) => c.checks.filter((k) => k.outcome === "failed").map((k) => `${c.id}/${k.name}: ${k.message}`));
    expect(warnings).toEqual([]);
    // What it sends is what the checks were taught to accept: {error, message}, null values on stateless runs, +00:00.
    const body = (id: string): Record<string, unknown> => JSON.parse(cert.cases.find((c) => c.id === id)!.runs[0]!.evidence!.body) as Record<string, unknown>;
    expect(body("thread-run-error").error).toEqual({ error: "ValueError", message: "conformance graph raised on purpose" });
    expect(body("stateless-run").values).toBeNull();
    expect(String(body("thread-run").run_ended_at)).toMatch(/\.\d{6}\+00:00$/);
    for (const id of ROLLBACK) expect(cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === "outcome-premise")!.outcome).toBe("passed");
    expect(leftovers).toBe(0);
  });

  it("refuses loopback webhook URLs unless configured otherwise, and the preflight quotes it", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ flavour: "platform" });
    try {
      const run = await runCli(["--target", target.url, ...FAST]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/refused the sink's webhook URL \(POST \/runs answered HTTP 422: .*loopback/);
    } finally {
      await target.close();
    }
  });
});

describe("--expect-header: the headers a deployment is configured to add", () => {
  const headers = { "X-Webhook-Secret": "hdr-secret-2468", "X-Deployment": "eu-1" };
  const expectations = ["--expect-header", "X-Webhook-Secret: hdr-secret-2468", "--expect-header", "X-Deployment"];

  it("passes when every delivery carries them, and never prints the value", { timeout: 60_000 }, async () => {
    const { code, cert, stdout, stderr } = await certifyTestTarget([], [...FAST, ...expectations, "--only", "thread-run,stateless-run"], { webhookHeaders: headers });
    expect(code, stderr).toBe(0);
    for (const c of cert.cases) expect(c.checks.find((k) => k.name === "expected-headers")!.outcome).toBe("passed");
    expect(JSON.stringify(cert) + stdout + stderr).not.toContain("hdr-secret-2468");
  });

  it("fails every delivery that lacks them, saying which", { timeout: 60_000 }, async () => {
    const { code, cert, stdout, stderr } = await certifyTestTarget(["no-headers"], [...FAST, ...expectations, "--only", "thread-run,stateless-run"], { webhookHeaders: headers });
    expect(code).toBe(1);
    for (const c of cert.cases) {
      const check = c.checks.find((k) => k.name === "expected-headers")!;
      expect(check.outcome).toBe("failed");
      expect(check.message).toMatch(/lacks the X-Webhook-Secret header the deployment is configured to send/);
    }
    expect(JSON.stringify(cert) + stdout + stderr).not.toContain("hdr-secret-2468");
  });

  it("refuses a malformed --expect-header", async () => {
    const run = await runCli(["--target", "http://127.0.0.1:1", "--expect-header", "not a header"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--expect-header takes "Name: value" or "Name"/);
  });
});

describe("--allowed-fields: a deployment that leaves fields out on purpose", () => {
  it("the checks of the fields it leaves out do not apply, and say why", { timeout: 60_000 }, async () => {
    const { code, cert, stderr } = await certifyTestTarget(["empty-kwargs", "no-values"], [...FAST, "--only", "thread-run", "--allowed-fields", "run_id,thread_id,assistant_id,created_at,updated_at,status,metadata,multitask_strategy,run_started_at,run_ended_at,webhook_sent_at,error,kwargs"]);
    // kwargs is allowed, so its emptiness is a finding; values is not, so its absence is not.
    expect(code).toBe(1);
    const checks = cert.cases[0]!.checks;
    expect(checks.find((k) => k.name === "kwargs-input")!.outcome).toBe("failed");
    expect(checks.find((k) => k.name === "values-state")).toMatchObject({ outcome: "skipped", message: expect.stringMatching(/--allowed-fields/) as string });
    expect(stderr).not.toMatch(/internal error/);
  });

  it("refuses a field the payload does not have", async () => {
    const run = await runCli(["--target", "http://127.0.0.1:1", "--allowed-fields", "run_id,valuez"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--allowed-fields takes the webhook fields .*; valuez is not one/);
  });
});
