import { describe, expect, it } from "vitest";
import type { Certification } from "../src/report/certification.js";
import { execFileSync } from "node:child_process";
import { fingerprint, Redactor, redactToken } from "../src/report/redact.js";
import { reproduceCommand, shellQuote } from "../src/report/curl.js";
import { parseSse } from "../src/api/sse.js";
import { idsFromContentLocation } from "../src/api/run-ids.js";

describe("redaction", () => {
  it("replaces token values with a fingerprint", () => {
    const text = redactToken("POST /hook/a?token=s3cr3t-_.~%2Bx&b=1");
    expect(text).toBe(`POST /hook/a?token=${fingerprint("s3cr3t-_.~%2Bx")}&b=1`);
  });

  it("removes every form of a secret from nested values", () => {
    const redactor = new Redactor(["key+with/odd", "hdr-value-1"]);
    const out = redactor.deep({ a: "x key+with/odd y", b: ["key%2Bwith%2Fodd"], c: { "hdr-value-1": 1 } });
    expect(JSON.stringify(out)).not.toMatch(/key\+with|key%2Bwith|hdr-value-1/);
    expect(JSON.stringify(out)).toContain(fingerprint("key+with/odd"));
  });
});

describe("reproduction commands", () => {
  it("quote any word so a POSIX shell reads it back unchanged", () => {
    const word = `it's "$HOME" \`x\` \\ ;|&`;
    const echoed = execFileSync("sh", ["-c", `printf %s ${shellQuote(word)}`]).toString();
    expect(echoed).toBe(word);
  });

  it("never print header values and take the API key from the environment", () => {
    const command = reproduceCommand("http://t:1/", { "x-api-key": "sk-live-123", "X-Tenant": "acme-secret" }, [
      { method: "POST", path: "/runs", body: { webhook: "http://s/hook/k?token=REDACTED-1" } },
    ]);
    expect(command).not.toContain("sk-live-123");
    expect(command).not.toContain("acme-secret");
    expect(command).toContain(`-H "X-Api-Key: $LANGGRAPH_API_KEY"`);
    expect(command).toContain("'http://t:1/runs'");
  });
});

describe("server-sent events", () => {
  function* chunks(parts: string[]): Generator<Buffer> {
    for (const part of parts) yield Buffer.from(part);
  }

  it("parses events split across chunks and line endings", async () => {
    const events = [];
    for await (const event of parseSse(chunks(["event: meta", "data\r\ndata: {\"run_id\":", "\"r1\"}\r\n\r\n: comment\n", "data: a\ndata: b\n\n"]))) {
      events.push(event);
    }
    expect(events).toEqual([
      { event: "metadata", data: "{\"run_id\":\"r1\"}" },
      { event: "message", data: "a\nb" },
    ]);
  });
});

describe("Content-Location", () => {
  it("names the run and thread", () => {
    expect(idsFromContentLocation("/threads/t1/runs/r1")).toEqual({ thread_id: "t1", run_id: "r1" });
    expect(idsFromContentLocation("/runs/r2")).toEqual({ run_id: "r2" });
    expect(idsFromContentLocation(undefined)).toEqual({});
  });
});

describe("connection failures say what to do", () => {
  it("names DNS, refusal and TLS trust (tested without a lookup: no DNS query leaves this machine)", async () => {
    const { connectionHint } = await import("../src/api/client.js");
    expect(connectionHint({ code: "ENOTFOUND" })).toBe("the host name does not resolve; check --target");
    expect(connectionHint({ cause: { code: "ECONNREFUSED" } })).toMatch(/nothing is listening there/);
    expect(connectionHint({ cause: { code: "DEPTH_ZERO_SELF_SIGNED_CERT" } })).toMatch(/pass --ca FILE/);
  });
});

