import { X509Certificate } from "node:crypto";
import { ConformanceError } from "../errors.js";
import { readFlagFile } from "./read-flag-file.js";

const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificate(s) --ca names, each one read as a certificate before anything is sent: a file that holds none is the user's to fix. */
export async function readCa(path: string): Promise<string> {
  const text = await readFlagFile("--ca", path);
  const blocks = text.match(BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new ConformanceError("LGWC_CONFIG", `--ca ${path} holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----); give the CA certificate the target's TLS certificate is signed by, in PEM.`);
  }
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new ConformanceError("LGWC_CONFIG", `--ca ${path}: certificate ${i + 1} of ${blocks.length} cannot be read as a certificate (damaged or not base64); give the CA certificate in PEM.`);
    }
  });
  return text;
}
