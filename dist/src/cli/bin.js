#!/usr/bin/env node
import { main } from "./main.js";
import { killLocalTargetsNow } from "../local/local.js";
// The embedded server runs in a process group of its own; whatever way this process ends
// (short of SIGKILL), that group must not outlive it.
process.on("exit", killLocalTargetsNow);
// A promise that rejects with no handler is a bug in the suite: say so in one line and exit 4.
process.on("unhandledRejection", (reason) => {
    process.stderr.write(`lg-webhook-conformance: internal error: ${reason instanceof Error ? reason.message : String(reason)} [LGWC_INTERNAL]\n`);
    process.exit(4);
});
const code = await main(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
});
// Exit now: after an interrupt, abandoned waits must not keep the process alive.
process.exit(code);
