import type { RunEvidence } from "../evidence.js";
import { defineCheck, fail, inconclusive, skip, type CheckFailure } from "./types.js";
import { fieldLeftOut, nth, objectBodiesOrSkip } from "./evidence-helpers.js";
import { DEFAULT_CLOCK_SKEW_MS, parseDateTime, RUN_TIMES, TIME_TOLERANCE_MS } from "./timestamps.js";

const words = (field: string): string => field.replace(/_at$/, "").replace(/_/g, " ");
const iso = (at: number): string => new Date(at).toISOString();
const seconds = (ms: number): number => Math.round(ms / 1000);

/** Times the server that runs the graph takes from its own clock as the run starts, ends and is announced. */
const WORKER_TIMES = new Set(["run_started_at", "run_ended_at", "webhook_sent_at"]);
/** Between two of those kept to the millisecond, order may slip only this much (a clock stepping back). */
const FINE_TOLERANCE_MS = 50;

interface Time {
  field: string;
  at: number;
  raw: unknown;
}

/** One webhook body's times, and what the suite knows of the moment around them. */
interface Judged {
  evidence: RunEvidence;
  body: Record<string, unknown>;
  /** The documented times (not updated_at), in the order they must come, where they are date-times. */
  times: Time[];
  /** Those and updated_at. */
  all: Time[];
  where: string;
  arrived: number;
  skew: number;
}

/**
 * The step a time was kept to, as far as it shows: a fraction with a digit other than 0 shows
 * tenths, hundredths or finer; none, or only zeros (a store that rounds to the second and writes
 * ".000"), shows nothing finer than a second.
 */
function resolutionMs(raw: unknown): number {
  const fraction = typeof raw === "string" ? /\.(\d+)/.exec(raw)?.[1] : undefined;
  if (fraction === undefined || /^0+$/.test(fraction)) return TIME_TOLERANCE_MS;
  return 10 ** Math.max(0, 3 - fraction.length);
}

/**
 * How far `after` may come before `before`: whole seconds, or two clocks (created_at is often the
 * database's), get TIME_TOLERANCE_MS; two worker times kept finer than a second get the coarser
 * of their steps, and no less than FINE_TOLERANCE_MS.
 */
function toleranceFor(before: Time, after: Time): number {
  if (!WORKER_TIMES.has(before.field) || !WORKER_TIMES.has(after.field)) return TIME_TOLERANCE_MS;
  return Math.max(FINE_TOLERANCE_MS, resolutionMs(before.raw), resolutionMs(after.raw));
}

/** Every pair compared, the nearest earlier time first, so a finding names the pair a reader would look at. */
function inOrder({ times, where }: Judged): CheckFailure | undefined {
  for (let j = 1; j < times.length; j += 1) {
    for (let i = j - 1; i >= 0; i -= 1) {
      const before = times[i]!;
      const after = times[j]!;
      const tolerance = toleranceFor(before, after);
      if (after.at + tolerance >= before.at) continue;
      return fail(
        "timestamps-ordered",
        `${before.field} ≤ ${after.field} (within ${tolerance} ms)`,
        `${before.field} ${String(before.raw)}, ${after.field} ${String(after.raw)} (${before.at - after.at} ms earlier)`,
        `${where} says the run's ${words(after.field)} came before its ${words(before.field)}.`,
      );
    }
  }
  return undefined;
}

/**
 * The same run's record: the webhook's created_at is the one the API gave for the run, when it
 * answered the create call and when it is read back (a skewed clock moves them all alike).
 */
function createdAsTheApiSays({ evidence, times, where }: Judged): CheckFailure | undefined {
  const created = times.find((t) => t.field === "created_at");
  if (created === undefined) return undefined;
  const sources = [
    { raw: evidence.apiCreatedAt, said: "what GET on the run reports" },
    { raw: evidence.answeredCreatedAt, said: "what the create call answered" },
  ];
  for (const { raw, said } of sources) {
    const api = parseDateTime(raw);
    if (api === undefined || Math.abs(created.at - api) <= TIME_TOLERANCE_MS) continue;
    return fail(
      "timestamps-ordered",
      `created_at ${String(raw)} (${said}, within ${TIME_TOLERANCE_MS} ms)`,
      `created_at ${String(created.raw)}, ${seconds(created.at - api)} s from the API's`,
      `${where} gives the run another creation time than the API does: its times are not this run's.`,
    );
  }
  return undefined;
}

