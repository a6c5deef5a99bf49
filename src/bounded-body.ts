/** Reads a body to its end, refusing more than `maxBytes`; the caller bounds the time. */
export async function readCapped(body: AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => unknown }, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
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
  constructor(readonly maxBytes: number) {
    super(`its body is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`);
  }
}
