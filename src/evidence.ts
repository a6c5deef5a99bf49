import { nestingDepth } from "./json.js";

/** What the sink recorded for one incoming request, byte for byte. */
export interface Delivery {
  method: string;
  /** The request-target exactly as it arrived on the request line. */
  target: string;
  /** Raw header pairs in arrival order (names as sent). */
  headers: [string, string][];
  /** Body bytes, base64, so nothing is lost to decoding. */
  bodyBase64: string;
  /** True when the body exceeded the sink's cap and was cut. */
  truncated: boolean;
  /** True when the sink's byte budget was spent, so the body was not kept at all (bodyBase64 is empty). */
  discarded?: boolean;
  receivedAt: number;
  /** When the whole body had arrived (a slow upload ends well after receivedAt, the headers' arrival). */
  completedAt?: number;
  /** How and when the sink answered; absent while it holds the request, or when the client left first. */
  answer?: { status: number; at: number };
}

/** The identity the target gave the run when the suite created it. */
export interface CreatedRun {
  run_id?: string;
  thread_id?: string;
  assistant_id?: string;
}

/**
 * What the published API lets a receiver expect of this run's webhook. Most runs must be
 * announced exactly once; a rolled-back run may be (the API deletes it); a refused run, or a
 * URL replaced by PATCH, must not be.
 */
export interface RunExpectation {
  delivery: "required" | "recommended" | "optional" | "none";
  /** Why delivery is not simply required, for the report. */
  why?: string;
  /** The statuses the outcome allows (e.g. error for a graph that raises). */
  statuses?: string[];
  /** The run failed: its webhook should say why. */
  describesError?: boolean;
  /** The run must end within the deadline, because the case is about the target still running runs: a run left pending or running fails, saying this. */
  mustEnd?: string;
  /** The run was cancelled before it started, so it has no start time. */
  neverStarted?: boolean;
  /** The run was rolled back: its state is gone, so the webhook's values are not judged against it. */
  rolledBack?: boolean;
}

/** What a case asked the target to do to a run, and whether the target did it (read back through the API). */
export interface Premise {
  /** What the case asked, as the expected side of a finding: "the run still pending when cancelled". */
  asked: string;
  held: boolean;
  /** What the API showed. */
  observed: string;
  /** Why it matters when it did not hold, for the finding. */
  why: string;
  severity: "required" | "recommended";
  /** Why the API could not show whether it held, when it could not. */
  unknown?: string;
  /**
   * Where the API cannot show it, the webhook's own values can: the premise held only if they
   * lack this key (a node the run should never have reached writes it).
   */
  valuesLack?: string;
  /** The run never started (cancelled while pending): a webhook that gives it a run_started_at says otherwise. */
  neverStarted?: boolean;
}

/** The thread's state after the run, read back through the API to judge the webhook's values. */
export type StateReadBack = { values: unknown; source: string } | { skipped: string };

export const ANNOUNCED: RunExpectation = { delivery: "required" };

/** Hardening: a run created with a webhook value the target should refuse, and what it answered. */
export interface CreationProbe {
  /** What is wrong with the value, e.g. "an empty string". */
  invalid: string;
  /** Whether the published API leaves the value's acceptance to the server (a relative reference). */
  mayAccept?: string;
  status: number;
  body: string;
}

/** Hardening: the receiver the sink played for a run whose first delivery must fail. */
export type Receiver = "fails-once" | "hangs-once" | "always-fails" | "hangs";

