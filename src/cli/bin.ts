#!/usr/bin/env node
// A Ctrl-C while the suite's modules still load (a few hundred ms) would otherwise end the process
// before it could say the folder holds no verdict of this run: it is held here and handed to main().
const early: NodeJS.Signals[] = [];
const hold = (signal: NodeJS.Signals): void => void early.push(signal);
process.on("SIGINT", hold);
process.on("SIGTERM", hold);
const { main } = await import("./main.js");
const { killLocalTargetsNow } = await import("../local/local.js");

// The embedded server runs in a process group of its own; whatever way this process ends
// (short of SIGKILL), that group must not outlive it.
process.on("exit", killLocalTargetsNow);

// A promise that rejects with no handler is a bug in the suite: say so in one line and exit 4.
process.on("unhandledRejection", (reason) => {
  process.stderr.write(
    `lg-webhook-conformance: internal error: ${reason instanceof Error ? reason.message : String(reason)} [LGWC_INTERNAL]\n`,
  );
  process.exit(4);
});

const code = await main(
  process.argv.slice(2),
  process.env,
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
  {
    early: (): NodeJS.Signals | undefined => {
      process.off("SIGINT", hold);
      process.off("SIGTERM", hold);
      return early[0];
    },
  },
);
// Exit now: after an interrupt, abandoned waits must not keep the process alive.
process.exit(code);
