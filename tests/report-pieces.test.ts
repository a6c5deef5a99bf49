import { describe, expect, it } from "vitest";
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
  it("carries the certificate's verdict and scope on each test suite, once however often it is written, escaped", async () => {
    const { junitWithScope } = await import("../src/report/junit-scope.js");
    const xml = '<testsuites>\n<testsuite name="webhooks.spec.js" tests="1">\n<testcase name="a"/>\n</testsuite>\n</testsuites>\n';
    const partial = { verdict: "conformant" as const, scope: { complete: false, reasons: ['1 case(s) did not run: "x" <y> & z'] } };
    const once = junitWithScope(xml, partial);
    expect(once).toContain('<testsuite name="webhooks.spec.js" tests="1">\n<properties>\n<property name="certificate.verdict" value="conformant (partial)"/>');
    expect(once).toContain('<property name="certificate.scope.reason" value="1 case(s) did not run: &quot;x&quot; &lt;y&gt; &amp; z"/>');
    expect(junitWithScope(once, partial)).toBe(once);
    expect(junitWithScope(once, { verdict: "conformant", scope: { complete: true, reasons: [] } })).toContain('<property name="certificate.scope" value="complete"/>');
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
