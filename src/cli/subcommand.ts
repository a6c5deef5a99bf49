import { parseArgs, type ParseArgsConfig } from "node:util";
import { usageError } from "../errors.js";
import { didYouMean } from "./did-you-mean.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses a subcommand's flags (every one accepts -h/--help); a bad flag is one sentence pointing at its help. */
export function parseSubcommand<T extends Options>(name: string, argv: readonly string[], options: T) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    // Node's parser adds advice about "--" that does not apply here: keep its first sentence.
    const message = error instanceof Error ? error.message.split("\n")[0]!.split(". ")[0]!.replace(/\.$/, "") : String(error);
    const unknownFlag = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
    const guess = unknownFlag === undefined ? "" : didYouMean(unknownFlag, [...Object.keys(options), "help"].map((flag) => `--${flag}`));
    throw usageError(guess ? `${message}.${guess} (Run ${name} --help.)` : `${message}; run ${name} --help.`);
  }
}
