/**
 * Review 30a (hostile review): false verdicts found by driving the suite against the test target.
 * Each test asserts the correct verdict, and fails on the code as reviewed.
 */
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { certifyTestTarget } from "./helpers/certify.js";

const FAST = ["--settle-ms", "1500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1", "--no-canary"];

type Cert = Awaited<ReturnType<typeof certifyTestTarget>>["cert"];
const caseOf = (cert: Cert, id: string) => cert.cases.find((c) => c.id === id)!;
const dump = (name: string, cert: Cert, stdout = "") =>
  process.env.R30_DUMP ? Promise.all([writeFile(`/tmp/review30a/${name}.json`, JSON.stringify(cert, null, 2)), writeFile(`/tmp/review30a/${name}.stdout`, stdout)]) : Promise.resolve();

describe("review 30a: reject that refuses the second run, then stops the first a moment later", () => {
  it("1: 409 at once, the first run interrupted by the target 300 ms later (GETs take 200 ms): not conformant", { timeout: 180_000 }, async () => {
    const only = "thread-multitask-reject";
    const { code, cert, stdout } = await certifyTestTarget(["reject-stops-first-after=300/200"], [...FAST, "--only", only]);
    await dump("t1", cert, stdout);
    const failed = caseOf(cert, only).checks.filter((k) => k.outcome === "failed");
    expect(failed.length, JSON.stringify(caseOf(cert, only).checks.map((k) => [k.name, k.outcome, k.message]))).toBeGreaterThan(0);
    expect(cert.verdict).not.toBe("conformant");
    expect(code).not.toBe(0);
  });

  it("1b (control): the same read latency on a correct server stays conformant", { timeout: 180_000 }, async () => {
    const only = "thread-multitask-reject";
    const { code, cert, stdout } = await certifyTestTarget(["run-read-latency=200"], [...FAST, "--only", only]);
    await dump("t1b", cert, stdout);
    expect(cert.verdict, JSON.stringify(caseOf(cert, only).checks.filter((k) => k.outcome === "failed"))).toBe("conformant");
    expect(code).toBe(0);
  });
});
