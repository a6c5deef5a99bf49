import { parseArgs } from "node:util";
import { usageError } from "../errors.js";
/** Parses a subcommand's flags (every one accepts -h/--help); a bad flag is one sentence pointing at its help. */
export function parseSubcommand(name, argv, options) {
    try {
        return parseArgs({
            args: [...argv],
            options: { ...options, help: { type: "boolean", short: "h" } },
            strict: true,
            allowPositionals: true,
        });
    }
    catch (error) {
        // Node's parser adds advice about "--" that does not apply here: keep its first sentence.
        const message = error instanceof Error ? error.message.split("\n")[0].split(". ")[0].replace(/\.$/, "") : String(error);
        throw usageError(`${message}; run ${name} --help.`);
    }
}
