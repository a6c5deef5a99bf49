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

function variants(secret: string): string[] {
  const forms = new Set([secret]);
  try {
    forms.add(decodeURIComponent(secret));
  } catch {
    // Not percent-encoded text: the raw form is all there is.
  }
  forms.add(encodeURIComponent(secret));
  forms.add(JSON.stringify(secret).slice(1, -1));
  return [...forms].filter((form) => form.length >= 4);
}

/** Knows every secret of a run and removes them from any text or JSON value before it is written. */
export class Redactor {
  private readonly replacements: [string, string][];

  constructor(secrets: readonly string[]) {
    const pairs: [string, string][] = [];
    for (const secret of secrets) {
      if (secret.length < 4) continue;
      const stand = fingerprint(secret);
      for (const form of variants(secret)) pairs.push([form, stand]);
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.replacements = pairs.sort((a, b) => b[0].length - a[0].length);
  }

  text(value: string): string {
    let out = value;
    for (const [secret, stand] of this.replacements) out = out.split(secret).join(stand);
    return redactToken(out);
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
