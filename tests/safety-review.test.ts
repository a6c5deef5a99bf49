import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import getPort from "get-port";
import { runCli, startCliUntil } from "./helpers/cli.js";
import { hostileServer, json } from "./helpers/hostile.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import { canonical } from "../src/report/integrity.js";
import { createHash, createPrivateKey, createPublicKey, sign } from "node:crypto";
import { claimReportFolder } from "../src/report/files.js";
import { fingerprint, Redactor } from "../src/report/redact.js";
import { cronPath, runPath } from "../src/api/paths.js";
import type { Certification } from "../src/report/certification.js";

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "lgwc-review-"));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const QUICK = ["--settle-ms", "300", "--timeout-ms", "3000"];
const ed25519 = (): { privatePem: string; publicPem: string } => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
};

/** Re-seals a report as an attacker would: any edit, a fresh digest, a signature with any key. */
function reseal(report: Record<string, unknown>, privatePem: string, algorithm = "Ed25519"): Record<string, unknown> {
  const content = { ...report };
  delete content.integrity;
  const sha256 = createHash("sha256").update(canonical(content)).digest("hex");
  const key = createPrivateKey(privatePem);
  const signature = sign(key.asymmetricKeyType === "ed25519" ? null : "sha256", Buffer.from(sha256, "hex"), key).toString("base64");
  const publicKey = createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
  return { ...content, integrity: { canonicalization: "json-sorted-keys/1", sha256, signature: { algorithm, publicKey, keyId: "x", value: signature } } };
}

describe("signatures and merges cannot be forged", () => {
  let share: string;
  const trusted = ed25519();
  beforeAll(async () => {
    const target = await startTestTarget({ faults: ["method-put"], cronIntervalMs: 600_000 });
    try {
      await writeFile(join(base, "trusted.pem"), trusted.privatePem);
      share = join(base, "share");
      const run = await runCli(["--target", target.url, "--only", "thread-run", "--shard", "1/1", "--sign-key", join(base, "trusted.pem"), "--report-dir", share, ...QUICK]);
      expect(run.code, run.stderr).toBe(1);
    } finally {
      await target.close();
    }
  }, 60_000);

  it("a share turned conformant and re-signed by another key is refused by a signed merge", async () => {
    const cert = JSON.parse(await readFile(join(share, "certification.json"), "utf8")) as Certification;
    cert.verdict = "conformant";
    cert.cases[0]!.outcome = "passed";
    const forged = join(base, "forged");
    await mkdir(forged);
    await writeFile(join(forged, "certification.json"), JSON.stringify(reseal(cert as unknown as Record<string, unknown>, ed25519().privatePem)));
    const merge = await runCli(["merge", forged, "--report-dir", join(base, "forged-out"), "--sign-key", join(base, "trusted.pem")]);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toMatch(/is signed by key [0-9a-f]+, which is not trusted; a merged report signed with --sign-key vouches for every share/);
    // The genuine share, signed by the trusted key, merges and is signed again.
    const genuine = await runCli(["merge", share, "--report-dir", join(base, "genuine-out"), "--sign-key", join(base, "trusted.pem")]);
    expect(genuine.code, genuine.stderr).toBe(1);
  }, 60_000);

  it("verify refuses a signature made with an RSA or EC key that claims Ed25519, and malformed values", async () => {
    const cert = JSON.parse(await readFile(join(share, "certification.json"), "utf8")) as Record<string, unknown>;
    for (const type of ["rsa", "ec"] as const) {
      const key = type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "P-256" });
      const file = join(base, `signed-${type}.json`);
      await writeFile(file, JSON.stringify(reseal(cert, key.privateKey.export({ type: "pkcs8", format: "pem" }).toString())));
      const verify = await runCli(["verify", file]);
      expect(verify.code).toBe(1);
      expect(verify.stdout).toMatch(new RegExp(`NOT intact: its signature claims Ed25519 but was made with a ${type} key`));
    }
    const broken = { ...cert, integrity: { ...(cert.integrity as Record<string, unknown>), signature: { ...((cert.integrity as { signature: Record<string, unknown> }).signature), value: 123 } } };
    await writeFile(join(base, "broken.json"), JSON.stringify(broken));
    const malformed = await runCli(["verify", join(base, "broken.json")]);
    expect(malformed.code).toBe(1);
    expect(malformed.stdout).toMatch(/NOT intact: its signature does not match its content/);
    await writeFile(join(base, "null.json"), "null");
    const nothing = await runCli(["verify", join(base, "null.json")]);
    // A file that is no certification at all is unusable input (exit 2, as verify --help says), not a broken one.
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/is JSON but not a certification/);
    await writeFile(join(base, "text.json"), "not json");
    const text = await runCli(["verify", join(base, "text.json")]);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/is not JSON, so it is not a certification\.json/);
  }, 60_000);

  it("a merge of part of a split is refused", async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    try {
      const half = join(base, "half");
      const run = await runCli(["--target", target.url, "--only", "thread-run,stateless-run", "--shard", "1/2", "--report-dir", half, ...QUICK]);
      expect(run.code, run.stderr).toBe(0);
      const merge = await runCli(["merge", half, "--report-dir", join(base, "half-out")]);
      expect(merge.code).toBe(2);
      expect(merge.stderr).toMatch(/the split has 2 shares and 2\/2 is missing: a merge of part of the cases is not a certification of the target/);
    } finally {
      await target.close();
    }
  }, 60_000);
});