describe("junit.xml", () => {
  it("is made from the certification: a test case per case, failures with expected and received, the verdict and scope as properties, escaped", async () => {
    const { renderJunit } = await import("../src/report/junit.js");
    const check = (name: string, outcome: "passed" | "failed", severity: "required" | "recommended", extra: object = {}) => ({ name, severity, version: 1, outcome, message: outcome === "failed" ? `${name} <failed> & "said"` : "", ...extra });
    const cert = {
      target: { url: "http://127.0.0.1:1", info: null },
      startedAt: "2026-12-01T00:00:00.000Z",
      verdict: "non-conformant",
      scope: { complete: false, reasons: ['1 case did not run: "x" <y> & z'] },
      cases: [
        { id: "thread-run", operation: "POST /threads/{thread_id}/runs", outcome: "failed", durationMs: 1500, reproduce: "curl -sS x", checks: [check("post-method", "failed", "required", { expected: "POST", received: "PUT" }), check("content-type-json", "failed", "recommended")] },
        { id: "stateless-run", operation: "POST /runs", outcome: "passed", durationMs: 10, reproduce: "", checks: [check("content-type-json", "failed", "recommended")] },
        { id: "thread-cron", operation: "POST /threads/{thread_id}/runs/crons", outcome: "skipped", reason: "flags.crons = false", durationMs: 0, reproduce: "", checks: [] },
        { id: "stateless-run-wait", operation: "POST /runs/wait", outcome: "inconclusive", durationMs: 5, reproduce: "", checks: [{ ...check("status-matches-api", "passed", "required"), outcome: "inconclusive", message: "the read failed" }] },
      ],
    } as unknown as Certification;
    const xml = renderJunit(cert);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toContain('<testsuites name="lg-webhook-conformance" tests="4" failures="2" skipped="1" errors="0" time="1.515">');
    expect(xml).toContain('<property name="certificate.verdict" value="non-conformant (partial)"/>');
    expect(xml).toContain('<property name="certificate.scope.reason" value="1 case did not run: &quot;x&quot; &lt;y&gt; &amp; z"/>');
    expect(xml).toContain('<testcase name="thread-run" classname="POST /threads/{thread_id}/runs" time="1.500"><failure message="failed: post-method" type="failed">');
    expect(xml).toContain("Expected: POST\n  Received: PUT");
    expect(xml).toContain('<skipped message="flags.crons = false"/>');
    expect(xml).toContain('<failure message="inconclusive: status-matches-api" type="inconclusive">');
    expect(xml).toContain("<system-out>warning content-type-json: content-type-json &lt;failed&gt; &amp; &quot;said&quot;</system-out>");
    expect(xml).not.toMatch(/<failed>/);
  });
});

describe("a run's timings", () => {
  it("flag clock skew when the run's own end is after the arrival, or before the suite created it", async () => {
    const { timingsOf } = await import("../src/conductor/run-case.js");
    const { delivery, runBody } = await import("./helpers/evidence.js");
    const arrival = Date.parse("2026-11-22T21:00:02.500Z");
    const at = (endedAt: string) => timingsOf(delivery({ receivedAt: arrival, body: runBody({ run_ended_at: endedAt }) }), arrival - 1_000, arrival - 100);
    expect(at("2026-11-22T21:00:02.470Z")).toEqual({ createdToTerminalMs: 900, createdToDeliveryMs: 1_000, endToDeliveryMs: 30 });
    expect(at("2026-11-22T21:00:03.000Z")).toMatchObject({ endToDeliveryMs: -500, clockSkew: true });
    // The target's clock 8 s behind: 8 s from the run's end, but 1 s from the suite's create call.
    expect(at("2026-11-22T20:59:54.470Z")).toMatchObject({ endToDeliveryMs: 8_030, clockSkew: true });
  });
});

describe("evidence as written (review 18)", () => {
  it("indents a body without losing a repeated key or the digits of a large numeral", async () => {
    const { indentJson } = await import("../src/report/indent-json.js");
    const body = '{"status":"error","status":"success","n":9007199254740993,"s":"a,{\\"b\\"}:c","e":{},"l":[1,[]]}';
    const shown = indentJson(body);
    expect(shown).toContain('"status": "error"');
    expect(shown).toContain('"status": "success"');
    expect(shown).toContain("9007199254740993");
    expect(shown).toContain('"s": "a,{\\"b\\"}:c"');
    expect(shown.split("\n")).toContain('  "e": {},');
    // Only whitespace was added: taking it out outside strings gives the body back.
    expect(JSON.stringify(JSON.parse(shown))).toBe(JSON.stringify(JSON.parse(body)));
  });

  it("a large integer quoted in a failure says a double read it", async () => {
    const { short } = await import("../src/checks/json-diff.js");
    expect(short(9007199254740992)).toBe("9007199254740992 (as a double reads it; the digits written may differ)");
    expect(short(9007199254740991)).toBe("9007199254740991");
  });
});
