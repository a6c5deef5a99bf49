import { createHmac, randomBytes } from "node:crypto";

/**
 * The key of this process's stand-ins. A plain hash of a short secret could be reversed by trying
 * guesses; keyed with a random key that never leaves the process, a stand-in only tells two
 * secrets of one run apart.
 */
const STAND_KEY = randomBytes(32);

/** A short, stable stand-in for a secret within one run: enough to tell two apart, useless to an attacker. */
export function fingerprint(secret: string): string {
  return `REDACTED-${createHmac("sha256", STAND_KEY).update(secret).digest("hex").slice(0, 8)}`;
}

const TOKEN_PARAM = /([?&]token=)([^&\s"'#<>]*)/g;

/** Replaces the value of every token query parameter in a text with its fingerprint. */
export function redactToken(text: string): string {
  return text.replace(TOKEN_PARAM, (_match, prefix: string, value: string) =>
    value === "" || value.startsWith("REDACTED-") ? `${prefix}${value}` : `${prefix}${fingerprint(value)}`,
  );
}

/**
 * Secrets shorter than this are not looked for: a value such as "1" or "on" cannot be told from
 * ordinary text (the README says so).
 */
export const MIN_SECRET = 4;
/** What a token piece (or its base64 or hex) is made of, and how a text is split to look for them. */
const PIECE = /^[A-Za-z0-9+/_-]+$/;
const RUN_OF_PIECE_CHARACTERS = /[A-Za-z0-9+/_-]{8,}/g;
/** Eight or more percent-escapes in a row: text a client encoded byte by byte. */
const PERCENT_RUN = /(?:%[0-9a-fA-F]{2}){8,}/g;
/** Percent-escapes read as text; a run that is not valid UTF-8 is left as it is. */
function percentDecoded(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    return run;
  }
}
const bytesText = (bytes: number[]): string => Buffer.from(bytes.map((b) => b & 0xff)).toString("latin1");
/**
 * Runs of eight or more bytes written one by one, and how to read them: hex pairs with separators
 * (a dump: "74 6f 6b", "74:6f:6b", lines of pairs), HTML numeric entities, \x escapes, and a
 * decimal byte array (a serialised Buffer).
 */
const BYTE_RUNS: [RegExp, (run: string) => string][] = [
  [PERCENT_RUN, percentDecoded],
  [/(?:[0-9a-fA-F]{2}(?:[ :-]|\s{1,3})){8,}[0-9a-fA-F]{2}/g, (run) => Buffer.from(run.replace(/[^0-9a-fA-F]/g, ""), "hex").toString("latin1")],
  [/(?:&#(?:[xX][0-9a-fA-F]{1,6}|\d{1,7});){8,}/g, (run) => run.replace(/&#([xX]?)([0-9a-fA-F]+);/g, (_m: string, x: string, n: string) => String.fromCodePoint(Math.min(parseInt(n, x ? 16 : 10), 0x10ffff)))],
  [/(?:\\x[0-9a-fA-F]{2}){8,}/g, (run) => bytesText(run.split("\\x").slice(1).map((h) => parseInt(h, 16)))],
  [/\[\s*(?:\d{1,3}\s*,\s*){8,}\d{1,3}\s*\]/g, (run) => bytesText(run.slice(1, -1).split(",").map((d) => Number(d.trim())))],
  // Decimals separated by commas without brackets, and a C array of 0x bytes.
  [/(?:\b\d{1,3}\s*,\s*){8,}\d{1,3}\b/g, (run) => bytesText(run.split(",").map((d) => Number(d.trim())))],
  [/(?:0[xX][0-9a-fA-F]{2}\s*,\s*){8,}0[xX][0-9a-fA-F]{2}/g, (run) => bytesText(run.split(",").map((h) => parseInt(h.trim(), 16)))],
  // xxd's groups of two bytes ("746f 6b65 6e3d").
  [/(?:[0-9a-fA-F]{4}\s{1,3}){4,}[0-9a-fA-F]{2,4}/g, (run) => Buffer.from(run.replace(/[^0-9a-fA-F]/g, ""), "hex").toString("latin1")],
  // Base64 wrapped in lines (MIME's 76 columns, PEM's 64), the breaks raw or JSON-escaped: read joined, where a secret's base64 shows whole.
  // A match starts only where a run of base64 characters starts, and takes the run whole (a lookahead and its
  // backreference cannot give characters back): a long run with no break is passed over in linear time.
  [/(?<![A-Za-z0-9+/])(?=([A-Za-z0-9+/]{8,}))\1(?:(?:\r?\n|\\r\\n|\\n)[A-Za-z0-9+/=]+)+/g, (run) => run.replace(/\r?\n|\\r\\n|\\n/g, "")],
];

/** A JSON escape that hides a character. */
const JSON_ESCAPE = /\\(?:u[0-9a-fA-F]{4}|[nrtbf/\\"])/;

/** At most this many cut marks are looked at in one text: the suite cuts a quote once, at its end. */
const MAX_CUTS_EXAMINED = 16;

/** Base64 and hexadecimal forms shorter than this are not looked for: too likely in other text. */
const MIN_ENCODED = 8;
/** A cut secret is recognised from this many of its first characters before an ellipsis. */
const MIN_CUT = 4;

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function htmlEscaped(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The base64 of a secret as it appears inside a longer base64 text: at each of the three byte
 * alignments, the characters that depend on the secret's bytes alone.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (const offset of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    for (const encoding of ["base64", "base64url"] as const) {
      const text = padded.toString(encoding).replace(/=+$/, "");
      // Characters made from the offset's zero bytes, or from the bytes after the secret, are not the secret's own.
      const from = offset === 0 ? 0 : 4;
      const whole = Math.floor((offset + bytes.length) / 3) * 4;
      cores.push(text.slice(from, whole));
    }
  }
  return cores;
}

/** A value's bytes in base64 (at each alignment) and in hexadecimal. */
function encodedForms(bytes: Buffer): string[] {
  return [...base64Cores(bytes), bytes.toString("hex"), bytes.toString("hex").toUpperCase()];
}

/** The same percent-encoding with its escapes' hex digits in lower case. */
function lowerHexEscapes(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}

/**
 * Percent-encodings of a value as encoders write them: JavaScript's encodeURIComponent, and the
 * strict RFC 3986 form that also escapes ! ' ( ) * (Python's quote with safe="", Go's
 * QueryEscape); each with upper- and lower-case hex, once and twice, and as a form field (+ for a space).
 */
function percentForms(base: string): string[] {
  const once = encodeURIComponent(base);
  const strict = once.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const forms: string[] = [];
  for (const encoded of new Set([once, strict, lowerHexEscapes(once), lowerHexEscapes(strict)])) {
    forms.push(encoded, encodeURIComponent(encoded), encoded.replace(/%20/g, "+"));
  }
  return forms;
}

const hexDigit = (digit: string): string => (/[A-F]/.test(digit) ? `[${digit}${digit.toLowerCase()}]` : digit);

/**
 * A secret however much of it an encoder percent-encoded: each character as itself or as its
 * UTF-8 bytes' escapes (either case of hex), a space also as "+" and a "+" also as a space. Python's
 * quote (which keeps "/"), form encoding and encodeURI each escape a different set of characters;
 * this finds them all. Undefined for a secret of letters and digits alone, which no encoder changes.
 */
export function percentTolerant(secret: string): RegExp | undefined {
  if (/^[A-Za-z0-9]*$/.test(secret)) return undefined;
  const parts = [...secret].map((ch) => {
    const escapes = [...Buffer.from(ch)].map((b) => {
      const hex = b.toString(16).toUpperCase().padStart(2, "0");
      return `%${hexDigit(hex[0]!)}${hexDigit(hex[1]!)}`;
    });
    const alternatives = [ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), escapes.join("")];
    if (ch === " ") alternatives.push("\\+");
    if (ch === "+") alternatives.push(" ");
    return `(?:${alternatives.join("|")})`;
  });
  return new RegExp(parts.join(""), "g");
}

/**
 * The forms in which a secret can travel through the suite's output and a target's echo of it:
 * as written, percent-decoded, percent-encoded (see percentForms), escaped inside a JSON string
 * or HTML, hexadecimal, and base64 at any alignment (a Basic credential, an attachment).
 */
export function secretForms(secret: string): string[] {
  const bases = new Set([secret]);
  const plain = decoded(secret);
  if (plain !== undefined) bases.add(plain);
  const forms = new Set<string>();
  for (const base of bases) {
    const percent = percentForms(base);
    // Upper- and lower-cased too (an echo that shouts), where long enough not to match ordinary words.
    const cased = base.length >= MIN_ENCODED ? [base, percent[0]!].flatMap((form) => [form.toUpperCase(), form.toLowerCase()]) : [];
    for (const form of [base, ...percent, base.replace(/\+/g, " "), ...cased]) {
      forms.add(form);
      forms.add(JSON.stringify(form).slice(1, -1));
      forms.add(htmlEscaped(form));
    }
    // Encoded forms are looked for only where long enough not to match ordinary text by chance.
    const bytes = Buffer.from(base);
    for (const encoded of encodedForms(bytes)) if (encoded.length >= MIN_ENCODED) forms.add(encoded);
    // Every byte percent-encoded, as some clients write a value they do not parse.
    const allEncoded = [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
    forms.add(allEncoded);
    forms.add(allEncoded.toUpperCase());
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET);
}

/** Where the suite cut a quote: an ellipsis at the end, or before a blank, a quote mark or a line break (the last few only). */
function suiteCuts(text: string): number[] {
  const cuts: number[] = [];
  for (let at = text.lastIndexOf("…"); at >= 0 && cuts.length < MAX_CUTS_EXAMINED; at = at === 0 ? -1 : text.lastIndexOf("…", at - 1)) {
    const next = text[at + 1];
    if (next === undefined || next === " " || next === '"' || next === "'" || next === "\n") cuts.unshift(at);
  }
  return cuts;
}

/** Where a target cut its own echo: a run of three or more dots not followed by a letter or digit (the last few only). */
function dotCuts(text: string): number[] {
  const cuts = [...text.matchAll(/\.{3,}(?![A-Za-z0-9])/g)].map((m) => m.index);
  return cuts.slice(-MAX_CUTS_EXAMINED);
}

/**
 * Knows every secret of a run (the API key, header values, credentials in --target and
 * --public-url, and each webhook token as it is handed out) and removes them from any text or
 * JSON value before it is written or printed.
 */
export class Redactor {
  private replacements: [string, string][] = [];
  /** Each secret (and its decoded form) however partly percent-encoded, with its stand-in. */
  private readonly percentPatterns: [RegExp, string][] = [];
  /** Each secret long enough not to match ordinary words, in any mix of upper and lower case. */
  private readonly caseless: [RegExp, string][] = [];
  private readonly known = new Set<string>();
  /** Every start (4 characters or more) of every secret form, for secrets cut short by a quote. */
  private readonly starts = new Map<string, string>();
  private longestStart = 0;
  /** Distinctive pieces of tokens, by length: found by a scan of the text, so thousands of tokens cost no more than one. */
  private readonly pieces = new Map<number, Map<string, string>>();

  constructor(secrets: readonly string[] = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Learns a secret such as an API key; every later text is cleaned of it in each of its forms. */
  add(secret: string): void {
    if (secret.length < MIN_SECRET || this.known.has(secret)) return;
    this.known.add(secret);
    const stand = fingerprint(secret);
    const pairs = secretForms(secret).map((form): [string, string] => [form, stand]);
    // Longest first, so a secret that contains another is replaced whole.
    this.replacements = [...this.replacements, ...pairs].sort((a, b) => b[0].length - a[0].length);
    for (const [form] of pairs) {
      for (let length = MIN_CUT; length < form.length; length += 1) this.starts.set(form.slice(0, length), stand);
      this.longestStart = Math.max(this.longestStart, form.length - 1);
    }
    for (const base of new Set([secret, decoded(secret) ?? secret])) {
      const pattern = percentTolerant(base);
      if (pattern !== undefined) this.percentPatterns.push([pattern, stand]);
      // An echo that changed the case of some letters still gives the key away to anyone who knows its alphabet.
      if (base.length >= MIN_ENCODED && /[a-zA-Z]/.test(base)) this.caseless.push([new RegExp(base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), stand]);
    }
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
      // The piece itself (in either case, for an echo that lost it), and as it reads inside base64 or hexadecimal of the URL.
      for (const form of [piece, piece.toUpperCase(), piece.toLowerCase(), ...encodedForms(Buffer.from(piece))]) {
        if (form.length < MIN_ENCODED || !PIECE.test(form)) continue;
        const byLength = this.pieces.get(form.length) ?? new Map<string, string>();
        byLength.set(form, stand);
        this.pieces.set(form.length, byLength);
      }
    }
  }

  text(value: string): string {
    let out = this.withoutSecrets(value);
    if (out.includes("…")) out = this.withoutCutSecrets(out, suiteCuts(out));
    // A target that cuts its own echo writes three dots (or more), followed by anything but a letter or digit.
    if (out.includes("...")) out = this.withoutCutSecrets(out, dotCuts(out));
    out = redactToken(out);
    if (this.pieces.size === 0 && this.replacements.length === 0) return out;
    if (this.pieces.size > 0) out = out.replace(RUN_OF_PIECE_CHARACTERS, (run) => this.withoutPieces(run));
    // A secret or token whose every byte is encoded (%74%6f…, 74 6f…, &#116;…, \x74…, [116,111,…]) hides in plain sight: such runs are read decoded.
    for (const [pattern, decode] of BYTE_RUNS) out = out.replace(pattern, (run) => this.withoutDecoded(run, decode(run)));
    return out;
  }

  private withoutSecrets(text: string): string {
    let out = text;
    for (const [secret, stand] of this.replacements) if (out.includes(secret)) out = out.split(secret).join(stand);
    // Only a text with an escape, a "+" or a space can hold a form the plain pass did not know.
    if (this.percentPatterns.length > 0 && /[%+ ]/.test(out)) for (const [pattern, stand] of this.percentPatterns) out = out.replace(pattern, stand);
    for (const [pattern, stand] of this.caseless) out = out.replace(pattern, stand);
    return out;
  }

  /** A run of encoded bytes, shown decoded and cleaned where it held a secret or a token's piece; as it was otherwise. */
  private withoutDecoded(run: string, plain: string): string {
    let cleaned = this.withoutSecrets(plain);
    if (this.pieces.size > 0) cleaned = cleaned.replace(RUN_OF_PIECE_CHARACTERS, (piece) => this.withoutPieces(piece));
    cleaned = redactToken(cleaned);
    if (cleaned === plain) return run;
    // Only the fact is shown, never the decoded bytes: they are the target's, and this text may already have been
    // escaped for a page or be bound for a terminal, where raw markup or control bytes would act.
    const stands = [...new Set(cleaned.match(/REDACTED-[0-9a-f]+/g) ?? [])];
    return `[encoded bytes holding ${stands.length > 0 ? stands.join(", ") : "a secret"}]`;
  }


  /**
   * Like text, for a quote of JSON: escapes that hide characters (\u0073, \/) are decoded first,
   * since a reader decodes them too. Returns the text as it was where it held no secret.
   */
  textOfJson(value: string): string {
    const cleaned = this.text(value);
    // Only what escaping still hides after the plain pass is looked for: a secret already removed changes nothing here.
    if (!JSON_ESCAPE.test(cleaned)) return cleaned;
    // Every JSON string escape, so encodings written across lines (a hex dump) or with backslashes (\x74) read as they would printed.
    const plain: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "/": "/", "\\": "\\", '"': '"' };
    const decoded = cleaned.replace(/\\u([0-9a-fA-F]{4})|\\([nrtbf/\\"])/g, (_m: string, hex: string | undefined, ch: string | undefined) =>
      hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : (plain[ch ?? ""] ?? ""),
    );
    const decodedClean = this.text(decoded);
    return decodedClean === decoded ? cleaned : `${decodedClean} (JSON escapes decoded: the text held a secret in escaped form)`;
  }

  /**
   * A secret cut short by a quote's length limit ("sk-live-0123…") is still the secret: its start
   * before an ellipsis is replaced. Only the ellipses where the suite cuts (at the end of the text,
   * or before " (" or a quote mark) are looked at, and no more than a few, so text full of
   * ellipses costs no more than any other.
   */
  private withoutCutSecrets(text: string, cuts: readonly number[]): string {
    let out = "";
    let from = 0;
    for (const at of cuts) {
      const found = this.cutSecretBefore(text, from, at);
      if (found === undefined) continue;
      out += text.slice(from, at - found.length) + found.stand;
      from = at;
    }
    return out + text.slice(from);
  }

  /** The longest start of a known secret form that ends at `at` (and begins no earlier than `from`). */
  private cutSecretBefore(text: string, from: number, at: number): { length: number; stand: string } | undefined {
    for (let length = Math.min(this.longestStart, at - from); length >= MIN_CUT; length -= 1) {
      const stand = this.starts.get(text.slice(at - length, at));
      if (stand !== undefined) return { length, stand };
    }
    return undefined;
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

  /**
   * An array, each item cleaned; a run of byte values in it (a serialised Buffer, whole or with
   * other items around it) is text in another form, read as such and, holding a secret, replaced
   * by one item that says so.
   */
  private deepArray(items: readonly unknown[]): unknown[] {
    const isByte = (item: unknown): item is number => Number.isInteger(item) && (item as number) >= 0 && (item as number) <= 255;
    const out: unknown[] = [];
    for (let i = 0; i < items.length; ) {
      let end = i;
      while (end < items.length && isByte(items[end])) end += 1;
      if (end - i >= MIN_ENCODED) {
        const run = items.slice(i, end) as number[];
        const bytes = Buffer.from(run).toString("latin1");
        if (this.text(bytes) !== bytes) out.push(this.withoutDecoded(JSON.stringify(run), bytes));
        else out.push(...run);
        i = end;
      } else if (end > i) {
        out.push(...items.slice(i, end));
        i = end;
      } else {
        out.push(this.deep(items[i]));
        i += 1;
      }
    }
    return out;
  }

  deep<T>(value: T): T {
    if (typeof value === "string") return this.text(value) as T;
    if (Array.isArray(value)) return this.deepArray(value as unknown[]) as T;
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.deep(v)])) as T;
    }
    return value;
  }
}
