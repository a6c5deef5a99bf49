import { readFile } from "node:fs/promises";
import { readFlagFile } from "./read-flag-file.js";
import { createPublicKey } from "node:crypto";
import { sealedTextProblem } from "../json-duplicates.js";
import { ConformanceError, usageError } from "../errors.js";
import { check } from "../report/integrity.js";
import { parseSubcommand } from "./subcommand.js";
export const VERIFY_HELP = `lg-webhook-conformance verify: say whether a certification.json is intact and who signed it.

Usage:
  lg-webhook-conformance verify FILE [--public-key FILE]

Recomputes the SHA-256 over the report's canonical content and checks the Ed25519 signature,
against the public key in the report or, with --public-key, against the key you trust.

Exit codes: 0 intact (and, if signed, the signature holds); 1 not intact or not signed as
required; 2 usage error or a file that cannot be read.
`;
async function read(path, what) {
    try {
        return await readFile(path, "utf8");
    }
    catch (error) {
        throw new ConformanceError("LGWC_CONFIG", `Cannot read ${what} ${path}: ${error instanceof Error ? error.message : String(error)}.`);
    }
}
/** A --public-key that is not an Ed25519 public key is the user's mistake, said before any report is judged. */
function usablePublicKey(pem, path) {
    let type;
    try {
        type = createPublicKey(pem).asymmetricKeyType;
    }
    catch (error) {
        throw new ConformanceError("LGWC_CONFIG", `--public-key ${path} is not a PEM public key (${error instanceof Error ? error.message : String(error)}); export one with \`openssl pkey -in key.pem -pubout\`.`);
    }
    if (type !== "ed25519")
        throw new ConformanceError("LGWC_CONFIG", `--public-key ${path} is a ${type ?? "unknown"} key; certification reports are signed with Ed25519.`);
}
export async function verifyCommand(argv, io) {
    const parsed = parseSubcommand("verify", argv, { "public-key": { type: "string" } });
    if (parsed.values.help) {
        io.stdout(VERIFY_HELP);
        return 0;
    }
    const [file, ...extra] = parsed.positionals;
    if (file === undefined || extra.length > 0)
        throw usageError("verify takes exactly one certification.json to check.");
    let report;
    let text;
    try {
        text = await read(file, "the report");
        report = JSON.parse(text);
    }
    catch (error) {
        if (error instanceof ConformanceError)
            throw error;
        throw new ConformanceError("LGWC_CONFIG", `${file} is not JSON, so it is not a certification.json; give the file a run or merge wrote.`);
    }
    // The seal covers what JSON.parse kept: a key given twice, or a number another reader reads
    // otherwise, lets that reader see another report than the one sealed.
    const ambiguous = sealedTextProblem(text);
    if (ambiguous !== undefined) {
        io.stdout(`${file}: NOT intact: ${ambiguous}.\n`);
        return 1;
    }
    if (report === null || typeof report !== "object" || Array.isArray(report)) {
        throw new ConformanceError("LGWC_CONFIG", `${file} is JSON but not a certification (a JSON object); give the file a run or merge wrote.`);
    }
    const key = parsed.values["public-key"] === undefined ? undefined : await readFlagFile("--public-key", parsed.values["public-key"]);
    if (key !== undefined)
        usablePublicKey(key, parsed.values["public-key"]);
    // A JSON object that carries neither a verdict nor a seal is some other file (a package.json), not a broken certification.
    if (!("verdict" in report) && !("integrity" in report)) {
        throw new ConformanceError("LGWC_CONFIG", `${file} is JSON but not a certification (it has no verdict and no integrity); give the file a run or merge wrote.`);
    }
    const result = check(report, key);
    if (!result.ok) {
        io.stdout(`${file}: NOT intact: ${result.reason}.\n`);
        return 1;
    }
    io.stdout(`${file}: intact${result.signedBy ? `, signed with Ed25519 key ${result.signedBy}` : ", not signed"}.\n`);
    return 0;
}
