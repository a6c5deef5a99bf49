import { spawn } from "node:child_process";

export interface SuiteRun {
  /** The exit status, or 128 + the signal's number when the suite was killed. */
  code: number;
  /** The end of what the suite wrote on stderr, where its one closing sentence is. */
  stderrTail: string;
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 };
const TAIL_BYTES = 16_384;

/**
 * Runs the suite's CLI with the step's output passed through as it comes, and the API key in
 * the environment only (a flag would show in `ps` on the runner). A cancelled job's signal is
 * passed on, so the suite still deletes what it made.
 */
export function runSuite(bin: string, argv: readonly string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): Promise<SuiteRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...argv], { env, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    child.stdout.pipe(out, { end: false });
    // Both streams go to stdout: the runner reads stdout and stderr apart, so stderr's last lines could
    // otherwise be read after the quiet span ends, where a target's echo would be a command.
    child.stderr.on("data", (chunk: Buffer) => {
      out.write(chunk);
      tail = (tail + chunk.toString("utf8")).slice(-TAIL_BYTES);
    });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve({ code: code ?? 128 + (signal ? (SIGNALS[signal] ?? 1) : 1), stderrTail: tail });
    });
  });
}

/** The suite ends a run without a verdict with one line: "lg-webhook-conformance: <sentence> [CODE]". */
export function closingSentence(stderrTail: string): string | undefined {
  const lines = stderrTail.split(/\r?\n/).filter((line) => line.startsWith("lg-webhook-conformance: "));
  const last = lines.at(-1);
  return last?.slice("lg-webhook-conformance: ".length).trim();
}
