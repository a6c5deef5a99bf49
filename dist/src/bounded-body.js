/** Reads a body to its end, refusing more than `maxBytes`; the caller bounds the time. */
export async function readCapped(body, maxBytes) {
    const chunks = [];
    let size = 0;
    for await (const chunk of body) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        size += bytes.length;
        if (size > maxBytes) {
            body.destroy?.();
            throw new BodyTooLarge(maxBytes);
        }
        chunks.push(bytes);
    }
    return Buffer.concat(chunks);
}
export class BodyTooLarge extends Error {
    maxBytes;
    constructor(maxBytes) {
        super(`its body is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`);
        this.maxBytes = maxBytes;
    }
}
