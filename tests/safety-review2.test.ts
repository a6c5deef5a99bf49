import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/cli.js";
import { hostileServer, json } from "./helpers/hostile.js";
import { delivery, runBody } from "./helpers/evidence.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import { parseBody } from "../src/evidence.js";
import { nestingDepth } from "../src/json.js";
import { fingerprint, Redactor } from "../src/report/redact.js";
import { secretsInHeader, secretsOf, targetUrl, withoutUserinfo } from "../src/cli/args.js";
import { makeTokenParts } from "../src/sink/case-url.js";
import { cronPath, runPath } from "../src/api/paths.js";
import { deleteOwn } from "../src/api/cleanup.js";
import { TargetClient } from "../src/api/client.js";
import { writeFilesAtomic } from "../src/report/files.js";
import { renderMarkdown } from "../src/report/markdown.js";
import type { Certification } from "../src/report/certification.js";

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "lgwc-review2-"));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const QUICK = ["--settle-ms", "300", "--timeout-ms", "3000"];

describe("large and hostile bodies cost what they weigh, once", () => {
  it("a body is parsed once however many checks read it", () => {
    const d = delivery({ body: runBody({ values: { pad: "x".repeat(100_000) } }) });
    expect(parseBody(d)).toBe(parseBody(d));
  });

  it("nesting is measured without holding every child at once, and stops at the limit", () => {
    const wide = { items: Array.from({ length: 200_000 }, () => ({ a: [1] })) };
    expect(nestingDepth(wide)).toBe(4);
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(nestingDepth(deep, 100)).toBe(101);
  });
});

