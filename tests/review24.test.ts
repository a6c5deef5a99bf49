/**
 * Session 24: what earlier notes left alone, and hostile reviews 24a and 24b. Each test failed before its fix.
 */
import { describe, expect, it } from "vitest";
import { certifyTestTarget } from "./helpers/certify.js";

const FAST = ["--settle-ms", "1500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1", "--no-canary"];

describe("a webhook sent before the run ended, while the suite was still blocked in a call", () => {
  it("is caught on the wait cases and on a cron's first firing", { timeout: 120_000 }, async () => {
    const only = ["thread-run-wait", "stateless-run-wait", "stateless-cron-default"];
    const { code, cert } = await certifyTestTarget(["announce-at-start"], [...FAST, "--settle-ms", "4000", "--only", only.join(",")], { runMs: 3000 });
    expect(code).toBe(1);
    for (const id of only) {
      const check = cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === "terminal-status");
      expect(check, id).toMatchObject({ outcome: "failed", message: expect.stringMatching(/came before the run ended/) as string });
    }
  });

  it("a correct slow run on the same cases passes terminal-status", { timeout: 120_000 }, async () => {
    const only = ["thread-run-wait", "stateless-run-wait", "stateless-cron-default"];
    const { cert } = await certifyTestTarget([], [...FAST, "--settle-ms", "4000", "--only", only.join(",")], { runMs: 3000 });
    const failed = cert.cases.flatMap((c) => c.checks.filter((k) => k.outcome === "failed").map((k) => `${c.id}/${k.name}: ${k.message}`));
    expect(failed).toEqual([]);
  });
});

describe("a run whose thread is deleted at its end (on_completion / on_run_completed \"delete\", the default)", () => {
  it("a target that keeps the thread is named, as a recommended premise, and the kept thread is cleaned up", { timeout: 120_000 }, async () => {
    const only = ["stateless-run-default", "stateless-cron-default"];
    const { cert, leftovers } = await certifyTestTarget(["ignore-on-completion-delete"], [...FAST, "--only", only.join(",")]);
    for (const id of only) {
      const check = cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === "outcome-premise");
      expect(check, id).toMatchObject({ outcome: "failed", severity: "recommended", received: expect.stringMatching(/still answered 200/) as string });
    }
    expect(leftovers).toBe(0);
  });

  it("a target that deletes it passes the premise", { timeout: 120_000 }, async () => {
    const only = ["stateless-run-default", "stateless-cron-default"];
    const { cert } = await certifyTestTarget([], [...FAST, "--only", only.join(",")]);
    for (const id of only) {
      expect(cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === "outcome-premise"), id).toMatchObject({ outcome: "passed" });
    }
  });
});
