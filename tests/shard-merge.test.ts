import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import { shardOf } from "../src/selection.js";
import type { Certification } from "../src/report/certification.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("shards", () => {
  it("split the cases into contiguous, near-equal shares that cover all of them once", () => {
    const items = ["a", "b", "c", "d", "e"];
    const shares = [1, 2, 3].map((i) => shardOf(items, i, 3));
    expect(shares).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });
});

describe("--shard and merge with the built CLI", () => {
  it("two shares merge into one set of reports with one verdict", { timeout: 120_000 }, async () => {
    const target = await startTestTarget({ faults: ["no-delivery-for=runs.batch"] });
    const base = await mkdtemp(join(tmpdir(), "lgwc-shard-"));
    dirs.push(base);
    const only = ["--only", "thread-run,thread-run-wait,stateless-run,stateless-batch"];
    // --traces: the shards keep their blob reports, so the merge also combines the test runner's own reports.
    const common = ["--target", target.url, "--settle-ms", "300", "--timeout-ms", "3000", "--workers", "1", "--traces", ...only];
    try {
      const [one, two] = await Promise.all([
        runCli([...common, "--shard", "1/2", "--report-dir", join(base, "s1")]),
        runCli([...common, "--shard", "2/2", "--report-dir", join(base, "s2")]),
      ]);
      expect(one.code, one.stderr).toBe(0);
      expect(two.code, two.stderr).toBe(1);
    } finally {
      await target.close();
    }
    const merged = await runCli(["merge", join(base, "s1"), join(base, "s2"), "--report-dir", join(base, "all")]);
    expect(merged.code, merged.stderr).toBe(1);
    const cert = JSON.parse(await readFile(join(base, "all", "certification.json"), "utf8")) as Certification;
    expect(cert.cases.map((c) => c.id)).toEqual(["thread-run", "thread-run-wait", "stateless-run", "stateless-batch"]);
    expect(cert).toMatchObject({ verdict: "non-conformant", summary: { cases: 4, passed: 3, failed: 1 }, shards: [{ index: 1, total: 2 }, { index: 2, total: 2 }] });
    const verify = await runCli(["verify", join(base, "all", "certification.json")]);
    expect(verify.code).toBe(0);
    const junit = await readFile(join(base, "all", "junit.xml"), "utf8");
    expect(junit.match(/<testcase /g)?.length).toBe(4);
    // The merged certificate covers 4 of the profile's cases: partial, in the JUnit file too.
    expect(junit).toContain('<property name="certificate.verdict" value="non-conformant (partial)"/>');
    const gated = await runCli(["merge", join(base, "s1"), join(base, "s2"), "--report-dir", join(base, "gated"), "--require-complete"]);
    expect(gated.code).toBe(1);
    expect(gated.stderr).toMatch(/--require-complete: the merged certificate is partial/);
    expect((await stat(join(base, "all", "traces", "html", "index.html"))).size).toBeGreaterThan(0);
    expect((await stat(join(base, "all", "certification.html"))).size).toBeGreaterThan(0);

    const overlap = await runCli(["merge", join(base, "s1"), join(base, "s1"), "--report-dir", join(base, "bad")]);
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toMatch(/s1 and .*s1 are both share 1\/2: the shares overlap/);
    // A refused merge into the folder of an earlier one: that merge's verdict does not stand as this one's.
    const refused = await runCli(["merge", join(base, "s1"), join(base, "s1"), "--report-dir", join(base, "all")]);
    expect(refused.code).toBe(2);
    expect(JSON.parse(await readFile(join(base, "all", "certification.json"), "utf8"))).toMatchObject({
      verdict: null,
      exitCode: 2,
      reason: expect.stringMatching(/^the merge was refused: .*the shares overlap/) as string,
    });
    expect((await readdir(join(base, "all"))).sort()).toEqual(["badge.svg", "certification.html", "certification.json", "certification.md"]);
    // A signing key that cannot be read refuses the merge the same way (review 16).
    const again = await runCli(["merge", join(base, "s1"), join(base, "s2"), "--report-dir", join(base, "gated"), "--sign-key", join(base, "no-such.pem")]);
    expect(again.code).toBe(2);
    expect(JSON.parse(await readFile(join(base, "gated", "certification.json"), "utf8"))).toMatchObject({ verdict: null, reason: expect.stringMatching(/^the merge was refused: .*no-such\.pem/) as string });
  });
});
