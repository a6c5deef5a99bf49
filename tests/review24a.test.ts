/**
 * Review 24a (hostile review): false verdicts found by driving the suite against the test target.
 * Each test asserts the correct verdict, and fails on the code as reviewed.
 */
import { describe, expect, it } from "vitest";
import { certifyTestTarget } from "./helpers/certify.js";

const FAST = ["--settle-ms", "1500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1", "--no-canary"];

const check = (cert: Awaited<ReturnType<typeof certifyTestTarget>>["cert"], id: string, name: string) =>
  cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === name)!;

describe("a webhook sent before the run ended (review 24a)", () => {
  it("1: a runs/wait run announced success as it starts, 3 s before the wait answers, fails terminal-status", { timeout: 120_000 }, async () => {
    const only = "thread-run-wait,stateless-run-wait";
    const { code, cert } = await certifyTestTarget(["announce-at-start"], [...FAST, "--only", only], { runMs: 3000 });
    for (const id of only.split(",")) {
      const timings = cert.cases.find((c) => c.id === id)!.runs[0]!.timings;
      // The suite's own clock: the webhook came seconds before the wait call answered with the run's end.
      expect(timings.createdToDeliveryMs!, id).toBeLessThan(timings.createdToTerminalMs! - 2000);
      expect(check(cert, id, "terminal-status"), id).toMatchObject({ outcome: "failed" });
    }
    expect(code).toBe(1);
  });

  it("2: a cancel announced interrupted at once, while GET says running 3 s more, fails terminal-status", { timeout: 120_000 }, async () => {
    const only = "thread-run-cancel-interrupt,thread-run-stream-cancel-interrupt,stateless-run-cancel-interrupt,stateless-run-stream-cancel-interrupt";
    const { code, cert } = await certifyTestTarget(["announce-cancel-early"], [...FAST, "--only", only]);
    for (const id of only.split(",")) {
      const timings = cert.cases.find((c) => c.id === id)!.runs[0]!.timings;
      expect(timings.createdToDeliveryMs!, id).toBeLessThan(timings.createdToTerminalMs! - 2000);
      expect(check(cert, id, "terminal-status"), id).toMatchObject({ outcome: "failed" });
    }
    expect(code).toBe(1);
  });
});

describe("a correct but slow target is not accused (review 24a)", () => {
  it("3: run creates that take 5 s (other calls fast): the second run under reject, accepted on a thread the first run had left, is no finding", { timeout: 120_000 }, async () => {
    const { cert } = await certifyTestTarget(["slow-run-create"], [...FAST, "--only", "thread-multitask-reject"]);
    const reject = cert.cases.find((c) => c.id === "thread-multitask-reject")!;
    // The first run (2 s + 10 × the measured latency) had ended before the server handled the second create:
    // accepting it on an idle thread is what the published API does, so the case cannot judge reject.
    const failed = reject.checks.filter((k) => k.outcome === "failed" && k.severity === "required").map((k) => k.name);
    expect(failed).toEqual([]);
    expect(cert.verdict).not.toBe("non-conformant");
  });
});