/** A run created by something the API dated (a cron's firing) was not created before that thing, by the target's own clock. */
function createdAfterItsCause({ evidence, times, where }: Judged): CheckFailure | undefined {
  const created = times.find((t) => t.field === "created_at");
  const cause = parseDateTime(evidence.createdNotBefore?.at);
  if (created === undefined || cause === undefined || created.at + TIME_TOLERANCE_MS >= cause) return undefined;
  return fail(
    "timestamps-ordered",
    `created_at no earlier than ${String(evidence.createdNotBefore!.at)} (when ${evidence.createdNotBefore!.what}; within ${TIME_TOLERANCE_MS} ms)`,
    `created_at ${String(created.raw)}, ${seconds(cause - created.at)} s before`,
    `${where} says the run was created before ${evidence.createdNotBefore!.what}: its times are not this run's.`,
  );
}

function updatedAfterCreated({ body, times, where }: Judged): CheckFailure | undefined {
  const created = times.find((t) => t.field === "created_at");
  const updated = parseDateTime(body.updated_at);
  if (created === undefined || updated === undefined || updated + TIME_TOLERANCE_MS >= created.at) return undefined;
  return fail(
    "timestamps-ordered",
    `updated_at no earlier than created_at (within ${TIME_TOLERANCE_MS} ms)`,
    `created_at ${String(created.raw)}, updated_at ${String(body.updated_at)}`,
    `${where} says the run was last updated before it was created.`,
  );
}

/** webhook_sent_at is when the request left: the moment it arrived, give or take the clocks' difference. */
function sentWhenItArrived({ times, where, arrived, skew }: Judged): CheckFailure | undefined {
  const sent = times.find((t) => t.field === "webhook_sent_at");
  if (sent === undefined || Math.abs(arrived - sent.at) <= skew) return undefined;
  return fail(
    "timestamps-ordered",
    `webhook_sent_at within ${skew / 1000} s of the moment the request arrived (${iso(arrived)})`,
    `webhook_sent_at ${String(sent.raw)}, ${seconds(arrived - sent.at)} s from the arrival`,
    `${where} gives times that are not when things happened: the target's clock is off, or its times are not UTC (raise --clock-skew-ms if its clock is known to be off).`,
  );
}

/** No time of the run, updated_at too, can come after the request that announced it arrived. */
function notAfterArrival({ all, where, arrived, skew }: Judged): CheckFailure | undefined {
  const late = all.find((t) => t.at > arrived + skew);
  if (late === undefined) return undefined;
  return fail(
    "timestamps-ordered",
    `${late.field} no later than ${skew / 1000} s after the webhook arrived (${iso(arrived)})`,
    `${late.field} ${String(late.raw)}, ${seconds(late.at - arrived)} s after`,
    `${where} says the run's ${words(late.field)} came after the webhook announcing its end arrived: its times are not this run's (raise --clock-skew-ms if the target's clock is known to be off).`,
  );
}

/** No time of the run can come before the suite asked for it. */
function notBeforeCreation({ evidence, all, where, skew }: Judged): CheckFailure | undefined {
  const sentAt = evidence.createSentAt;
  const early = sentAt === undefined ? undefined : all.find((t) => t.at < sentAt - skew);
  if (sentAt === undefined || early === undefined) return undefined;
  return fail(
    "timestamps-ordered",
    `${early.field} no earlier than ${skew / 1000} s before the suite created the run (${iso(sentAt)})`,
    `${early.field} ${String(early.raw)}, ${seconds(sentAt - early.at)} s before`,
    `${where} says the run began before the suite created it: its times are not this run's (raise --clock-skew-ms if the target's clock is known to be off).`,
  );
}

/**
 * The run's life by its own times fits inside what the suite watched: from sending the call that
 * created it to the webhook's arrival. Both spans are differences on one clock each, so a skewed
 * clock does not move them; a webhook that stretches the run (an end, or a send, moved later) shows here.
 */
function spanObserved({ evidence, all, where, arrived }: Judged): CheckFailure | undefined {
  if (evidence.createSentAt === undefined || all.length < 2) return undefined;
  const first = all.reduce((a, b) => (b.at < a.at ? b : a));
  const last = all.reduce((a, b) => (b.at > a.at ? b : a));
  const watched = arrived - evidence.createSentAt;
  if (last.at - first.at <= watched + TIME_TOLERANCE_MS) return undefined;
  return fail(
    "timestamps-ordered",
    `${first.field} to ${last.field} no longer than the ${watched} ms from the suite's create call to the webhook's arrival (within ${TIME_TOLERANCE_MS} ms)`,
    `${first.field} ${String(first.raw)}, ${last.field} ${String(last.raw)} (${last.at - first.at} ms apart)`,
    `${where} says the run lasted longer than the suite watched it, from creating it to the webhook's arrival: its times are not this run's.`,
  );
}