describe("ids from the target are data, never paths or someone else's items", () => {
  it("builds paths with every id percent-encoded", () => {
    expect(runPath("t", "../../victim/runs/r")).toBe("/threads/t/runs/..%2F..%2Fvictim%2Fruns%2Fr");
    expect(cronPath("a/b")).toBe("/runs/crons/a%2Fb");
  });

  it("never changes a cron the target named but the suite did not create", { timeout: 60_000 }, async () => {
    const victim = "0c0c0c0c-0000-4000-8000-0000000c0c0c";
    const target = await startTestTarget({ faults: [`answer-cron=${victim}`], cronIntervalMs: 600_000 });
    try {
      // Someone else's cron, unmarked and without a webhook: the suite must not give it one.
      await fetch(`${target.url}/runs/crons`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ cron_id: victim, assistant_id: "conformance", schedule: "0 0 1 1 *", metadata: { owner: "victim" } }),
      });
      const run = await runCli(["--target", target.url, "--only", "cron-patch", "--report-dir", join(base, "cron"), "--cron-timeout-ms", "3000", ...QUICK]);
      expect(run.code, run.stderr).toBe(1);
      const cert = JSON.parse(await readFile(join(base, "cron", "certification.json"), "utf8")) as Certification;
      expect(cert.cases[0]!.reason).toMatch(/The target could not run this operation: the suite will not change cron 0c0c0c0c-0000-4000-8000-0000000c0c0c: read back, cron .* does not carry the suite's metadata/);
      const left = target.crons().find((c) => c.cron_id === victim);
      expect(left).toBeDefined();
      expect(left!.webhook).toBeUndefined();
    } finally {
      await target.close();
    }
  });
});

