import { createHash, createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
/** How certification.json is made canonical before hashing: JSON with keys sorted, no whitespace. */
export const CANONICALIZATION = "json-sorted-keys/1";
export function canonical(value) {
    if (Array.isArray(value))
        return `[${value.map(canonical).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
}
export function digest(report) {
    const content = { ...report };
    delete content.integrity;
    return createHash("sha256").update(canonical(content)).digest("hex");
}
export function keyId(publicKey) {
    return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}
/** Adds the digest, and a signature when a private key is given. */
export function seal(report, privateKeyPem) {
    const sha256 = digest(report);
    const integrity = { canonicalization: CANONICALIZATION, sha256 };
    if (privateKeyPem !== undefined) {
        const privateKey = createPrivateKey(privateKeyPem);
        const publicKey = createPublicKey(privateKey);
        integrity.signature = {
            algorithm: "Ed25519",
            publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
            keyId: keyId(publicKey),
            value: sign(null, Buffer.from(sha256, "hex"), privateKey).toString("base64"),
        };
    }
    return integrity;
}
/** Checks the digest and, if signed, the signature (against `trustedPublicKeyPem` when given). */
export function check(report, trustedPublicKeyPem) {
    const integrity = report.integrity;
    if (!integrity || typeof integrity.sha256 !== "string")
        return { ok: false, reason: "it has no integrity field, so nothing vouches for it" };
    if (integrity.canonicalization !== CANONICALIZATION)
        return { ok: false, reason: `it uses an unknown canonicalization (${String(integrity.canonicalization)})` };
    const actual = digest(report);
    if (actual !== integrity.sha256)
        return { ok: false, reason: `its content changed after it was written (SHA-256 ${actual.slice(0, 16)}…, recorded ${integrity.sha256.slice(0, 16)}…)` };
    const signature = integrity.signature;
    if (!signature) {
        return trustedPublicKeyPem === undefined ? { ok: true } : { ok: false, reason: "it is not signed, but a public key was given to check a signature against" };
    }
    let embedded;
    try {
        embedded = createPublicKey(String(signature.publicKey));
    }
    catch {
        return { ok: false, reason: "its signature carries a public key that cannot be read" };
    }
    // The report says Ed25519; a signature made with any other kind of key is not what it claims.
    if (signature.algorithm !== "Ed25519" || embedded.asymmetricKeyType !== "ed25519") {
        return { ok: false, reason: `its signature claims Ed25519 but was made with a ${embedded.asymmetricKeyType ?? "unknown"} key` };
    }
    if (trustedPublicKeyPem !== undefined) {
        const trusted = createPublicKey(trustedPublicKeyPem);
        if (keyId(trusted) !== keyId(embedded))
            return { ok: false, reason: `it was signed by key ${keyId(embedded)}, not by the given key ${keyId(trusted)}` };
    }
    let valid = false;
    try {
        valid = verify(null, Buffer.from(integrity.sha256, "hex"), embedded, Buffer.from(String(signature.value), "base64"));
    }
    catch {
        valid = false;
    }
    if (!valid)
        return { ok: false, reason: "its signature does not match its content" };
    return { ok: true, signedBy: keyId(embedded) };
}
