import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shellWords } from "../src/action/shell-words.js";
import { command, outputEntry, quietSpan } from "../src/action/workflow-commands.js";
import { planAction } from "../src/action/inputs.js";
import { closingSentence } from "../src/action/run-suite.js";
import { renderJobSummary } from "../src/report/job-summary.js";
import { readOutputFile } from "./helpers/actions-runner.js";
import type { Certification } from "../src/report/certification.js";

describe("the args input", () => {
  it("is split into words like a shell splits them, quotes honoured", () => {
    expect(shellWords(`--skip 'thread-cron-*'  --only "a b" c\\ d ''`)).toEqual(["--skip", "thread-cron-*", "--only", "a b", "c d", ""]);
    expect(shellWords(' "say \\"hi\\"" ')).toEqual(['say "hi"']);
  });
  it("is never evaluated: substitutions, globs and separators stay text", () => {
    expect(shellWords('$(touch x) `id` "; rm -rf ~" * ~ $HOME')).toEqual(["$(touch", "x)", "`id`", "; rm -rf ~", "*", "~", "$HOME"]);
  });
  it("refuses an unclosed quote with one sentence", () => {
    expect(() => shellWords("--only 'thread")).toThrow(/unclosed single quote/);
  });
});

describe("workflow commands", () => {
  it("escape their data so a message cannot span lines or end early", () => {
    expect(command("error", "50% done\nnext::line", { title: "a:b,c" })).toBe("::error title=a%3Ab%2Cc::50%25 done%0Anext::line\n");
  });
  it("quiet spans use a fresh token each time", () => {
    const a = quietSpan();
    expect(a.begin).toMatch(/^::stop-commands::lgwc-[0-9a-f]{32}\n$/);
    expect(a.end).toBe(`::${a.begin.slice("::stop-commands::".length, -1)}::\n`);
    expect(quietSpan().begin).not.toBe(a.begin);
  });
  it("an output value cannot write another output", () => {
    const dir = mkdtempSync(join(tmpdir(), "lgwc-out-"));
    try {
      const file = join(dir, "out");
      writeFileSync(file, outputEntry("report-dir", "x\nverdict=conformant\nEOF") + outputEntry("verdict", "non-conformant"));
      expect(readOutputFile(file)).toEqual({ "report-dir": "x\nverdict=conformant\nEOF", verdict: "non-conformant" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the action's inputs", () => {
  const env = (inputs: Record<string, string>): NodeJS.ProcessEnv =>
    Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replaceAll("-", "_")}`, v]));
  it("become the suite's flags, the key staying out of them", () => {
    const plan = planAction(env({ target: "https://u:p%40ss@example.test", "api-key": "k-1", shard: "1/2", "require-complete": "true", args: "--only 'thread-*'" }), "/w");
    expect(plan.argv).toEqual(["--target", "https://u:p%40ss@example.test", "--shard", "1/2", "--report-dir", "/w/lgwc-reports", "--require-complete", "--only", "thread-*"]);
    expect(plan.argv.join(" ")).not.toContain("k-1");
    expect(plan.secrets).toEqual(["k-1", "p%40ss", "p@ss"]);
  });
  it("refuse args that would pass the gate without a verdict, or that an input sets", () => {
    for (const [args, why] of [
      ["--help", /prints the help/],
      ["--preflight-only", /no verdict to gate on/],
      ["--version", /judges nothing/],
      ["--report-dir=elsewhere", /use the report-dir input/],
      ["--only thread-run --api-key k", /masked and never a flag/],
    ] as const) {
      expect(() => planAction(env({ target: "http://127.0.0.1:1", args }), "/w"), args).toThrow(why);
    }
    expect(() => planAction(env({ command: "merge", shares: "/nowhere", args: "-h" }), "/w")).toThrow(/prints the help/);
    // Bundled short flags holding -h are help all the same (review 2 of the action).
    expect(() => planAction(env({ target: "http://127.0.0.1:1", args: "-hx" }), "/w")).toThrow(/holds -h, which the action does not take there: it prints the help/);
    // A header's value attached to -H is its value, not a bundle of flags, even with an "h" in it (review 22b): taken, and masked.
    const attached = planAction(env({ target: "http://127.0.0.1:1", args: "'-HAuthorization: Bearer s3cr3t-with-h'" }), "/w");
    expect(attached.secrets).toContain("Bearer s3cr3t-with-h");
  });

  it("mask the header values and URL passwords given anywhere, as the suite redacts them", () => {
    const plan = planAction(env({ target: "http://127.0.0.1:1", "public-url": "https://relay:r3layPass@tunnel.test", args: "-H 'X-Tenant: tenant-secret-1' --expect-header=X-Sig:sig-secret-2" }), "/w");
    expect(plan.secrets).toEqual(expect.arrayContaining(["r3layPass", "tenant-secret-1", "sig-secret-2"]));
    // What the redactor learns from a header, the log masks too: a cookie's value alone, a Basic credential's password.
    const basic = Buffer.from("ci-user:basic-Pa55word").toString("base64");
    const more = planAction(env({ target: "http://127.0.0.1:1", args: `-H 'Cookie: session=cookie-value-77; theme=dark' -H 'Authorization: Basic ${basic}'` }), "/w");
    expect(more.secrets).toEqual(expect.arrayContaining(["cookie-value-77", basic, "basic-Pa55word"]));
    // A short flag with its value attached (review 16).
    expect(planAction(env({ target: "http://127.0.0.1:1", args: "'-HX-Tenant: attached-secret-3'" }), "/w").secrets).toContain("attached-secret-3");
  });

  it("local: true certifies the embedded server", () => {
    expect(planAction(env({ local: "true", "server-version": "2.0.0" }), "/w").argv.slice(0, 3)).toEqual(["--local", "--server-version", "2.0.0"]);
  });
  it("refuse a target and local together, neither, or a boolean that is not one", () => {
    expect(() => planAction(env({ local: "true", target: "http://127.0.0.1:1" }), "/w")).toThrow(/either the target input .* or local: true/);
    expect(() => planAction(env({}), "/w")).toThrow(/either the target input/);
    expect(() => planAction(env({ target: "http://127.0.0.1:1", "require-complete": "yes" }), "/w")).toThrow('The require-complete input is "yes": give true or false.');
    expect(() => planAction(env({ command: "delete", target: "http://127.0.0.1:1" }), "/w")).toThrow(/give certify or merge/);
  });
  it("merge reads the share folders that hold a certification, in order", () => {
    const dir = mkdtempSync(join(tmpdir(), "lgwc-shares-"));
    try {
      for (const name of ["share-2", "share-1", "empty"]) mkdirSync(join(dir, name));
      writeFileSync(join(dir, "share-1", "certification.json"), "{}");
      writeFileSync(join(dir, "share-2", "certification.json"), "{}");
      const plan = planAction(env({ command: "merge", shares: dir, "report-dir": "m" }), "/w");
      expect(plan.argv).toEqual(["merge", join(dir, "share-1"), join(dir, "share-2"), "--report-dir", "/w/m"]);
      expect(() => planAction(env({ command: "merge", shares: join(dir, "empty") }), "/w")).toThrow(/No folder under/);
      expect(() => planAction(env({ command: "merge" }), "/w")).toThrow(/needs the shares input/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the job summary", () => {
  const cert = (received: string): Certification =>
    ({
      target: { url: "http://127.0.0.1:1", info: null },
      verdict: "non-conformant",
      scope: { complete: true, reasons: [] },
      summary: { cases: 1, passed: 0, failed: 1, skipped: 0, flaky: 0, inconclusive: 0, warnings: 0 },
      gate: { passed: false, unexpected: [], expected: [], nowPassing: [], flaky: [], inconclusive: [], strict: false },
      cases: [
        {
          id: "thread-run",
          operation: "POST /threads/{thread_id}/runs",
          title: "t",
          outcome: "failed",
          deliveries: 1,
          durationMs: 1,
          reproduce: "curl -sS 'http://127.0.0.1:1/threads'",
          runs: [],
          checks: [{ name: "run-schema", severity: "required", version: 1, outcome: "failed", message: "<img src=x> **bold**", expected: "a Run", received }],
        },
      ],
    }) as unknown as Certification;
  it("shows the verdict, the counts, each finding with its reproduction, and the artifact", () => {
    const text = renderJobSummary(cert("{}"), { exitCode: 1, artifactName: "reports-1", command: "certify" });
    expect(text).toContain("**non-conformant** (exit 1)");
    expect(text).toContain("| 1 | 0 | 1 | 0 | 0 | 0 | 0 |");
    expect(text).toContain("### `run-schema` (failed): 1 case");
    expect(text).toContain("Reproduce with:\n\n```sh\ncurl -sS 'http://127.0.0.1:1/threads'\n```");
    expect(text).toContain("**reports-1**");
  });
  it("keeps a target's text inert: no markup, no fence it can close", () => {
    const text = renderJobSummary(cert("x\n```\n# Conformant"), { exitCode: 1, artifactName: "a", command: "certify" });
    expect(text).not.toContain("<img");
    expect(text).not.toContain("**bold**");
    expect(text).toContain("````\nx\n```\n# Conformant\n````");
  });
  it("cuts a long quote and says so", () => {
    const text = renderJobSummary(cert("y".repeat(5_000)), { exitCode: 1, artifactName: "a", command: "certify" });
    expect(text).toContain(`${"y".repeat(600)}…`);
    expect(text).not.toContain("y".repeat(601));
  });
  it("says there is no verdict, and why, when the run ended without one", () => {
    expect(renderJobSummary(undefined, { exitCode: 3, error: "the target could not be reached", artifactName: "a", command: "certify" })).toContain("**No verdict** (exit 3): the target could not be reached");
  });
  it("takes the suite's closing sentence from its stderr", () => {
    expect(closingSentence("progress\nlg-webhook-conformance: The target refused. [LGWC_TARGET_UNREACHABLE]\n")).toBe("The target refused. [LGWC_TARGET_UNREACHABLE]");
    expect(closingSentence("nothing\n")).toBeUndefined();
  });
});