describe("secrets in every form", () => {
  it("a secret cut short before an ellipsis, a four-character one, base64 at any offset and hex are all found", () => {
    const redactor = new Redactor(["sk-live-0123456789", "pw12"]);
    expect(redactor.text("key sk-live-01234567… (cut)")).toBe(`key ${fingerprint("sk-live-0123456789")}… (cut)`);
    expect(redactor.text("user:pw12@host")).toBe(`user:${fingerprint("pw12")}@host`);
    for (const prefix of ["", "a", "ab"]) {
      const b64 = Buffer.from(`${prefix}sk-live-0123456789 and more`).toString("base64");
      expect(redactor.text(b64)).toContain("REDACTED-");
    }
    expect(redactor.text(Buffer.from("sk-live-0123456789").toString("hex"))).toBe(fingerprint("sk-live-0123456789"));
  });

  it("stand-ins are keyed: a plain hash of a guess does not reveal the secret", () => {
    const plain = createHash("sha256").update("hunter2").digest("hex").slice(0, 8);
    expect(fingerprint("hunter2")).not.toBe(`REDACTED-${plain}`);
  });

  it("a webhook body that hides the token in JSON escapes shows no token anywhere, pages included", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["escape-webhook-in-body"], cronIntervalMs: 600_000 });
    const dir = join(base, "escaped");
    try {
      const run = await runCli(["--target", target.url, "--only", "thread-run", "--report-dir", dir, ...QUICK]);
      const pieces = target.webhooks().flatMap((hook) => new URL(hook).search.replace("?token=", "").split("-_.~%2B"));
      expect(pieces.length).toBeGreaterThan(0);
      for (const name of await readdir(dir, { recursive: true })) {
        const path = join(dir, name);
        if (!(await stat(path)).isFile()) continue;
        const text = await readFile(path, "latin1");
        for (const piece of pieces) expect(text.includes(piece), `${piece} in ${name}`).toBe(false);
      }
      for (const piece of pieces) expect(run.stdout + run.stderr).not.toContain(piece);
    } finally {
      await target.close();
    }
  });

  it("credentials in --public-url never appear", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const dir = join(base, "public");
    try {
      const port = await getPort({ host: "127.0.0.1" });
      const run = await runCli(["--target", target.url, "--public-url", `http://tunnel:tunpass-9876@127.0.0.1:${port}`, "--sink-port", String(port), "--only", "thread-run", "--report-dir", dir, ...QUICK]);
      expect(run.stdout + run.stderr).not.toContain("tunpass-9876");
      for (const name of await readdir(dir, { recursive: true }).catch(() => [] as string[])) {
        const path = join(dir, name);
        if ((await stat(path)).isFile()) expect((await readFile(path, "latin1")).includes("tunpass-9876"), name).toBe(false);
      }
    } finally {
      await target.close();
    }
  });
});

