/**
 * Review 29a (hostile review): false verdicts found by driving the suite against the test target.
 * Each test asserts the correct verdict, and fails on the code as reviewed.
 */
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { certifyTestTarget } from "./helpers/certify.js";

const FAST = ["--settle-ms", "1500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1", "--no-canary"];

type Cert = Awaited<ReturnType<typeof certifyTestTarget>>["cert"];
const caseOf = (cert: Cert, id: string) => cert.cases.find((c) => c.id === id)!;
const check = (cert: Cert, id: string, name: string) => caseOf(cert, id).checks.find((k) => k.name === name)!;
const dump = (name: string, cert: Cert, stdout = "") =>
  process.env.R29_DUMP ? Promise.all([writeFile(`/tmp/review29a/scratch/${name}.json`, JSON.stringify(cert, null, 2)), writeFile(`/tmp/review29a/scratch/${name}.stdout`, stdout)]) : Promise.resolve();

describe("review 29a: a correct server whose replica lags, on a run that ended while the case was still driving", () => {
  it("1: stale-read-whole=2000, enqueue: the first run's end, seen by its join at once, is not taken as seen when the drive ended", { timeout: 180_000 }, async () => {
    const only = "thread-multitask-enqueue";
    const { cert, stdout } = await certifyTestTarget(["stale-read-whole=2000"], [...FAST, "--only", only], { runMs: 4000 });
    await dump("t1", cert, stdout);
    const ts = check(cert, only, "terminal-status");
    expect(ts.outcome, ts.message).not.toBe("failed");
    expect(cert.verdict).not.toBe("non-conformant");
  });
});

describe("review 29a: reject that refuses the second run only after stopping the first", () => {
  it("2: the second create is answered 409, but the first run was interrupted by it (not by the suite): not conformant", { timeout: 180_000 }, async () => {
    const only = "thread-multitask-reject";
    const { code, cert, stdout } = await certifyTestTarget(["reject-stops-first"], [...FAST, "--only", only]);
    await dump("t2", cert, stdout);
    const premise = check(cert, only, "outcome-premise");
    expect(premise.outcome, premise.message).toBe("failed");
    expect(cert.verdict).not.toBe("conformant");
    expect(code).not.toBe(0);
  });
});
