import { readFile } from "node:fs/promises";
import { ConformanceError, usageError } from "../errors.js";
import { check } from "../report/integrity.js";
import type { Io } from "./main.js";
import { parseSubcommand } from "./subcommand.js";

export const VERIFY_HELP = `lg-webhook-conformance verify: say whether a certification.json is intact and who signed it.

Usage:
  lg-webhook-conformance verify FILE [--public-key FILE]

Recomputes the SHA-256 over the report's canonical content and checks the Ed25519 signature,
against the public key in the report or, with --public-key, against the key you trust.

Exit codes: 0 intact (and, if signed, the signature holds); 1 not intact or not signed as
required; 2 usage error or a file that cannot be read.
`;

async function read(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new ConformanceError("LGWC_CONFIG", `Cannot read ${what} ${path}: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

export async function verifyCommand(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseSubcommand("verify", argv, { "public-key": { type: "string" } });
  if (parsed.values.help) {
    io.stdout(VERIFY_HELP);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) throw usageError("verify takes exactly one certification.json to check.");
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(await read(file, "the report")) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConformanceError) throw error;
    io.stdout(`${file}: NOT intact: it is not JSON.\n`);
    return 1;
  }
  const key = parsed.values["public-key"] === undefined ? undefined : await read(parsed.values["public-key"], "the public key");
  let result;
  try {
    result = check(report, key);
  } catch (error) {
    throw new ConformanceError("LGWC_CONFIG", `The public key cannot be used: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (!result.ok) {
    io.stdout(`${file}: NOT intact: ${result.reason}.\n`);
    return 1;
  }
  io.stdout(`${file}: intact${result.signedBy ? `, signed with Ed25519 key ${result.signedBy}` : ", not signed"}.\n`);
  return 0;
}
