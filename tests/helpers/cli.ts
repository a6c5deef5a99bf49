import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const BIN = join(ROOT, "dist", "src", "cli", "bin.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, bounded in time. */
export function runCli(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the CLI did not finish within ${options.timeoutMs ?? 120_000} ms; stderr so far:\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningCli {
  pid: number;
  /** Everything the CLI wrote on stderr so far. */
  stderr(): string;
  stdout(): string;
  /** Settles with the exit code when the CLI ends by itself. */
  exited: Promise<number | null>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the built CLI and resolves once its stderr matches `ready` (or rejects when it ends
 * first), so a test can interrupt it at a known point.
 */
export function startCliUntil(args: string[], ready: (stderr: string) => boolean, env: NodeJS.ProcessEnv = {}, readyOut: (stdout: string) => boolean = () => false): Promise<RunningCli> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let stderr = "";
  let stdout = "";
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  let said = false;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!said && (ready(stderr) || readyOut(stdout))) {
        said = true;
        resolve({
          pid: child.pid!,
          stderr: () => stderr,
          stdout: () => stdout,
          exited: closed,
          stop: (signal) => {
            child.kill(signal);
            return closed;
          },
        });
      }
    };
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      check();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      check();
    });
    void closed.then(() => reject(new Error(`the CLI ended before it was ready:\n${stderr}`)));
  });
}

/** Unset (a child ignores undefined), so no proxy of the machine's reaches the CLI. */
export const NO_PROXY_ENV = { HTTP_PROXY: undefined, HTTPS_PROXY: undefined, http_proxy: undefined, https_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined };

/** Spawns the CLI; resolves with its exit code, or "killed" when it had to be killed (still running at `killAtMs`, or over `maxRssMb`). */
export function boundedRun(args: string[], options: { sigintAtMs?: number; killAtMs: number; maxRssMb: number }): Promise<{ code: number | null | "killed"; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...NO_PROXY_ENV } });
    let stderr = "";
    let killed = false;
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const kill = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killed = true;
      child.kill("SIGKILL");
    };
    const watch = setInterval(() => {
      try {
        const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
        if (rss > options.maxRssMb) kill();
      } catch {
        // gone
      }
    }, 100);
    const sigint = options.sigintAtMs === undefined ? undefined : setTimeout(() => child.kill("SIGINT"), options.sigintAtMs);
    const timer = setTimeout(kill, options.killAtMs);
    child.once("close", (code) => {
      clearInterval(watch);
      clearTimeout(timer);
      if (sigint) clearTimeout(sigint);
      resolve({ code: killed ? "killed" : code, stderr });
    });
  });
}

