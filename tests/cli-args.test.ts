import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandLine } from "../src/cli/args.js";
import { exitCodeFor } from "../src/cli/exit-code.js";
import { ConformanceError } from "../src/errors.js";
import { select } from "../src/selection.js";

function usage(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseCommandLine(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConformanceError);
    expect((error as ConformanceError).code).toBe("LGWC_USAGE");
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("command-line errors are one sentence naming the flag", () => {
  it.each([
    [[], /--target URL .* or --local/],
    [["--target", "http://a", "--local"], /either --target URL or --local, not both/],
    [["--target", "nope"], /"nope" is not a URL/],
    [["--target", "ftp://a"], /http or https URL/],
    [["--target", "http://a?x=1"], /without a query string/],
    [["--local", "--settle-ms", "soon"], /--settle-ms takes a whole number, not "soon"/],
    [["--local", "--workers", "0"], /--workers must be between 1 and 64/],
    [["--local", "--input", "{oops"], /--input is not valid JSON/],
    [["--local", "-H", "NoColon"], /-H takes "Name: value"/],
    [["--local", "-H", "X: a\nb"], /has a line break or NUL in its value/],
    [["--local", "--frobnicate"], /Unknown option '--frobnicate'.*--help/],
    [["--local", "--assistant-id", ""], /cannot be empty/],
    [["--local", "--profile", "paranoid"], /--profile must be one of standard, hardening, not "paranoid"/],
    [["--local", "--concurrency", "4"], /give --repeat N too/],
    [["--local", "--repeat", "0"], /--repeat must be between 1 and 100000/],
    [["--local", "--repeat", "5", "--profile", "hardening"], /run them without it/],
    [["--local", "--repeat", "5", "--retries", "1"], /leave it out with --repeat/],
  ] as [string[], RegExp][])("%j", (argv, message) => {
    const text = usage(argv);
    expect(text).toMatch(message);
    expect(text.split("\n")).toHaveLength(1);
  });
});

describe("command-line values", () => {
  it("takes defaults and the API key from the environment", () => {
    const parsed = parseCommandLine(["--target", "http://127.0.0.1:9/"], { LANGGRAPH_API_KEY: "k-123" });
    expect(parsed).toMatchObject({
      kind: "run",
      options: { target: "http://127.0.0.1:9", apiKey: "k-123", settleMs: 3000, timeoutMs: 30000, cronTimeoutMs: 75000, assistantId: "conformance" },
    });
  });

  it("reads the profile and load mode", () => {
    expect(parseCommandLine(["--local"], {})).toMatchObject({ options: { profile: "standard" } });
    const parsed = parseCommandLine(["--local", "--profile", "standard", "--repeat", "1000", "--concurrency", "50"], {});
    expect(parsed).toMatchObject({ kind: "run", options: { profile: "standard", load: { repeat: 1000, concurrency: 50 } } });
    expect(parseCommandLine(["--local", "--repeat", "3"], {})).toMatchObject({ options: { load: { repeat: 3, concurrency: 1 } } });
    expect(parseCommandLine(["--local", "--profile", "hardening"], {})).not.toHaveProperty("options.load");
  });

  it("reads repeated headers and patterns", () => {
    const parsed = parseCommandLine(["--local", "-H", "X-A: 1", "--header", "X-B:two words", "--only", "a", "--only", "b"], {});
    expect(parsed).toMatchObject({ kind: "run", options: { headers: { "X-A": "1", "X-B": "two words" }, only: ["a", "b"] } });
  });

  it("answers --help and --version", () => {
    expect(parseCommandLine(["--help"], {})).toEqual({ kind: "help" });
    expect(parseCommandLine(["--version"], {})).toEqual({ kind: "version" });
  });
});

describe("exit codes come from one function", () => {
  it("maps endings to documented codes", () => {
    expect(exitCodeFor({ kind: "verdict", verdict: "conformant" })).toBe(0);
    expect(exitCodeFor({ kind: "verdict", verdict: "non-conformant" })).toBe(1);
    expect(exitCodeFor({ kind: "verdict", verdict: "inconclusive" })).toBe(1);
    expect(exitCodeFor({ kind: "verdict", verdict: "conformant", partialRefused: true })).toBe(1);
    expect(exitCodeFor({ kind: "gate", passed: true, partialRefused: true })).toBe(1);
    expect(exitCodeFor({ kind: "gate", passed: true, partialRefused: false })).toBe(0);
    expect(exitCodeFor({ kind: "error", code: "LGWC_USAGE" })).toBe(2);
    expect(exitCodeFor({ kind: "error", code: "LGWC_SCHEMA" })).toBe(2);
    expect(exitCodeFor({ kind: "error", code: "LGWC_TARGET_UNREACHABLE" })).toBe(3);
    expect(exitCodeFor({ kind: "error", code: "LGWC_NOT_LANGGRAPH" })).toBe(3);
    expect(exitCodeFor({ kind: "error", code: "LGWC_ASSISTANT_MISSING" })).toBe(3);
    expect(exitCodeFor({ kind: "error", code: "LGWC_INTERNAL" })).toBe(4);
  });
});

describe("--only and --skip", () => {
  const cases = ["thread-run", "thread-cron", "stateless-run"];
  const checks = ["delivered", "run-schema"];
  it("select cases and checks by glob", () => {
    expect(select(cases, checks, ["thread-*"], [])).toEqual({ cases: ["thread-run", "thread-cron"], checks });
    expect(select(cases, checks, ["run-schema"], ["*cron"])).toEqual({ cases: ["thread-run", "stateless-run"], checks: ["run-schema"] });
  });
  it("refuse a pattern that matches nothing, listing the names", () => {
    expect(() => select(cases, checks, ["zzz-*"], [])).toThrow(/--only zzz-\* matches no case or check; cases are thread-run/);
    // A glob with a typo in its literal start or end: the mended glob, when it matches something.
    expect(() => select(cases, checks, ["thred-*"], [])).toThrow("--only thred-* matches no case or check. Did you mean thread-*? (Run with --help to list them.)");
    const errors = [...cases, "thread-run-error", "thread-run-cancel-rollback"];
    expect(() => select(errors, checks, ["*-eror"], [])).toThrow("--only *-eror matches no case or check. Did you mean *-error?");
    expect(() => select(errors, checks, ["*-rollbak,stateless-*"], [])).toThrow("Did you mean *-rollback?");
  });
  it("refuse to leave nothing", () => {
    expect(() => select(cases, checks, [], ["*-run,*-cron"])).toThrow(/leave no case/);
  });
  it("refuse an --only or --skip that names nothing, rather than select every case", () => {
    expect(() => select(cases, checks, [","], [])).toThrow('--only "," names no case or check: give comma-separated case or check names (see --help).');
    expect(() => select(cases, checks, [""], [])).toThrow(/--only "" names no case or check/);
    expect(() => select(cases, checks, [], [" , "])).toThrow(/--skip " , " names no case or check/);
  });
});

describe("a mistyped flag or name", () => {
  it("gets the closest flag, case or check suggested", async () => {
    const { closest } = await import("../src/cli/did-you-mean.js");
    expect(closest("--targt", ["--target", "--timeout-ms"])).toBe("--target");
    expect(closest("thred-run", ["thread-run", "stateless-run"])).toBe("thread-run");
    expect(closest("zzzzzz", ["thread-run", "stateless-run"])).toBeUndefined();
    expect(() => parseCommandLine(["--targt", "http://127.0.0.1:1"], {})).toThrow("Unknown option '--targt'. Did you mean --target? (Run with --help to see every flag.)");
    expect(() => select(["thread-run"], ["delivered"], ["thred-run"], [])).toThrow("--only thred-run matches no case or check. Did you mean thread-run?");
    expect(() => parseCommandLine(["--target", "http://127.0.0.1:1", "--profile", "hardenin"], {})).toThrow(/Did you mean hardening\?/);
    const { runCli } = await import("./helpers/cli.js");
    const mistyped = await runCli(["verfy", "x"]);
    expect(mistyped.code).toBe(2);
    expect(mistyped.stderr).toMatch(/verfy is not a command\. Did you mean verify\?/);
    const dir = mkdtempSync(join(tmpdir(), "lgwc-expect-"));
    try {
      writeFileSync(join(dir, "known.yaml"), "- case: thred-run\n  check: delivered\n  reason: x\n");
      const { loadExpectations } = await import("../src/cli/expectations.js");
      expect(() => loadExpectations(join(dir, "known.yaml"), "- case: thred-run\n  check: delivered\n  reason: x\n", ["thread-run"], ["delivered"])).toThrow(/unknown case "thred-run" \(did you mean "thread-run"\?\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a target's control characters are shown inert: no escape sequence reaches a terminal or a page (review 11)", async () => {
    const { inert } = await import("../src/text.js");
    expect(inert("a\u001b[8mhidden\u0007\r\nnext\tline\u009b")).toBe("a\ufffd[8mhidden\ufffd\r\nnext\tline\ufffd");
    // A carriage return alone would let a target's text print over a line (review 12).
    expect(inert("x\rVerdict: conformant")).toBe("x\ufffdVerdict: conformant");
  });

  it("counts read right: 1 case, 2 cases", async () => {
    const { count } = await import("../src/text.js");
    expect([count(1, "case"), count(2, "case"), count(1, "delivery", "deliveries"), count(0, "warning")]).toEqual(["1 case", "2 cases", "1 delivery", "0 warnings"]);
  });
});