describe("no unbounded wait, no crash on a hostile answer", () => {
  it("an /info nested thousands deep is the target's failure (exit 3)", async () => {
    const deep = `${"[".repeat(3_000)}${"]".repeat(3_000)}`;
    const server = await hostileServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"version":"x","flags":${deep}}`);
    });
    try {
      const run = await runCli(["--target", server.url, "--report-dir", join(base, "deep")]);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(/is not a LangGraph API server/);
    } finally {
      await server.close();
    }
  });

  it("cleanup against a search that never ends stops after 1,000 items and says so", { timeout: 60_000 }, async () => {
    let page = 0;
    const server = await hostileServer((req, res) => {
      if (req.url === "/info") return json(res, 200, { version: "x", flags: { crons: true } });
      if (req.url?.endsWith("/search")) {
        page += 1;
        return json(res, 200, Array.from({ length: 100 }, (_, i) => ({ cron_id: `c-${page}-${i}`, thread_id: `t-${page}-${i}` })));
      }
      return json(res, 404, { detail: "not found" });
    });
    try {
      const run = await runCli(["cleanup", "--target", server.url, "--include-recent"], { timeoutMs: 50_000 });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/listed more than 1000 item\(s\); the rest were not looked at \(run cleanup again\)/);
      expect(run.stdout).toMatch(/Removed 0 cron\(s\) and 0 thread\(s\)/);
    } finally {
      await server.close();
    }
  });

  it("a tunnel that drips its answer cannot hold the preflight", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const tunnel = await hostileServer((_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write(" "), 1_000);
      res.once("close", () => clearInterval(drip));
    });
    try {
      const run = await runCli(["--target", target.url, "--public-url", `${tunnel.url}/lgwc`, "--preflight-only", "--report-dir", join(base, "drip")], { timeoutMs: 40_000 });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/The sink cannot be reached through --public-url/);
    } finally {
      await tunnel.close();
      await target.close();
    }
  });

  it("a pattern in an --openapi document is not enforced, so no crafted value can stall validation", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    try {
      const document = { openapi: "3.1.0", info: { version: "evil" }, components: { schemas: { Run: { type: "object", properties: { run_id: { type: "string", pattern: "^([0-9a-f-]+)+Z$" } } } } } };
      await writeFile(join(base, "evil.json"), JSON.stringify(document));
      const run = await runCli(["--target", target.url, "--openapi", join(base, "evil.json"), "--only", "thread-run", "--report-dir", join(base, "evil"), ...QUICK]);
      expect(run.code, run.stderr).toBe(0);
      const cert = JSON.parse(await readFile(join(base, "evil", "certification.json"), "utf8")) as Certification;
      expect(cert.schema.source).toMatch(/\d+ pattern keyword\(s\) not enforced/);
    } finally {
      await target.close();
    }
  });
});

describe("the report folder and the sink under third parties", () => {
  it("a request that is not a webhook does not fail the run", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const dir = join(base, "noise");
    try {
      const cli = await startCliUntil(["--target", target.url, "--only", "thread-run", "--settle-ms", "2000", "--report-dir", dir], (err) => /Certifying/.test(err));
      const sink = /webhooks reach (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stderr())![1]!;
      await fetch(`${sink}/favicon.ico`);
      expect(await cli.exited, cli.stderr()).toBe(0);
      const cert = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as Certification;
      expect(cert.sink.noise).toBe(1);
      expect(cert.strays.count).toBe(0);
    } finally {
      await target.close();
    }
  });

  it("three runs racing for a folder whose lock a dead run left: exactly one gets it, every time", async () => {
    for (let trial = 0; trial < 100; trial += 1) {
      const dir = join(base, `race-${trial}`);
      await mkdir(dir);
      await writeFile(join(dir, ".lg-webhook-conformance.lock"), JSON.stringify({ pid: 4_194_305, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" }));
      const claims = await Promise.allSettled([claimReportFolder(dir), claimReportFolder(dir), claimReportFolder(dir)]);
      expect(claims.filter((c) => c.status === "fulfilled"), `trial ${trial}`).toHaveLength(1);
    }
  });

  it("a folder holding files the suite did not write is refused, and nothing in it is touched", async () => {
    const dir = join(base, "mine");
    await mkdir(join(dir, "html"), { recursive: true });
    await writeFile(join(dir, "html", "my-notes.txt"), "keep me");
    await writeFile(join(dir, "playwright.config.ts"), "export default {}");
    const run = await runCli(["--target", "http://127.0.0.1:1", "--report-dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/holds files lg-webhook-conformance did not write \((html\/my-notes\.txt, playwright\.config\.ts|playwright\.config\.ts, html\/my-notes\.txt)\)/);
    expect(await readFile(join(dir, "html", "my-notes.txt"), "utf8")).toBe("keep me");
  });

  it("a run that stops at the preflight leaves no earlier junit.xml or results.json behind", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const dir = join(base, "stale");
    try {
      expect((await runCli(["--target", target.url, "--only", "thread-run", "--report-dir", dir, ...QUICK])).code).toBe(0);
      expect((await stat(join(dir, "junit.xml"))).size).toBeGreaterThan(0);
    } finally {
      await target.close();
    }
    const failed = await runCli(["--target", "http://127.0.0.1:1", "--report-dir", dir]);
    expect(failed.code).toBe(3);
    // Only the word that this run has no verdict (issue 21): nothing of the earlier run's.
    expect((await readdir(dir)).filter((f) => ["junit.xml", "results.json", "html", "blob", "test-results"].includes(f))).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, "certification.json"), "utf8"))).toMatchObject({ verdict: null, exitCode: 3 });
  });

  it("a stop during the final cleanup writes no verdict, only that there is none", { timeout: 90_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    let sweeping: () => void = () => undefined;
    const sawSweep = new Promise<void>((resolve) => (sweeping = resolve));
    // A proxy that holds the final sweep's thread search for a while, so the stop lands during it.
    const upstream = new URL(target.url);
    const proxy = createServer((req, res) => {
      const held = req.url === "/threads/search" ? 3_000 : 0;
      if (held > 0) sweeping();
      setTimeout(() => {
        const out = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        req.pipe(out);
      }, held);
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const dir = join(base, "late-stop");
    try {
      const cli = await startCliUntil(["--target", `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, "--only", "thread-run", "--report-dir", dir, ...QUICK], () => true);
      await sawSweep;
      expect(await cli.stop("SIGINT")).toBe(130);
      expect(JSON.parse(await readFile(join(dir, "certification.json"), "utf8"))).toMatchObject({ verdict: null, exitCode: 130, reason: "the run was stopped (SIGINT) before its cases finished" });
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
      await target.close();
    }
  });
});
