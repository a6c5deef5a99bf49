import { describe, expect, it } from "vitest";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { startTestTarget } from "../fixtures/test-target/server.js";
import { startCliUntil } from "./helpers/cli.js";
import { startSink } from "../src/sink/server.js";

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), "lgwc-r25b-"));

describe("review 25b finding A: stray previews of concurrent requests are charged to no budget", () => {
  it("1,000 concurrent never-ending strays of 2,048 one-byte chunks each hold far more heap than the 1 MiB budget", { timeout: 90_000 }, async () => {
    const sink = await startSink({ budgetBytes: 1024 * 1024 });
    const port = Number(new URL(sink.url).port);
    const sockets: net.Socket[] = [];
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    try {
      for (let i = 0; i < 1000; i += 1) {
        const s = net.connect(port, "127.0.0.1");
        s.on("error", () => undefined);
        s.write(`POST /hook/not-handed-out-${i} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`);
        for (let c = 0; c < 2048; c += 64) s.write("1\r\nX\r\n".repeat(64));
        sockets.push(s);
        if (i % 100 === 0) await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 5_000));
      const grown = (process.memoryUsage().heapUsed - before) / 1048576;
      // The sink's byte budget is 1 MiB; each stray's preview is "2 KiB", 1,000 of them 2 MiB. Holding each chunk's view
      // grew the heap by 176-226 MiB; what is left is Node's own cost of 1,000 open requests (about 18 MiB, uncollected garbage included).
      expect(grown, `heap grew by ${grown.toFixed(0)} MiB`).toBeLessThan(64);
    } finally {
      for (const s of sockets) s.destroy();
      await sink.close();
    }
  });
});

describe("review 25b finding B: Ctrl-C during the canary is not honoured until --timeout-ms", () => {
  it("a stop while the canary waits for its webhook holds the process for the whole grace period, then blames the cleanup", { timeout: 90_000 }, async () => {
    const target = await startTestTarget({ faults: ["no-delivery"], cronIntervalMs: 600_000 });
    const dir = await tmp();
    try {
      const cli = await startCliUntil(["--target", target.url, "--report-dir", dir, "--only", "thread-run", "--timeout-ms", "120000"], (e) => e.includes("one canary run"));
      await new Promise((r) => setTimeout(r, 500));
      const started = Date.now();
      const code = await cli.stop("SIGINT");
      const took = Date.now() - started;
      const cert = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as { reason: string };
      // Nothing was waiting on the target but the canary's own wait: the run should end at once (exit 130).
      console.log(`took ${took} ms`, cli.stderr(), cert.reason);
      expect({ took: took < 10_000, code, stderr: cli.stderr(), reason: cert.reason }).toMatchObject({ took: true, code: 130 });
    } finally {
      await target.close();
    }
  });
});

describe("review 25b finding C: a server cache the user cannot write is an internal error (exit 4)", () => {
  it("a run folder that cannot be made beside the cached server is said as such, naming LGWC_CACHE_DIR", async () => {
    const { writeFile } = await import("node:fs/promises");
    const { runFolderIn } = await import("../src/local/local.js");
    // Even root cannot make a folder under a file: the same failure as a cache this user may not write.
    const file = join(await tmp(), "not-a-folder");
    await writeFile(file, "");
    await expect(runFolderIn(join(file, "server-2.0.0"))).rejects.toMatchObject({ code: "LGWC_LOCAL_TARGET", message: expect.stringMatching(/cannot be written \(ENOTDIR\).*LGWC_CACHE_DIR/) as string });
  });

  // Permissions do not bind root, and the suite's own files must be readable by the user it would run as: run where they do.
  it.skipIf(process.getuid?.() === 0)("--local from a read-only cache exits 2 saying what to do", { timeout: 60_000 }, async () => {
    const { mkdir, writeFile, chmod } = await import("node:fs/promises");
    const { runCli } = await import("./helpers/cli.js");
    const root = await tmp();
    // A finished install as install-server leaves it (its mark and the server's command line), made read-only.
    const home = join(root, "cache", "server-2.0.0");
    await mkdir(join(home, "node_modules", "@langchain", "langgraph-cli", "dist", "cli"), { recursive: true });
    await writeFile(join(home, "node_modules", "@langchain", "langgraph-cli", "dist", "cli", "cli.mjs"), "");
    await writeFile(join(home, ".lgwc-complete"), "2026-01-01T00:00:00.000Z\n");
    await chmod(home, 0o555);
    try {
      const run = await runCli(["--local", "--server-version", "2.0.0", "--report-dir", join(root, "r"), "--only", "thread-run", "--no-canary"], { env: { LGWC_CACHE_DIR: join(root, "cache") } });
      // README: 4 is "the suite itself failed to finish (a bug)"; a cache folder it may not write is a configuration problem (2), said as such.
      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot be written \(E(ACCES|ROFS|PERM)\).*LGWC_CACHE_DIR/) as string });
    } finally {
      await chmod(home, 0o755);
    }
  });
});

describe("review 25b finding D: a damaged server cache cannot be repaired with the documented command", () => {
  it("a cache folder with the completion mark but no packages is not taken for an installed server, by --local or install-server", { timeout: 60_000 }, async () => {
    const { mkdir, writeFile } = await import("node:fs/promises");
    const { runCli } = await import("./helpers/cli.js");
    const root = await tmp();
    await mkdir(join(root, "server-2.0.0", "node_modules"), { recursive: true });
    await writeFile(join(root, "server-2.0.0", ".lgwc-complete"), "2026-01-01T00:00:00.000Z\n");
    // An install is tried, and fails at once: the registry is a closed loopback port and npm's cache is empty.
    const env = { LGWC_CACHE_DIR: root, npm_config_registry: "http://127.0.0.1:9/", npm_config_fetch_retries: "0", npm_config_cache: await tmp() };
    const local = await runCli(["--local", "--server-version", "2.0.0", "--report-dir", join(await tmp(), "r"), "--only", "thread-run", "--no-canary"], { env, timeoutMs: 50_000 });
    const install = await runCli(["install-server", "--server-version", "2.0.0"], { env, timeoutMs: 50_000 });
    expect({ local: local.code, localSays: local.stderr, install: install.code, installSays: install.stdout + install.stderr }).toMatchObject({
      local: 2,
      localSays: expect.stringMatching(/Installing the LangGraph API server 2\.0\.0 failed/) as string,
      install: 2,
      installSays: expect.not.stringMatching(/already installed/) as string,
    });
  });
});
