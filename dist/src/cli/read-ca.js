import { readFileSync } from "node:fs";
import { ConformanceError, describeError } from "../errors.js";
/** The certificate(s) --ca names, read before anything is sent: a file that is missing or holds no PEM certificate is the user's to fix. */
export function readCa(path) {
    let text;
    try {
        text = readFileSync(path, "utf8");
    }
    catch (error) {
        throw new ConformanceError("LGWC_CONFIG", `Cannot read --ca ${path}: ${describeError(error)}.`);
    }
    if (!text.includes("-----BEGIN CERTIFICATE-----")) {
        throw new ConformanceError("LGWC_CONFIG", `--ca ${path} holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----); give the CA certificate the target's TLS certificate is signed by, in PEM.`);
    }
    return text;
}