/** Everything recorded about one run the suite expects a webhook for. */
export interface RunEvidence {
  /** Which run of the case this is, e.g. "run" or "item 2 of 2". */
  label: string;
  /** The webhook URL exactly as handed to the target. */
  webhookUrl: string;
  /** What the target said about the run when it was created. */
  created: CreatedRun;
  /** Why the suite cannot tell which run this is (the create answer did not name it), if so. */
  unidentified?: string;
  /** How the target's account of the run contradicts what the suite asked for (another thread, another assistant), if it does. */
  misnamed?: string;
  /** What the API said of the run just after its first webhook came, where that shows the webhook came before the run ended. */
  announcedBeforeEnd?: string;
  /** The API showed the run going on after its webhook came, then nothing that told when it ended, and the suite never saw the end itself. */
  endUnproven?: string;
  /** The input the suite sent for the run: the webhook's kwargs.input must equal it. */
  input?: { sent: unknown };
  /**
   * A run known only by its webhook (a cron's fired run whose thread is deleted at its end): the
   * webhook must carry the cron's marker in its metadata to be taken for that run.
   */
  identityMarker?: { key: string; value: string };
  /** When the suite sent the call that created the run (this machine's clock): no time of the run can be earlier. */
  createSentAt?: number;
  /** The metadata and multitask_strategy the suite's create call gave the run (not for a cron's fired runs). */
  sentRun?: { metadata?: Record<string, unknown>; multitaskStrategy?: string };
  /** A stateless run: its webhook's values may be null or absent. */
  stateless?: boolean;
  /** The thread's state after the run, to compare the webhook's values with. */
  state?: StateReadBack;
  /** Values the webhook must carry exactly, whatever the API reads back (what the graph was asked to return). */
  expectedValues?: Record<string, unknown>;
  /** What the case asked the target to do, and whether it did. */
  premise?: Premise;
  /** The least time the run can have taken (a graph that slept this long): its times must span it. */
  minRunMs?: number;
  /** Only on the run's pseudo-case of strays: how many requests came to URLs never handed out, and the first few. */
  strays?: { count: number; sample: { method: string; target: string }[] };
  /** When the suite saw the run reach a terminal state, if it did. */
  terminalAt?: number;
  /** The run's status read back from the API after the settle window. */
  apiStatus?: string;
  /** The run's multitask_strategy as the API reads it back, when it gives one. */
  apiMultitaskStrategy?: string;
  /** The run's created_at as the API reads it back, as written. */
  apiCreatedAt?: string;
  /** The run's updated_at as GET returned it after the suite stopped watching (its end, once it has ended). */
  apiUpdatedAt?: string;
  /** The run's created_at as the create call's answer gave it, as written (the one time known of a run the target deletes at its end). */
  answeredCreatedAt?: string;
  /** Why the API gave no created_at for this run where it should have (a create answer without one, for a run that cannot be read back). */
  apiCreatedAtMissing?: string;
  /** A time of the target's own clock the run cannot have been created before, and what happened then (a cron's fired run: the cron's creation). */
  createdNotBefore?: { at: string; what: string };
  /** Why the case does not read the run back (its design: the target deletes such runs), when it does not. */
  readBackSkipped?: string;
  /** Why reading the run back failed, where it should have worked. */
  readBackFailed?: string;
  deliveries: Delivery[];
  expect: RunExpectation;
  /**
   * The path of --public-url (e.g. "/hooks"), when it has one: a reverse proxy may strip it
   * before the sink sees the request, which token-preserved accepts.
   */
  publicPrefix?: string;
  /** How long the suite waited for a first delivery. */
  deadlineMs: number;
  /** When the first delivery was due at the latest (this machine's clock). */
  deadlineAt?: number;
  /** When the suite stopped watching the run; what arrives after is late, and still judged. */
  watchedUntil?: number;
  /** The run had not ended by the deadline, as the API reports it: no webhook was due yet. */
  notEnded?: string;
  settleMs: number;
  /** Hardening probes only: the answer to a create call with an invalid webhook. */
  creation?: CreationProbe;
  /** Hardening probes only: how the sink answered this run's deliveries on purpose. */
  receiver?: Receiver;
}

export function headerValue(delivery: Delivery, name: string): string | undefined {
  const lower = name.toLowerCase();
  return delivery.headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}

export function bodyText(delivery: Delivery): string {
  const known = bodyTexts.get(delivery);
  if (known !== undefined) return known;
  const text = Buffer.from(delivery.bodyBase64, "base64").toString("utf8");
  bodyTexts.set(delivery, text);
  return text;
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false; reason: string };

/** Deeper than any graph state a webhook carries; the checks then judge no further than the parse. */
const MAX_BODY_DEPTH = 512;

/** Each body is decoded and parsed once, however many checks read it (a large one costs seconds each time). */
const parsedBodies = new WeakMap<Delivery, ParsedBody>();
const bodyTexts = new WeakMap<Delivery, string>();

export function parseBody(delivery: Delivery): ParsedBody {
  const known = parsedBodies.get(delivery);
  if (known !== undefined) return known;
  const parsed = parseOnce(delivery);
  parsedBodies.set(delivery, parsed);
  return parsed;
}

function parseOnce(delivery: Delivery): ParsedBody {
  const bytes = Buffer.from(delivery.bodyBase64, "base64");
  if (bytes.length === 0) return { ok: false, reason: "the body is empty" };
  let value: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    value = JSON.parse(text) as unknown;
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (nestingDepth(value, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) return { ok: false, reason: `it nests deeper than ${MAX_BODY_DEPTH} levels` };
  return { ok: true, value };
}