describe("secrets the first review did not reach", () => {
  it("the credential inside a header value is a secret of its own: a bearer token, Basic's password", () => {
    const basic = `Basic ${Buffer.from("ci-bot:Hunter2-Sup3rSecret").toString("base64")}`;
    expect(secretsInHeader(basic)).toEqual(expect.arrayContaining(["ci-bot:Hunter2-Sup3rSecret", "Hunter2-Sup3rSecret"]));
    expect(secretsInHeader("Bearer eyJhbGciOiJIUzI1NiJ9.abc.def")).toContain("eyJhbGciOiJIUzI1NiJ9.abc.def");
    const redactor = new Redactor(secretsOf({ headers: { Authorization: basic } }));
    expect(redactor.text("password Hunter2-Sup3rSecret is wrong")).not.toContain("Hunter2");
  });

  it("a token used as the user name alone in a URL is a secret", () => {
    expect(secretsOf({ headers: {}, credentials: { username: "tok3nUserOnlyS3cret", password: "" } })).toContain("tok3nUserOnlyS3cret");
  });

  it("an answer that hides a secret in JSON escapes is shown decoded and cleaned", () => {
    const redactor = new Redactor(["lsv2_pt_secretkey_0123"]);
    const escaped = JSON.stringify({ detail: "bad key" }).replace("bad key", [..."bad key lsv2_pt_secretkey_0123"].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""));
    const shown = redactor.textOfJson(escaped);
    expect(shown).toContain(fingerprint("lsv2_pt_secretkey_0123"));
    expect(shown).not.toMatch(/\\u006c\\u0073\\u0076\\u0032/);
  });

  it("a webhook token in base64 or hexadecimal of its URL is found", () => {
    const redactor = new Redactor();
    const { token, pieces } = makeTokenParts();
    redactor.addToken(token, pieces);
    const url = `http://127.0.0.1:9/hook/k?token=${token}`;
    for (const offset of ["", "a", "ab"]) {
      const cleaned = redactor.text(Buffer.from(`${offset}${url}`).toString("base64"));
      expect(Buffer.from(cleaned, "base64").toString("latin1")).not.toContain(pieces[0]);
    }
    expect(redactor.text(Buffer.from(url).toString("hex"))).not.toContain(Buffer.from(pieces[0]).toString("hex"));
    // Every byte percent-encoded, lower or upper case: shown decoded and cleaned.
    for (const hex of [(b: number) => b.toString(16).padStart(2, "0"), (b: number) => b.toString(16).padStart(2, "0").toUpperCase()]) {
      const encoded = [...Buffer.from(url)].map((b) => `%${hex(b)}`).join("");
      const cleaned = redactor.text(`the server said: ${encoded} (bad webhook)`);
      expect(decodeURIComponent(cleaned)).not.toContain(pieces[0]);
      expect(cleaned).toMatch(/^the server said: .*REDACTED-[0-9a-f]+.* \(bad webhook\)$/);
    }
    // A hex dump, pairs separated by spaces or colons.
    for (const separator of [" ", ":"]) {
      const dump = [...Buffer.from(url)].map((b) => b.toString(16).padStart(2, "0")).join(separator);
      const cleaned = redactor.text(`body: ${dump}`);
      expect(cleaned).not.toContain(dump);
      expect(cleaned).toMatch(/REDACTED-[0-9a-f]+/);
    }
    // A dump of lines of pairs, HTML entities, \x escapes, a serialised Buffer, and the URL in upper case.
    const bytes = [...Buffer.from(url)];
    const lines = (per: number): string => Array.from({ length: Math.ceil(bytes.length / per) }, (_, i) => bytes.slice(i * per, (i + 1) * per).map((b) => b.toString(16).padStart(2, "0")).join(" ")).join("\n");
    for (const echo of [
      lines(8).replace(/\n/g, "  \n"),
      bytes.map((b) => `&#${b};`).join(""),
      bytes.map((b) => `&#x${b.toString(16)};`).join(""),
      bytes.map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join(""),
      JSON.stringify({ type: "Buffer", data: bytes }),
      bytes.join(", "),
      bytes.map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(", "),
      (Buffer.from(url).toString("hex").match(/.{1,4}/g) ?? []).join(" "),
      url.toUpperCase(),
    ]) {
      const cleaned = redactor.text(`echo: ${echo}`);
      expect(cleaned, echo.slice(0, 40)).toMatch(/REDACTED-[0-9a-f]+/);
      expect(cleaned.toLowerCase(), echo.slice(0, 40)).not.toContain(pieces[0].toLowerCase());
    }
    // Inside a JSON answer, where a dump's line breaks are \n and a \x escape's backslash is doubled.
    for (const echo of [lines(8), bytes.map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("")]) {
      const answer = JSON.stringify({ detail: echo });
      const cleaned = redactor.textOfJson(answer);
      expect(cleaned, answer.slice(0, 40)).toMatch(/REDACTED-[0-9a-f]+/);
      expect(cleaned).not.toContain(answer.slice(12, 60));
    }
    // A JSON answer that holds no secret is left exactly as it was.
    expect(redactor.textOfJson('{"detail":"line one\\nline two \\"quoted\\""}')).toBe('{"detail":"line one\\nline two \\"quoted\\""}');
    // Ordinary hex stays as it is.
    expect(redactor.text("sha 00 11 22 33 44 55 66 77 88 99")).toBe("sha 00 11 22 33 44 55 66 77 88 99");
  });

  it("the API key, a header's secret and Basic credentials are found in every byte encoding a token is found in (review 8)", () => {
    const key = "lsv2_pt_Secretkey0123456789abcdef";
    const redactor = new Redactor(secretsOf({ apiKey: key, headers: { Cookie: "session=SESSIONSECRET123; theme=dark" } }));
    const bytes = [...Buffer.from(key)];
    for (const echo of [
      bytes.map((b) => `&#${b};`).join(""),
      bytes.map((b) => b.toString(16).padStart(2, "0")).join(" "),
      JSON.stringify({ type: "Buffer", data: bytes }),
      key.toUpperCase(),
      bytes.map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join(""),
      bytes.join(","),
      bytes.map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(", "),
    ]) {
      const cleaned = redactor.text(`rejected credential ${echo}`);
      expect(cleaned, echo.slice(0, 30)).toMatch(/REDACTED-[0-9a-f]+/);
      expect(cleaned).not.toContain(echo);
    }
    // Cut short by the target with three dots (review 9), as the suite's own cuts use "…".
    expect(redactor.text(`rejected key ${key.slice(0, 33)}... (expired)`)).not.toContain(key.slice(0, 12));
    // Followed by a bracket, or more dots (review 10).
    expect(redactor.text(`rejected key (${key.slice(0, 30)}...)`)).not.toContain(key.slice(0, 12));
    expect(redactor.text(`rejected key ${key.slice(0, 30)}....`)).not.toContain(key.slice(0, 12));
    // A cookie's value alone, as a target that says which session expired would echo it.
    expect(redactor.text("session SESSIONSECRET123 has expired")).not.toContain("SESSIONSECRET123");
    // Short values of a name=value list are not secrets of their own: "dark" stays a word.
    expect(redactor.text("theme dark")).toBe("theme dark");
  });

  it("a byte run holding a secret is replaced whole, never by its decoded bytes, and a byte array in JSON data is read too (review 11)", () => {
    const key = "lsv2_pt_Secretkey0123456789abcdef";
    const redactor = new Redactor([key]);
    const bytes = [...Buffer.from(`<img src=x onerror=alert(1)>${key}\u001b[8m`)];
    // As the HTML page holds it: escaped first, then cleaned; the markup must not come back decoded.
    const cleaned = redactor.text(`&lt;pre&gt;${JSON.stringify(bytes)}&lt;/pre&gt;`);
    expect(cleaned).not.toContain("<img");
    expect(cleaned).not.toContain("\u001b");
    expect(cleaned).toMatch(/\[encoded bytes holding REDACTED-[0-9a-f]+\]/);
    // In the certification's own data (an /info field of byte values).
    const info = redactor.deep({ build: [...Buffer.from(key)], harmless: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(JSON.stringify(info)).not.toContain(JSON.stringify([...Buffer.from(key)]).slice(1, 30));
    expect(info.harmless).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // A run of bytes with other items around it (review 12).
    const mixed = redactor.deep({ build: ["v", ...Buffer.from(key), 1000] });
    expect(JSON.stringify(mixed)).not.toContain(JSON.stringify([...Buffer.from(key)]).slice(1, 30));
    expect(mixed.build[0]).toBe("v");
    expect(mixed.build[2]).toBe(1000);
  });

  it("a --target password is hidden however the URL is written, and found as typed (review 8)", () => {
    for (const raw of [" http://bob:Secret%2dPass99@127.0.0.1:9", "http:\\\\bob:Secret%2dPass99@127.0.0.1:9", "http:/bob:Secret%2dPass99@127.0.0.1:9"]) {
      expect(withoutUserinfo(raw), raw).not.toContain("Secret");
      const parsed = targetUrl(raw);
      const redactor = new Redactor(secretsOf({ headers: {}, credentials: parsed.credentials! }));
      expect(redactor.text(`the URL was ${raw.trim()}`)).not.toContain("Secret%2dPass99");
    }
  });

  it("text full of ellipses costs the same as any text, and a cut at the end is still found", () => {
    const redactor = new Redactor([`Bearer ${"t".repeat(1_000)}`, "sk-live-0123456789"]);
    const noisy = "…".repeat(200_000);
    expect(redactor.text(noisy)).toBe(noisy);
    expect(redactor.text(`${noisy} key sk-live-01234…`)).toContain(fingerprint("sk-live-0123456789"));
  });
});

describe("ids, folders, files", () => {
  it("'.' and '..' from the target are refused, not sent: URL parsing removes them even percent-encoded", async () => {
    expect(() => runPath("t", "..")).toThrow(/the id "\.\.", which no request path can carry/);
    expect(() => runPath(".", "r")).toThrow(/the id "\."/);
    expect(() => cronPath("%2E%2e")).toThrow(/the id "%2E%2e"/);
    // An empty id names the collection itself: DELETE /threads/ is not a thread.
    expect(() => cronPath("")).toThrow(/the id ""/);
    expect(() => runPath("", "r")).toThrow(/the id ""/);
    expect(runPath("t", "...")).toBe("/threads/t/runs/...");
    // A lone surrogate cannot be encoded at all (review 9): refused, not a crash.
    expect(() => runPath("t", "\ud800")).toThrow(/not valid Unicode/);
    const seen: string[] = [];
    const server = await hostileServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      json(res, 200, { cron_id: "..", metadata: { lg_webhook_conformance: "suite" } });
    });
    try {
      const removal = await deleteOwn(new TargetClient({ baseUrl: server.url }), "cron", "..", { lg_webhook_conformance: "suite" });
      expect(removal).toMatchObject({ problem: expect.stringMatching(/cron "\.\." was left alone/) as string });
      const lone = await deleteOwn(new TargetClient({ baseUrl: server.url }), "thread", "\ud800", { lg_webhook_conformance: "suite" });
      expect(lone).toMatchObject({ problem: expect.stringMatching(/thread "\\ud800" was left alone/) as string });
      expect(seen).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("a cron of the suite that neither its route nor the search shows is reported, not taken for gone", async () => {
    const server = await hostileServer((req, res) => (req.url?.endsWith("/search") ? json(res, 200, []) : json(res, 404, { detail: "not found" })));
    try {
      const removal = await deleteOwn(new TargetClient({ baseUrl: server.url }), "cron", "c-1", { lg_webhook_conformance: "suite" });
      expect(removal).toMatchObject({ problem: expect.stringMatching(/nor the cron search shows it, so it may still exist and fire/) as string });
    } finally {
      await server.close();
    }
  });

  it("a stop while the certification is written leaves none of its files", async () => {
    const dir = join(base, "stopped-write");
    await mkdir(dir);
    const written = await writeFilesAtomic([[join(dir, "certification.md"), "a"], [join(dir, "certification.json"), "{}"]], () => true);
    expect(written).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it("user files inside test-results/ or html/data/ are found before Playwright could delete them", async () => {
    const dir = join(base, "inside");
    await mkdir(join(dir, "test-results", "my-notes"), { recursive: true });
    await mkdir(join(dir, "html", "data"), { recursive: true });
    await writeFile(join(dir, "test-results", "my-notes", "precious.txt"), "keep");
    await writeFile(join(dir, "html", "data", "user.txt"), "keep");
    const run = await runCli(["--target", "http://127.0.0.1:1", "--report-dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/test-results\/my-notes/);
    // Also inside traces/ at any depth, and inside the HTML report's trace viewer (review 11).
    for (const file of ["traces/test-results/my-e2e/trace.zip", "traces/html/notes.txt", "html/trace/notes.txt", "blob/backup.zip", "html/trace/holiday.png", "test-results/webhooks-mine/notes.txt"]) {
      const nested = join(base, `nested-${file.replaceAll("/", "-")}`);
      await mkdir(join(nested, file, ".."), { recursive: true });
      await writeFile(join(nested, file), "keep");
      const refused = await runCli(["--target", "http://127.0.0.1:1", "--report-dir", nested]);
      expect(refused.code, file).toBe(2);
      expect(await readFile(join(nested, file), "utf8")).toBe("keep");
    }
    expect(run.stderr).toMatch(/html\/data\/user\.txt/);
  });

  it("a target's text cannot write the Markdown report's lines", () => {
    const cert = {
      suite: { name: "lg-webhook-conformance", version: "0" },
      target: { url: "http://t", info: { version: "1.0\n\n**39 passed** of 39 cases\n<!--", context: "js" } },
      assistant: { requested: "a", resolved: "b" },
      schema: { source: "s", target: { available: false, reason: "r" } },
      settleMs: 1, timeoutMs: 1, cronTimeoutMs: 1, startedAt: "", finishedAt: "", commandLine: "x",
      summary: { cases: 1, passed: 0, failed: 1, skipped: 0, flaky: 0, inconclusive: 0, warnings: 0 },
      verdict: "non-conformant", scope: { complete: true, reasons: [] },
      gate: { passed: false, unexpected: [], expected: [], nowPassing: [], flaky: [], strict: false },
      profile: "standard", cases: [], checkDefinitions: [],
      strays: { count: 0, bytes: 0, requests: [] },
      sink: { maxBodyBytes: 1, budgetBytes: 1, keptBytes: 0, discarded: 0, dropped: 0, noise: 0, refusedConnections: 0 },
    } as unknown as Certification;
    const md = renderMarkdown(cert);
    expect(renderMarkdown({ ...cert, target: { url: "http://t", info: { version: "1.0" } } })).toContain("- Target reports: version 1.0\n");
    expect(renderMarkdown({ ...cert, target: { url: "http://t", info: {} } })).toContain("- Target reports: no version or context (its GET /info does not say)");
    expect(md).not.toContain("<!--");
    expect(md).not.toMatch(/^\*\*39 passed\*\*/m);
  });
});

describe("the CLI refuses what it cannot use, in one sentence", () => {
  it("a malformed percent-escape in credentials is a usage error", async () => {
    const run = await runCli(["--target", "http://user:pa%zz@127.0.0.1:1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--target has credentials with a malformed percent-escape/);
  });

  it("an --openapi document nested hundreds of thousands deep is refused, not a crash", async () => {
    const file = join(base, "deeper-openapi.json");
    // Built as text: JSON.stringify itself would recurse that deep.
    await writeFile(file, `{"openapi":"3.1.0","components":{"schemas":{"Run":${'{"type":"array","items":'.repeat(300_000)}{"type":"string"}${"}".repeat(300_000)}}}}`);
    const run = await runCli(["--target", "http://127.0.0.1:1", "--openapi", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(/internal error/);
  });

  it("merge refuses shares run with other checks or settings", { timeout: 90_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    try {
      const one = await runCli(["--target", target.url, "--only", "thread-run,stateless-run", "--shard", "1/2", "--report-dir", join(base, "m1"), ...QUICK]);
      const two = await runCli(["--target", target.url, "--only", "thread-run,stateless-run", "--shard", "2/2", "--skip", "post-method", "--report-dir", join(base, "m2"), ...QUICK]);
      expect(one.code, one.stderr).toBe(0);
      expect(two.code, two.stderr).toBe(0);
      const merge = await runCli(["merge", join(base, "m1"), join(base, "m2"), "--report-dir", join(base, "m-out")]);
      expect(merge.code).toBe(2);
      expect(merge.stderr).toMatch(/was run with another checks than .*merge only the shares of one split, run with the same settings/);
    } finally {
      await target.close();
    }
  });
});

describe("a case's reason never carries an echoed secret half-cut", () => {
  it("a cron create answered without a cron_id quotes the cleaned answer", { timeout: 60_000 }, async () => {
    const key = "lgwc-cron-echo-key-4242424242";
    const upstream = await startTestTarget({ apiKey: key, cronIntervalMs: 600_000 });
    const proxy = await hostileServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.method === "POST" && req.url === "/runs/crons") return json(res, 200, { note: `created for ${"x".repeat(250)} ${String(req.headers["x-api-key"])}` });
        void fetch(`${upstream.url}${req.url ?? "/"}`, { method: req.method ?? "GET", headers: { "content-type": "application/json", "x-api-key": key }, ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}) }).then(async (answer) => {
          res.writeHead(answer.status, { "content-type": "application/json" });
          res.end(Buffer.from(await answer.arrayBuffer()));
        });
      });
    });
    const dir = join(base, "cron-echo");
    try {
      const run = await runCli(["--target", proxy.url, "--only", "stateless-cron", "--report-dir", dir, "--cron-timeout-ms", "2000", ...QUICK], { env: { LANGGRAPH_API_KEY: key } });
      for (let length = 12; length <= key.length; length += 1) expect(run.stdout + run.stderr).not.toContain(key.slice(0, length));
      const text = await readFile(join(dir, "certification.json"), "utf8");
      expect(text).not.toContain(key.slice(0, 12));
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});
