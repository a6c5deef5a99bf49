import { afterEach, describe, expect, it } from "vitest";
import { connect } from "node:net";
import { gzipSync } from "node:zlib";
import { startSink, type Sink } from "../src/sink/server.js";
import { caseUrl, makeToken, rawQueryParam, requestTargetOf } from "../src/sink/case-url.js";

let sink: Sink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

/** Sends bytes exactly as given, so the test controls the request line and headers to the byte. */
function rawRequest(url: string, head: string, body: Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(Buffer.concat([Buffer.from(head, "latin1"), body])));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.includes("\r\n\r\n")) socket.end();
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("the sink", () => {
  it("records method, raw request-target, headers and body bytes, and answers 2xx", async () => {
    sink = await startSink();
    sink.register("case-1");
    const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xe2, 0x82, 0xac, 0x7d]);
    const target = "/hook/case-1?token=a-_.~%2Bb&x=%7e";
    const answer = await rawRequest(
      sink.url,
      `POST ${target} HTTP/1.1\r\nHost: x\r\nX-Odd-Case: V\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 204/);
    const [recorded] = await sink.waitFor("case-1", 1, 2_000);
    expect(recorded?.method).toBe("POST");
    expect(recorded?.target).toBe(target);
    expect(recorded?.headers).toContainEqual(["X-Odd-Case", "V"]);
    expect(Buffer.from(recorded!.bodyBase64, "base64").equals(body)).toBe(true);
    expect(recorded?.truncated).toBe(false);
  });

  it("records a request for no handed-out case as a stray", async () => {
    sink = await startSink();
    sink.register("known-1");
    await fetch(`${sink.url}/hook/unknown-9?token=x`, { method: "POST", body: "{}" });
    expect(sink.deliveriesFor("known-1")).toHaveLength(0);
    expect(sink.stats().straySample.map((s) => s.target)).toEqual(["/hook/unknown-9?token=x"]);
    expect(sink.stats().strays).toBe(1);
  });

  it("counts a run posted to a URL it never handed out as a stray, and other requests as noise", async () => {
    sink = await startSink();
    sink.register("known-1");
    await fetch(`${sink.url}/`, { method: "POST", body: JSON.stringify({ run_id: "r-1", status: "success" }) });
    await fetch(`${sink.url}/other`, { method: "POST", body: "hello" });
    await fetch(`${sink.url}/favicon.ico`);
    // However far into the body its run_id sits.
    await fetch(`${sink.url}/padded`, { method: "POST", body: JSON.stringify({ pad: "x".repeat(300_000), run_id: "r-2" }) });
    // Or however its key is written: JSON escapes, a form, a compressed body.
    await fetch(`${sink.url}/escaped`, { method: "POST", body: '{"run\\u005fid":"r-3"}' });
    await fetch(`${sink.url}/form`, { method: "POST", body: "status=success&run_id=r-4" });
    await fetch(`${sink.url}/gzip`, { method: "POST", headers: { "content-encoding": "gzip" }, body: gzipSync('{"run_id":"r-5"}') });
    // Or sent with another method (review 9), or to a webhook path the suite never handed out.
    await fetch(`${sink.url}/hook/never-handed-out`, { method: "PUT", body: JSON.stringify({ run_id: "r-6" }) });
    await fetch(`${sink.url}/elsewhere`, { method: "PATCH", body: JSON.stringify({ run_id: "r-7" }) });
    // A POST to a webhook path is a webhook sent astray, even without a body; a bodyless GET there (a health check, a crawler) is noise (review 21).
    await fetch(`${sink.url}/hook/never-handed-out`, { method: "POST" });
    await fetch(`${sink.url}/hook/never-handed-out`);
    expect(sink.stats().strays).toBe(8);
    expect(sink.stats().straySample.map((s) => `${s.method} ${s.target}`)).toEqual(["POST /", "POST /padded", "POST /escaped", "POST /form", "POST /gzip", "PUT /hook/never-handed-out", "PATCH /elsewhere", "POST /hook/never-handed-out"]);
    expect(sink.stats().noise).toBe(3);
  });

  it("matches a case whose token was mangled, so token-preserved can judge it", async () => {
    sink = await startSink();
    sink.register("k-2");
    await fetch(`${sink.url}/hook/k-2`, { method: "POST", body: "{}" });
    expect(sink.deliveriesFor("k-2")).toHaveLength(1);
  });

  it("cuts bodies over the cap and marks them", async () => {
    sink = await startSink({ maxBodyBytes: 10 });
    sink.register("big");
    await fetch(`${sink.url}/hook/big`, { method: "POST", body: "x".repeat(100) });
    const [recorded] = sink.deliveriesFor("big");
    expect(Buffer.from(recorded!.bodyBase64, "base64").length).toBe(10);
    expect(recorded?.truncated).toBe(true);
  });

  it("stops keeping records past the cap and counts what it dropped", async () => {
    sink = await startSink({ maxRecords: 2 });
    sink.register("many");
    for (let i = 0; i < 4; i += 1) await fetch(`${sink.url}/hook/many`, { method: "POST", body: "{}" });
    expect(sink.deliveriesFor("many")).toHaveLength(2);
    expect(sink.stats().dropped).toBe(2);
  });

  it("wakes a waiter on arrival rather than at its deadline", async () => {
    sink = await startSink();
    sink.register("w");
    const started = Date.now();
    const waiting = sink.waitFor("w", 1, 20_000);
    await fetch(`${sink.url}/hook/w`, { method: "POST", body: "{}" });
    expect(await waiting).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("listening on every interface, gives a loopback URL for its own use", async () => {
    sink = await startSink({ host: "0.0.0.0" });
    expect(sink.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    sink.register("any");
    await fetch(`${sink.url}/hook/any`, { method: "POST", body: "{}" });
    expect(sink.deliveriesFor("any")).toHaveLength(1);
  });

  it("returns what arrived when the wait times out", async () => {
    sink = await startSink();
    sink.register("none");
    expect(await sink.waitFor("none", 1, 50)).toEqual([]);
  });
});

describe("case URLs", () => {
  it("carry a token that exposes rewriting", () => {
    const token = makeToken();
    expect(token).toContain("-_.~%2B");
    expect(makeToken()).not.toBe(token);
  });

  it("keep a public URL's path prefix and give the raw request-target", () => {
    const url = caseUrl("https://hooks.example.test/prefix/", "k-1", "t-_.~%2Bx");
    expect(url).toBe("https://hooks.example.test/prefix/hook/k-1?token=t-_.~%2Bx");
    expect(requestTargetOf(url)).toBe("/prefix/hook/k-1?token=t-_.~%2Bx");
    expect(rawQueryParam(requestTargetOf(url), "token")).toBe("t-_.~%2Bx");
  });
});