/** A run whose graph slept spans at least that long. */
function spansItsSleep({ evidence, times, where }: Judged): CheckFailure | undefined {
  const started = times.find((t) => t.field === "run_started_at");
  const ended = times.find((t) => t.field === "run_ended_at");
  if (evidence.minRunMs === undefined || started === undefined || ended === undefined) return undefined;
  if (ended.at - started.at + TIME_TOLERANCE_MS >= evidence.minRunMs) return undefined;
  return fail(
    "timestamps-ordered",
    `run_ended_at at least ${evidence.minRunMs} ms after run_started_at (the graph slept that long)`,
    `run_started_at ${String(started.raw)}, run_ended_at ${String(ended.raw)} (${ended.at - started.at} ms apart)`,
    `${where} says the run took less time than its graph slept: its start or end time is not the run's.`,
  );
}

const JUDGES = [inOrder, createdAsTheApiSays, createdAfterItsCause, updatedAfterCreated, sentWhenItArrived, notAfterArrival, notBeforeCreation, spanObserved, spansItsSleep];

function timesOf(body: Record<string, unknown>, fields: readonly string[]): Time[] {
  return fields.flatMap((field) => {
    const at = parseDateTime(body[field]);
    return at === undefined ? [] : [{ field, at, raw: body[field] }];
  });
}

export const timestampsOrdered = defineCheck({
  name: "timestamps-ordered",
  severity: "required",
  version: 7,
  description: `The webhook's times are in order and true: created_at ≤ run_started_at ≤ run_ended_at ≤ webhook_sent_at, every pair compared (so small slips do not add up), each allowed to be up to ${TIME_TOLERANCE_MS} ms early (servers that keep whole seconds, or read two clocks), or, between two of the last three (one clock, the run's worker) both kept finer than a second, the coarser of their steps and at least ${FINE_TOLERANCE_MS} ms; created_at is the one the API gives for the run, in the create call's answer and read back (within ${TIME_TOLERANCE_MS} ms), a cron's fired run was not created before the cron (by the cron's created_at in the API's answer, within ${TIME_TOLERANCE_MS} ms), and updated_at is not before created_at; webhook_sent_at is within the allowed clock skew (--clock-skew-ms, default ${DEFAULT_CLOCK_SKEW_MS / 1000} s) of the moment the request arrived, and no time of the run (updated_at too) is more than that before the suite sent the call that created it or after the webhook arrived; the run's times span no longer than the suite watched it (its create call to the webhook's arrival, within ${TIME_TOLERANCE_MS} ms), and a run the suite knows took a while (a graph that slept) spans at least that long. Where the API should have said when the run was created and did not (a create answer without created_at for a run that cannot be read back), the check is inconclusive rather than passed. Times that are missing are left to timestamps-present.`,
  run(evidence, context) {
    const bodies = objectBodiesOrSkip(evidence);
    if (!Array.isArray(bodies)) return bodies;
    const fields = RUN_TIMES.filter((field) => fieldLeftOut(field, context) === undefined);
    const withUpdated = fieldLeftOut("updated_at", context) === undefined ? [...fields, "updated_at"] : fields;
    const skew = context.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
    let compared = false;
    for (const { index, body } of bodies) {
      const times = timesOf(body, fields);
      const judged: Judged = {
        evidence,
        body,
        times,
        all: timesOf(body, withUpdated),
        where: `${nth(index, evidence.deliveries.length)} for ${evidence.label}`,
        arrived: evidence.deliveries[index]!.receivedAt,
        skew,
      };
      if (times.length >= 2) compared = true;
      for (const judge of JUDGES) {
        const failure = judge(judged);
        if (failure !== undefined) return failure;
      }
    }
    if (!compared) return skip("fewer than two of the run's times are date-times (see timestamps-present)");
    // Nothing contradicts the webhook, but its created_at was held to nothing the API said.
    if (evidence.apiCreatedAtMissing !== undefined && bodies.some(({ body }) => parseDateTime(body.created_at) !== undefined)) {
      return inconclusive(`the webhook's created_at cannot be held to the API's: ${evidence.apiCreatedAtMissing}`);
    }
    return undefined;
  },
});
