import { afterAll, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonical, check, seal } from "../src/report/integrity.js";
import { runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function keys() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

describe("integrity of certification.json", () => {
  it("canonical JSON sorts keys at every depth", () => {
    expect(canonical({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it("a sealed report verifies; one changed value does not", () => {
    const report: Record<string, unknown> = { verdict: "conformant", summary: { passed: 3 } };
    report.integrity = seal(report);
    expect(check(report)).toEqual({ ok: true });
    const tampered = { ...report, verdict: "non-conformant" };
    expect(check(tampered)).toMatchObject({ ok: false, reason: expect.stringMatching(/content changed/) as string });
  });

  it("a signature holds only for the key that made it", () => {
    const signer = keys();
    const other = keys();
    const report: Record<string, unknown> = { verdict: "conformant" };
    report.integrity = seal(report, signer.privatePem);
    expect(check(report, signer.publicPem)).toMatchObject({ ok: true, signedBy: expect.stringMatching(/^[0-9a-f]{16}$/) as string });
    expect(check(report, other.publicPem)).toMatchObject({ ok: false, reason: expect.stringMatching(/not by the given key/) as string });
  });
});

describe("--sign-key, verify and --json with the built CLI", () => {
  it("signs the report, verify says who signed it, and one edited byte makes verify fail", { timeout: 60_000 }, async () => {
    const target = await startTestTarget();
    try {
      const dir = await mkdtemp(join(tmpdir(), "lgwc-sign-"));
      const keyDir = await mkdtemp(join(tmpdir(), "lgwc-keys-"));
      dirs.push(dir, keyDir);
      const signer = keys();
      // Keys live apart from the report folder, which holds only what the suite writes.
      await writeFile(join(keyDir, "key.pem"), signer.privatePem);
      await writeFile(join(keyDir, "pub.pem"), signer.publicPem);
      const run = await runCli(["--target", target.url, "--only", "thread-run", "--settle-ms", "300", "--report-dir", dir, "--sign-key", join(keyDir, "key.pem"), "--json"]);
      expect(run.code, run.stderr).toBe(0);
      // --json: stdout is the report and nothing else.
      const printed = JSON.parse(run.stdout) as { verdict: string };
      expect(printed.verdict).toBe("conformant");
      expect(run.stderr).toMatch(/Verdict: conformant \(partial\)/);
      const file = join(dir, "certification.json");
      const good = await runCli(["verify", file, "--public-key", join(keyDir, "pub.pem")]);
      expect(good.code).toBe(0);
      expect(good.stdout).toMatch(/intact, signed with Ed25519 key [0-9a-f]{16}\./);

      const text = await readFile(file, "utf8");
      const at = text.indexOf('"conformant"') + 2;
      await writeFile(file, `${text.slice(0, at)}${text[at] === "o" ? "0" : "o"}${text.slice(at + 1)}`);
      const bad = await runCli(["verify", file]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/NOT intact: its content changed after it was written/);
      expect(await readFile(join(dir, "badge.svg"), "utf8")).toMatch(/webhooks: conformant \(partial\) 1\/1/);

      // Review 17: a key given twice, the forged one first, reads differently to a parser that keeps the first.
      const forged = text.replace(/^\{/, '{"verdict":"non-conformant",');
      expect(forged).not.toBe(text);
      await writeFile(file, forged);
      const twice = await runCli(["verify", file, "--public-key", join(keyDir, "pub.pem")]);
      expect(twice.stdout).toMatch(/NOT intact: it gives the key "verdict" twice in one object/);
      expect(twice.code).toBe(1);
    } finally {
      await target.close();
    }
  });

  it("refuses a signing key that is not Ed25519 before running anything", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lgwc-sign-"));
    dirs.push(dir);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await writeFile(join(dir, "rsa.pem"), rsa);
    const run = await runCli(["--target", "http://127.0.0.1:9", "--sign-key", join(dir, "rsa.pem")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is a rsa key; certification reports are signed with Ed25519/);
  });
});
