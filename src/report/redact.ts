import { createHash } from "node:crypto";

/** A short, stable stand-in for a secret: enough to tell two apart, useless to an attacker. */
export function fingerprint(secret: string): string {
  return `REDACTED-${createHash("sha256").update(secret).digest("hex").slice(0, 8)}`;
}

const TOKEN_PARAM = /([?&]token=)([^&\s"'#<>]*)/g;

/** Replaces the value of every token query parameter in a text with its fingerprint. */
export function redactToken(text: string): string {
  return text.replace(TOKEN_PARAM, (_match, prefix: string, value: string) =>
    value === "" || value.startsWith("REDACTED-") ? `${prefix}${value}` : `${prefix}${fingerprint(value)}`,
  );
}

/** Shorter forms than this are not replaced: they would match ordinary text. */
const MIN_FORM = 6;

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * The forms in which a secret can travel through the suite's output and a target's echo of it:
 * as written, percent-decoded, percent-encoded (once and twice, and as a form field), escaped
 * inside a JSON string, and base64 (as in a Basic credential or an attachment).
 */
export function secretForms(secret: string): string[] {
  const bases = new Set([secret]);
  const plain = decoded(secret);
  if (plain !== undefined) bases.add(plain);
  const forms = new Set<string>();
  for (const base of bases) {
    const once = encodeURIComponent(base);
    for (const form of [base, once, encodeURIComponent(once), once.replace(/%20/g, "+"), base.replace(/\+/g, " ")]) {
      forms.add(form);
      forms.add(JSON.stringify(form).slice(1, -1));
    }
    forms.add(Buffer.from(base).toString("base64"));
    forms.add(Buffer.from(base).toString("base64url"));
  }
  return [...forms].filter((form) => form.length >= MIN_FORM);
}

/**
 * Knows every secret of a run (the API key, header values, credentials in --target, and each
 * webhook token as it is handed out) and removes them from any text or JSON value before it is
 * written or printed.
 */
export class Redactor {
  private replacements: [string, string][] = [];
  private readonly known = new Set<string>();
  /** Distinctive pieces of tokens, by length: found by a scan of the text, so thousands of tokens cost no more than one. */
  private readonly pieces = new Map<number, Map<string, string>>();

  constructor(secrets: readonly string[] = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Learns a secret such as an API key; every later text is cleaned of it in each of its forms. */
  add(secret: string): void {
    if (secret.length < 4 || this.known.has(secret)) return;
    this.known.add(secret);
    const stand = fingerprint(secret);
    const pairs = secretForms(secret).map((form): [string, string] => [form, stand]);
    // Longest first, so a secret that contains another is replaced whole.
    this.replacements = [...this.replacements, ...pairs].sort((a, b) => b[0].length - a[0].length);
  }

  /**
   * Learns a webhook token by its random, alphanumeric pieces: they survive every encoding of the
   * URL (percent-encoding, JSON, a decoder turning %2B into + or a space), so finding them finds
   * the token however a target echoes it.
   */
  addToken(token: string, pieces: readonly string[]): void {
    const stand = fingerprint(token);
    for (const piece of pieces) {
      if (!/^[A-Za-z0-9]{8,}$/.test(piece)) continue;
      const byLength = this.pieces.get(piece.length) ?? new Map<string, string>();
      byLength.set(piece, stand);
      this.pieces.set(piece.length, byLength);
    }
  }

  text(value: string): string {
    let out = value;
    for (const [secret, stand] of this.replacements) if (out.includes(secret)) out = out.split(secret).join(stand);
    out = redactToken(out);
    if (this.pieces.size === 0) return out;
    return out.replace(/[A-Za-z0-9]{8,}/g, (run) => this.withoutPieces(run));
  }

  /** A run of letters and digits with every known token piece in it replaced. */
  private withoutPieces(run: string): string {
    let out = "";
    let at = 0;
    scan: while (at < run.length) {
      for (const [length, byLength] of this.pieces) {
        const stand = at + length <= run.length ? byLength.get(run.slice(at, at + length)) : undefined;
        if (stand === undefined) continue;
        out += stand;
        at += length;
        continue scan;
      }
      out += run[at];
      at += 1;
    }
    return out;
  }

  deep<T>(value: T): T {
    if (typeof value === "string") return this.text(value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => this.deep(item)) as T;
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.deep(v)])) as T;
    }
    return value;
  }
}
