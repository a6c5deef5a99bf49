import { cleanupCommand, describeLeftovers } from "../conductor/leftovers.js";
import { ConformanceError, describeError } from "../errors.js";
import { exitCodeFor, EXIT } from "./exit-code.js";
import { parseCommandLine, secretsOf } from "./args.js";
import { HELP } from "./help.js";
import { cleanup } from "./cleanup.js";
import { verifyCommand } from "./verify.js";
import { mergeCommand } from "./merge.js";
import { installServerCommand } from "./install-server.js";
import { serveLocalCommand } from "./serve-local.js";
import { certify, noVerdictNow, release, suiteVersion, type Resources } from "./certify.js";
import { Redactor } from "../report/redact.js";
import { inert } from "../text.js";
import { didYouMean } from "./did-you-mean.js";
import { usageError } from "../errors.js";

const COMMANDS = ["cleanup", "verify", "merge", "install-server", "serve-local"];

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** After Ctrl-C or SIGTERM, the run has this long to delete what it made before the process ends anyway. */
const STOP_GRACE_MS = 30_000;
/** A second signal this soon after the first is the same stop delivered twice, not an impatient second Ctrl-C. */
const SAME_STOP_MS = 1_000;
/** How long Playwright's runner may take to stop by itself after Ctrl-C. */
const CHILD_GRACE_MS = 5_000;

/** The command that finds what this run left: everything it creates carries its tag. */
function cleanupHint(resources: Resources): string {
  return `Run \`${resources.cleanupCommand ?? cleanupCommand(resources.runTag)}\` to delete it.`;
}

function leftBehind(resources: Resources): string {
  // The run tag is chosen before anything is created: without one, the run made nothing.
  if (resources.runTag === undefined) return "Nothing was created on the target.";
  const known = resources.conductor?.leftNow();
  return `${known === undefined ? "Anything the run created may remain on the target." : `Left on the target: ${known}, and whatever create calls under way make.`} ${cleanupHint(resources)}`;
}

const signalExit = (signal: NodeJS.Signals): number => 128 + (signal === "SIGINT" ? 2 : 15);

/** Runs the command; never throws. Returns the exit status (or, on a stuck stop, exits the process itself). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io, startup: { early(): NodeJS.Signals | undefined } = { early: () => undefined }): Promise<number> {
  const redactor = new Redactor();
  const resources: Resources = { redactor };
  // Everything the suite prints passes the redactor, which learns each secret as soon as it is known.
  const out: Io = { stdout: (text) => io.stdout(inert(redactor.text(text))), stderr: (text) => io.stderr(inert(redactor.text(text))) };
  let interrupted: NodeJS.Signals | undefined;
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    // One stop often arrives twice at once: `timeout` and a terminal signal the process and then its whole group.
    if (interrupted && Date.now() - firstSignalAt < SAME_STOP_MS) return;
    if (interrupted) {
      // A second Ctrl-C: the user will not wait for the cleanup, but learns what it leaves.
      out.stderr(`Received ${signal} again: exiting now. ${leftBehind(resources)}\n`);
      noVerdictNow(resources, { exitCode: signalExit(interrupted), reason: `the run was stopped (${interrupted}, then ${signal} again) before its cases finished, and exited before its cleanup did` });
      process.exit(signalExit(interrupted));
    }
    interrupted = signal;
    firstSignalAt = Date.now();
    resources.stopped = true;
    out.stderr(`\nReceived ${signal}: stopping the run and cleaning up …\n`);
    // No wait may hold the process after a stop was asked for (a file system call that never returns, a stuck target).
    setTimeout(() => {
      out.stderr(`The cleanup did not finish within ${STOP_GRACE_MS / 1000} s: exiting. ${leftBehind(resources)}\n`);
      noVerdictNow(resources, { exitCode: signalExit(signal), reason: `the run was stopped (${signal}) before its cases finished, and its cleanup did not finish within ${STOP_GRACE_MS / 1000} s` });
      process.exit(signalExit(signal));
    }, STOP_GRACE_MS).unref();
    const child = resources.child;
    child?.kill("SIGINT");
    // Playwright's runner waits on its workers' graceful end, which a case's long settle window can hold for the
    // whole grace period: past a few seconds it is ended outright, so the stop can still write that there is no verdict.
    if (child) setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"), CHILD_GRACE_MS).unref();
    // Playwright's workers wait on the control server for results that may be minutes away: closing it ends those waits now.
    void resources.control?.close().catch(() => undefined);
    resources.interrupt?.();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A stop that came while the modules loaded is a stop all the same: the run ends as any stopped run does.
  const early = startup.early();
  if (early !== undefined) onSignal(early);
  try {
    if (argv[0] === "cleanup") return await cleanup(argv.slice(1), env, out, redactor, () => interrupted !== undefined);
    if (argv[0] === "verify") return await verifyCommand(argv.slice(1), out);
    if (argv[0] === "merge") return await mergeCommand(argv.slice(1), out);
    if (argv[0] === "install-server") return await installServerCommand(argv.slice(1), env, out);
    if (argv[0] === "serve-local") return await serveLocalCommand(argv.slice(1), out, resources, new Promise<void>((stop) => (resources.interrupt = stop)));
    // A word where a command goes that is none: most likely a mistyped one.
    if (argv[0] !== undefined && !argv[0].startsWith("-")) {
      throw usageError(`${argv[0]} is not a command.${didYouMean(argv[0], COMMANDS)} (Commands: ${COMMANDS.join(", ")}; a run takes --target URL or --local.)`);
    }
    const parsed = parseCommandLine(argv, env);
    if (parsed.kind === "help") {
      out.stdout(HELP);
      return exitCodeFor({ kind: "help" });
    }
    if (parsed.kind === "version") {
      out.stdout(`${suiteVersion().version}\n`);
      return exitCodeFor({ kind: "help" });
    }
    for (const secret of secretsOf(parsed.options)) redactor.add(secret);
    resources.commandLine = argv;
    const code = await certify(argv, parsed.options, out, resources, () => interrupted !== undefined);
    if (interrupted) {
      resources.ending = { exitCode: signalExit(interrupted), reason: `the run was stopped (${interrupted}) before its cases finished` };
      return resources.ending.exitCode;
    }
    if (parsed.options.preflightOnly) resources.ending = { exitCode: code, reason: "--preflight-only: the preflight passed, and no case ran" };
    return code;
  } catch (error) {
    if (interrupted) {
      resources.ending = { exitCode: signalExit(interrupted), reason: `the run was stopped (${interrupted}) before its cases finished` };
      return resources.ending.exitCode;
    }
    if (error instanceof ConformanceError) {
      out.stderr(`lg-webhook-conformance: ${error.message} [${error.code}]\n`);
      resources.ending = { exitCode: exitCodeFor({ kind: "error", code: error.code }), reason: redactor.text(error.message) };
      return resources.ending.exitCode;
    }
    out.stderr(`lg-webhook-conformance: internal error: ${describeError(error)} [LGWC_INTERNAL]\n`);
    resources.ending = { exitCode: EXIT.internal, reason: redactor.text(`the suite failed (internal error: ${describeError(error)})`) };
    return EXIT.internal;
  } finally {
    const left = await release(resources);
    // After a stop or an error no report says what the cleanup could not do: the terminal does.
    if (left.length > 0 && resources.leftoversSaid !== true) out.stderr(describeLeftovers(left, resources.cleanupCommand ?? cleanupCommand(resources.runTag)));
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
