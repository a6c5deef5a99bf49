import { describe, expect, it } from "vitest";
import { CHECKS } from "../src/checks/index.js";
import type { Check, CheckContext } from "../src/checks/types.js";
import { RUN_SCHEMA } from "../src/schema/run-schema.js";
import { compileRunValidator } from "../src/schema/validate.js";
import type { Delivery, RunEvidence, RunExpectation } from "../src/evidence.js";
import { delivery, evidence, INPUT, runBody, STATE, TOKEN, TARGET, WEBHOOK } from "./helpers/evidence.js";

// Deliveries in these tests arrive at made-up instants; the clock-skew rule has a test of its own below.
const context: CheckContext = {
  validateRun: compileRunValidator(RUN_SCHEMA, "built-in"),
  expectHeaders: [["X-Webhook-Secret", "s3cr3t-value"], ["X-Deployment", undefined]],
  clockSkewMs: Number.MAX_SAFE_INTEGER,
};

function check(name: string): Check {
  const found = CHECKS.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

function verdict(name: string, ev: RunEvidence) {
  return check(name).run(ev, context);
}

/** For each check: evidence on which it passes and evidence on which it must fail, with words the failure must contain. */
const ERROR_RUN: RunExpectation = { delivery: "required", statuses: ["error"], describesError: true };
const SILENT: RunExpectation = { delivery: "none", why: "the target refused it" };

const cases: { name: string; passing?: RunEvidence; failing: RunEvidence; says: RegExp; expected?: RegExp; received?: RegExp }[] = [
  { name: "delivered", failing: evidence({ deliveries: [] }), says: /No webhook arrived for the run within 30000 ms/, received: /no request/ },
  {
    name: "exactly-once",
    failing: evidence({ deliveries: [delivery(), delivery({ receivedAt: 1_250 })] }),
    says: /sent 2 webhooks/,
    received: /\+250 ms/,
  },
  { name: "post-method", failing: evidence({ deliveries: [delivery({ method: "PUT" })] }), says: /used PUT instead of POST/, received: /^PUT$/ },
  {
    name: "token-preserved",
    failing: evidence({ deliveries: [delivery({ target: TARGET.replace("%2B", "+") })] }),
    says: /token parameter changed/,
  },
  { name: "json-body", failing: evidence({ deliveries: [delivery({ rawBody: "run_id=1&status=success" })] }), says: /is not JSON/, received: /run_id=1/ },
  {
    name: "content-type-json",
    failing: evidence({ deliveries: [delivery({ headers: [["Content-Type", "text/plain;charset=UTF-8"]] })] }),
    says: /does not say so/,
    received: /text\/plain/,
  },
  {
    name: "run-schema",
    failing: evidence({ deliveries: [delivery({ body: runBody({ run_id: "not-a-uuid", status: "done", kwargs: undefined }) })] }),
    says: /not a valid Run: 3 violations/,
    received: /(?=[\s\S]*^\/run_id: must be a uuid; value "not-a-uuid"$)(?=[\s\S]*^\/status: must be one of \[.*\]; value "done"$)(?=[\s\S]*^\/kwargs: required property "kwargs" is missing$)/m,
  },
  {
    name: "run-identity",
    failing: evidence({ deliveries: [delivery({ body: runBody({ run_id: "11111111-1111-4111-8111-111111111111" }) })] }),
    says: /describes another run \(run_id differs\)/,
    received: /run_id="11111111/,
  },
  {
    name: "terminal-status",
    failing: evidence({ deliveries: [delivery({ body: runBody({ status: "running" }) })] }),
    says: /sent before the run ended/,
    received: /"running"/,
  },
  {
    name: "status-matches-api",
    failing: evidence({ apiStatus: "error" }),
    says: /disagrees with the API/,
    expected: /"error"/,
    received: /"success"/,
  },
  {
    name: "not-delivered",
    passing: evidence({ expect: { ...SILENT }, deliveries: [] }),
    failing: evidence({ expect: { ...SILENT } }),
    says: /must stay silent: the target refused it/,
    received: /1 request\(s\), the first POST \/hook\//,
  },
  {
    name: "outcome-status",
    passing: evidence({ expect: { delivery: "required", statuses: ["interrupted"] }, apiStatus: "interrupted", deliveries: [delivery({ body: runBody({ status: "interrupted" }) })] }),
    failing: evidence({ expect: { delivery: "required", statuses: ["interrupted"] } }),
    says: /reports the wrong outcome/,
    expected: /"interrupted"/,
    received: /"success"/,
  },
  {
    name: "error-described",
    passing: evidence({ expect: { ...ERROR_RUN }, deliveries: [delivery({ body: runBody({ status: "error", error: "boom" }) })] }),
    failing: evidence({ expect: { ...ERROR_RUN }, deliveries: [delivery({ body: runBody({ status: "error", error: { error: "ValueError", message: "" } }) })] }),
    says: /without saying why/,
    received: /"message":""/,
  },
  {
    name: "timestamps-present",
    failing: evidence({ deliveries: [delivery({ body: runBody({ webhook_sent_at: undefined, run_ended_at: "yesterday" }) })] }),
    says: /does not say when the run ended: run_ended_at, webhook_sent_at are missing or not a date-time/,
    received: /run_ended_at "yesterday", webhook_sent_at \(absent\)/,
  },
  {
    name: "timestamps-ordered",
    failing: evidence({ deliveries: [delivery({ body: runBody({ run_ended_at: "2026-11-22T20:59:58.000+00:00" }) })] }),
    says: /says the run's run ended came before its run started/,
    expected: /run_started_at ≤ run_ended_at \(within 1000 ms\)/,
    received: /3600 ms earlier/,
  },
  {
    name: "kwargs-input",
    failing: evidence({ deliveries: [delivery({ body: runBody({ kwargs: { input: { ...INPUT, text: INPUT.text.normalize("NFC") }, config: {}, webhook: WEBHOOK } }) })] }),
    says: /describes another input than the one the run was given/,
    received: /at kwargs\.input\.text: expected/,
  },
  {
    name: "kwargs-config",
    failing: evidence({ deliveries: [delivery({ body: runBody({ kwargs: { input: INPUT, webhook: WEBHOOK } }) })] }),
    says: /does not carry the run's configuration/,
    received: /kwargs\.config \(absent\)/,
  },
  {
    name: "kwargs-webhook",
    failing: evidence({ deliveries: [delivery({ body: runBody({ kwargs: { input: INPUT, config: {}, webhook: `${WEBHOOK}&x=1` } }) })] }),
    says: /names another webhook URL in kwargs\.webhook than the one handed out \(the token matches; the rest of the URL differs\)/,
  },
  {
    name: "metadata-and-strategy",
    passing: evidence({ sentRun: { metadata: { owner: "suite" } }, deliveries: [delivery({ body: runBody({ metadata: { owner: "suite", graph_id: "g" }, multitask_strategy: "reject" }) })] }),
    failing: evidence({ sentRun: { metadata: { owner: "suite" } }, deliveries: [delivery({ body: runBody({ metadata: { owner: "someone-else" } }) })] }),
    says: /does not carry the metadata the run was created with \(owner\)/,
    expected: /owner="suite"/,
    received: /owner="someone-else"/,
  },
  {
    name: "values-state",
    failing: evidence({ deliveries: [delivery({ body: runBody({ values: { ...STATE, result: "stale" } }) })] }),
    says: /carries values that are not the run's final state/,
    received: /at values\.result: expected "done:succeed", received "stale"/,
  },
  {
    name: "outcome-premise",
    passing: evidence({ premise: { asked: "pending", held: true, observed: "pending", why: "", severity: "required" } }),
    failing: evidence({ premise: { asked: "the run still pending", held: false, observed: 'status "success"', why: "the target ignored after_seconds", severity: "required" } }),
    says: /did not do what the case asked of the run: the target ignored after_seconds/,
    expected: /still pending/,
    received: /"success"/,
  },
  {
    name: "expected-headers",
    passing: evidence({ deliveries: [delivery({ headers: [["Content-Type", "application/json"], ["x-webhook-secret", "s3cr3t-value"], ["X-Deployment", "eu-1"]] })] }),
    failing: evidence({ deliveries: [delivery({ headers: [["Content-Type", "application/json"], ["X-Webhook-Secret", "another"], ["X-Deployment", "eu-1"]] })] }),
    says: /lacks the X-Webhook-Secret header the deployment is configured to send with its configured value/,
    received: /another value, not shown/,
  },
  {
    name: "refused-at-create",
    passing: evidence({ deliveries: [], creation: { invalid: "an empty string", status: 422, body: '{"detail":"webhook must not be empty"}' } }),
    failing: evidence({ deliveries: [], creation: { invalid: "an empty string", status: 200, body: '{"run_id":"x"}' } }),
    says: /accepted an empty string as a webhook and created the run/,
    expected: /HTTP 4xx with a reason/,
    received: /^HTTP 200: \{"run_id":"x"\}$/,
  },
  {
    name: "no-strays",
    passing: evidence({ strays: { count: 0, sample: [] } }),
    failing: evidence({ strays: { count: 3, sample: [{ method: "POST", target: "/hook/never-handed-out" }] } }),
    says: /3 requests arrived for no run the suite created \(first: POST \/hook\/never-handed-out\)/,
    received: /POST \/hook\/never-handed-out\n… and 2 more/,
  },
  {
    name: "retried",
    passing: evidence({ receiver: "fails-once", deliveries: [answered(delivery(), 500), answered(delivery({ receivedAt: 1_250 }), 204)] }),
    failing: evidence({ receiver: "fails-once", settleMs: 10_000, deliveries: [answered(delivery(), 500)] }),
    says: /did not retry after the receiver answered HTTP 500/,
    received: /1 request \(\+0 ms → 500\), none more within 10000 ms/,
  },
  {
    name: "retries-bounded",
    passing: evidence({ receiver: "always-fails", deliveries: [0, 250, 750, 1_750].map((at) => answered(delivery({ receivedAt: 1_000 + at }), 500)) }),
    failing: evidence({ receiver: "always-fails", deliveries: Array.from({ length: 31 }, (_, i) => answered(delivery({ receivedAt: 1_000 + i }), 500)) }),
    says: /retried the run 30 times, 1 ms apart at the closest/,
    expected: /at most 10 attempts, at least 100 ms apart/,
  },
];

/** The evidence's deliveries with the headers the test context expects added. */
function withExpectedHeaders(ev: RunEvidence): RunEvidence {
  return { ...ev, deliveries: ev.deliveries.map((d) => ({ ...d, headers: [...d.headers, ["X-Webhook-Secret", "s3cr3t-value"], ["X-Deployment", "any"]] as [string, string][] })) };
}

/** A delivery as the sink answered it. */
function answered(d: Delivery, status: number, afterMs = 1): Delivery {
  return { ...d, answer: { status, at: d.receivedAt + afterMs } };
}

describe("every check passes on conformant evidence and fails on broken evidence", () => {
  it("the expected headers are present on the default delivery only where a test adds them", () => {
    expect(verdict("expected-headers", evidence())).toMatchObject({ check: "expected-headers" });
  });

  it("covers every registered check", () => {
    expect(cases.map((c) => c.name).sort()).toEqual(CHECKS.map((c) => c.name).sort());
  });

  for (const c of cases) {
    it(`${c.name} passes on a conformant delivery`, () => {
      const passing = c.passing ?? evidence();
      // The default delivery carries the headers the context expects, so expected-headers judges them too.
      expect(verdict(c.name, c.name === "expected-headers" ? passing : withExpectedHeaders(passing))).toBeUndefined();
    });
    it(`${c.name} fails with expected and received`, () => {
      const result = verdict(c.name, c.failing);
      expect(result).toBeDefined();
      expect(result && "check" in result).toBe(true);
      if (!result || !("check" in result)) return;
      expect(result.check).toBe(c.name);
      expect(result.message).toMatch(c.says);
      expect(result.expected.length).toBeGreaterThan(0);
      if (c.expected) expect(result.expected).toMatch(c.expected);
      if (c.received) expect(result.received).toMatch(c.received);
    });
  }
});

describe("evidence that arrived late or could not be gathered", () => {
  it("delivered fails a first webhook that came after the deadline, and says by how much", () => {
    const late = evidence({ deadlineAt: 5_000, deliveries: [delivery({ receivedAt: 10_500 })] });
    expect(verdict("delivered", late)).toMatchObject({ check: "delivered", message: expect.stringMatching(/came late: 5500 ms after/) as string });
  });

  it("delivered is inconclusive, not failed, when the API still reports the run running", () => {
    const running = evidence({ deliveries: [], notEnded: "running" });
    expect(verdict("delivered", running)).toEqual({ inconclusive: expect.stringMatching(/still reports the run running/) as string });
  });

  it("exactly-once marks a duplicate that came after the settle window as late", () => {
    const ev = evidence({ watchedUntil: 3_000, deliveries: [answered(delivery(), 204), answered(delivery({ receivedAt: 6_000 }), 204)] });
    expect(verdict("exactly-once", ev)).toMatchObject({ received: expect.stringMatching(/\+5000 ms \(late: after the settle window\)/) as string });
  });

  it("status-matches-api is inconclusive when reading a kept run back failed", () => {
    const rest = evidence();
    delete rest.apiStatus;
    expect(verdict("status-matches-api", { ...rest, readBackFailed: "HTTP 503" })).toEqual({ inconclusive: "the run's status could not be read back: HTTP 503" });
    expect(verdict("status-matches-api", rest)).toMatchObject({ inconclusive: expect.any(String) as string });
  });

  it("outcome-premise reads an unreadable state's premise from the webhook's values, and is inconclusive only where they are absent", () => {
    const premise = { asked: 'the run stopped before node "act"', held: false, observed: "", why: "interrupt_before was ignored", severity: "required" as const, unknown: "the run's state could not be read back", valuesLack: "result" };
    const ran = evidence({ premise, deliveries: [delivery({ body: runBody({ values: { result: "done:succeed" } }) })] });
    expect(verdict("outcome-premise", ran)).toMatchObject({ check: "outcome-premise", received: expect.stringMatching(/the webhook's values carry "result"/) as string });
    const stopped = evidence({ premise, deliveries: [delivery({ body: runBody({ values: { messages: [] } }) })] });
    expect(verdict("outcome-premise", stopped)).toBeUndefined();
    const silent = evidence({ premise, deliveries: [delivery({ body: runBody({ values: undefined }) })] });
    expect(verdict("outcome-premise", silent)).toEqual({ inconclusive: expect.stringMatching(/could not be read back/) as string });
  });

  it("metadata-and-strategy holds a run to the multitask_strategy it was sent, or to the API's or a known default where none was, and skips a cron's runs", () => {
    const body = (strategy: string): ReturnType<typeof runBody> => runBody({ metadata: {}, multitask_strategy: strategy });
    expect(verdict("metadata-and-strategy", evidence({ sentRun: { multitaskStrategy: "enqueue" }, deliveries: [delivery({ body: body("enqueue") })] }))).toBeUndefined();
    expect(verdict("metadata-and-strategy", evidence({ sentRun: { multitaskStrategy: "interrupt" }, deliveries: [delivery({ body: body("enqueue") })] }))).toMatchObject({ expected: 'multitask_strategy "interrupt"', received: 'multitask_strategy "enqueue"' });
    // None sent: the published default (enqueue) and the JavaScript server's (reject) both describe the run.
    expect(verdict("metadata-and-strategy", evidence({ sentRun: {}, deliveries: [delivery({ body: body("enqueue") })] }))).toBeUndefined();
    expect(verdict("metadata-and-strategy", evidence({ sentRun: {}, deliveries: [delivery({ body: body("reject") })] }))).toBeUndefined();
    expect(verdict("metadata-and-strategy", evidence({ sentRun: {}, deliveries: [delivery({ body: body("interrupt") })] }))).toMatchObject({ expected: expect.stringMatching(/"enqueue" or "reject" \(none was sent/) as string });
    // The API's own account of the run wins over any default.
    expect(verdict("metadata-and-strategy", evidence({ sentRun: {}, apiMultitaskStrategy: "interrupt", deliveries: [delivery({ body: body("interrupt") })] }))).toBeUndefined();
    expect(verdict("metadata-and-strategy", evidence({ sentRun: {}, apiMultitaskStrategy: "enqueue", deliveries: [delivery({ body: body("reject") })] }))).toMatchObject({ expected: expect.stringMatching(/what GET on the run reports/) as string });
    expect(verdict("metadata-and-strategy", evidence({ sentRun: {}, stateless: true, deliveries: [delivery({ body: body("enqueue") })] }))).toBeUndefined();
    expect(verdict("metadata-and-strategy", evidence({ deliveries: [delivery({ body: body("enqueue") })] }))).toMatchObject({ skipped: expect.stringMatching(/a cron fired it/) as string });
  });

  it("timestamps-ordered refuses times from before the suite created the run", () => {
    const strict: CheckContext = { ...context, clockSkewMs: 120_000 };
    const sentAt = Date.parse("2026-11-22T21:00:01.000Z");
    const arrived = Date.parse("2026-11-22T21:00:02.500Z");
    const ordered = check("timestamps-ordered");
    expect(ordered.run(evidence({ createSentAt: sentAt, deliveries: [delivery({ receivedAt: arrived })] }), strict)).toBeUndefined();
    const yearOld = runBody({ created_at: "2025-11-22T21:00:01.470Z", run_started_at: "2025-11-22T21:00:01.500Z", run_ended_at: "2025-11-22T21:00:02.000Z" });
    expect(ordered.run(evidence({ createSentAt: sentAt, deliveries: [delivery({ body: yearOld, receivedAt: arrived })] }), strict)).toMatchObject({
      message: expect.stringMatching(/says the run began before the suite created it/) as string,
      received: expect.stringMatching(/^created_at 2025-11-22T21:00:01\.470Z, \d+ s before$/) as string,
    });
  });

  it("exactly-once behind --public-url calls a repeat inconclusive: the relay's answer to the target is unseen", () => {
    const repeat = evidence({ deliveries: [answered(delivery(), 204), answered(delivery({ receivedAt: 1_600 }), 204)] });
    expect(check("exactly-once").run(repeat, { ...context, relayed: true })).toEqual({ inconclusive: expect.stringMatching(/behind --public-url .* may be a retry after the relay failed/) as string });
    expect(check("exactly-once").run(repeat, context)).toMatchObject({ check: "exactly-once" });
  });

  it("run-identity holds a run known only by its webhook to the cron's marker in its metadata", () => {
    const marker = { key: "lgwc_marker", value: "m-1" };
    const carrying = (metadata: Record<string, unknown>): RunEvidence => evidence({ identityMarker: marker, deliveries: [delivery({ body: runBody({ metadata }) })] });
    expect(verdict("run-identity", carrying({ lgwc_marker: "m-1" }))).toBeUndefined();
    expect(verdict("run-identity", carrying({ lgwc_marker: "m-2" }))).toMatchObject({ check: "run-identity", received: 'metadata.lgwc_marker "m-2"' });
    expect(verdict("run-identity", carrying({ owner: "someone-else" }))).toEqual({ inconclusive: expect.stringMatching(/does not carry the cron's lgwc_marker/) as string });
  });

  it("outcome-premise holds a run cancelled while pending to a webhook that does not say it started", () => {
    const pending = { asked: "the run still pending when it was cancelled", held: true, observed: 'status "pending"', why: "", severity: "required" as const, neverStarted: true };
    const silent = runBody({ status: "interrupted" });
    delete silent.run_started_at;
    expect(verdict("outcome-premise", evidence({ premise: pending, deliveries: [delivery({ body: silent })] }))).toBeUndefined();
    expect(verdict("outcome-premise", evidence({ premise: pending, deliveries: [delivery({ body: runBody({ status: "interrupted" }) })] }))).toMatchObject({
      check: "outcome-premise",
      received: expect.stringMatching(/^run_started_at "2026-11-22T21:00:01\.600Z"/) as string,
    });
    // The history could not be read and nothing came: inconclusive, not held.
    expect(verdict("outcome-premise", evidence({ premise: { ...pending, held: false, unknown: "the thread's history could not be read (HTTP 500)" }, deliveries: [] }))).toEqual({ inconclusive: expect.stringMatching(/history could not be read/) as string });
  });

  it("no-strays is judged only on the run's pseudo-case", () => {
    expect(verdict("no-strays", evidence())).toMatchObject({ skipped: expect.stringMatching(/unexpected-deliveries/) as string });
  });
});

describe("checks that cannot judge say why instead of passing", () => {
  it("body checks skip when nothing arrived", () => {
    for (const name of ["exactly-once", "post-method", "token-preserved", "json-body", "run-schema", "run-identity", "terminal-status", "status-matches-api"]) {
      const result = verdict(name, evidence({ deliveries: [] }));
      expect(result && "skipped" in result, name).toBe(true);
    }
  });

  it("status-matches-api skips with the reason when the run cannot be read back", () => {
    const rest = evidence();
    delete rest.apiStatus;
    const result = verdict("status-matches-api", { ...rest, readBackSkipped: "on_completion is delete" });
    expect(result).toEqual({ skipped: "on_completion is delete" });
  });

  it("token-preserved never prints the token itself", () => {
    const result = verdict("token-preserved", evidence({ deliveries: [delivery({ target: "/hook/thread-run-1a2b3c4d" })] }));
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(result && "message" in result && result.message).toMatch(/token parameter is missing/);
  });

  it("token-preserved names a changed path while the token survived", () => {
    const result = verdict("token-preserved", evidence({ deliveries: [delivery({ target: TARGET.replace("/hook/", "/Hook/") })] }));
    expect(result && "message" in result && result.message).toMatch(/token parameter itself arrived intact/);
  });

  it("a duplicate is reported even when the first delivery was fine", () => {
    const result = verdict("post-method", evidence({ deliveries: [delivery(), delivery({ method: "GET" })] }));
    expect(result && "message" in result && result.message).toMatch(/^Delivery 2 of 2/);
  });

  it("delivered is recommended, not required, for a run cancelled while pending", () => {
    const pending = evidence({ deliveries: [], expect: { delivery: "recommended", why: "cancelled while pending" } });
    expect(check("delivered").severityFor?.(pending)).toBe("recommended");
    expect(verdict("delivered", pending)).toMatchObject({ check: "delivered" });
  });

  it("delivered allows silence where delivery is optional, and says why", () => {
    const rolledBack = evidence({ deliveries: [], expect: { delivery: "optional", why: "rollback deletes the run" } });
    expect(verdict("delivered", rolledBack)).toEqual({ skipped: "no webhook came, which is allowed: rollback deletes the run" });
  });

  it("outcome-status skips when the outcome prescribes nothing; error-described passes a success without error, and skips a run that announced no success", () => {
    expect(verdict("outcome-status", evidence())).toMatchObject({ skipped: expect.stringMatching(/prescribes no particular status/) as string });
    expect(verdict("error-described", evidence())).toBeUndefined();
    expect(verdict("error-described", evidence({ deliveries: [delivery({ body: runBody({ error: null }) })] }))).toBeUndefined();
    expect(verdict("error-described", evidence({ deliveries: [delivery({ body: runBody({ status: "interrupted" }) })] }))).toEqual({ skipped: "the run did not fail" });
  });

  it("error-described fails a webhook that announces success with an error", () => {
    const both = evidence({ deliveries: [delivery({ body: runBody({ error: { error: "ValueError", message: "raised on purpose" } }) })] });
    expect(verdict("error-described", both)).toMatchObject({
      check: "error-described",
      expected: expect.stringMatching(/no error on a webhook that announces success/) as string,
      received: expect.stringMatching(/status "success" with error \{"error":"ValueError"/) as string,
    });
  });

  it("exactly-once forgives a retry after a failed answer and counts a repeat after success", () => {
    const retry = evidence({ deliveries: [answered(delivery(), 500), answered(delivery({ receivedAt: 1_250 }), 204)] });
    expect(verdict("exactly-once", retry)).toBeUndefined();
    // The receiver held the first request 5 s; a second sent while it waited is a retry after a timeout.
    const afterHang = evidence({ deliveries: [answered(delivery(), 204, 5_000), answered(delivery({ receivedAt: 3_000 }), 204)] });
    expect(verdict("exactly-once", afterHang)).toBeUndefined();
    // A sender that took 5 s to upload the body, answered at once: a copy sent meanwhile is a duplicate.
    const slowUpload = evidence({ deliveries: [answered({ ...delivery(), completedAt: 5_990 }, 204, 5_000), answered(delivery({ receivedAt: 3_000 }), 204)] });
    expect(verdict("exactly-once", slowUpload)).toMatchObject({ check: "exactly-once" });
    const repeat = evidence({ deliveries: [answered(delivery(), 500), answered(delivery({ receivedAt: 1_250 }), 204), answered(delivery({ receivedAt: 1_600 }), 204)] });
    const result = verdict("exactly-once", repeat);
    expect(result && "message" in result && result.message).toMatch(/sent 2 webhooks for the run that the receiver accepted/);
    expect(result && "received" in result && result.received).toMatch(/\+0 ms → 500, \+250 ms → 204, \+600 ms → 204\); repeats after success at \+600 ms/);
  });

  it("refused-at-create lets a relative reference be accepted, but never a 5xx or a silent refusal", () => {
    const relative = { invalid: "a relative reference", mayAccept: "uri-reference", body: "{}" };
    expect(verdict("refused-at-create", evidence({ creation: { ...relative, status: 200 } }))).toBeUndefined();
    expect(verdict("refused-at-create", evidence({ creation: { ...relative, status: 500 } }))).toMatchObject({ message: expect.stringMatching(/answered 500/) as string });
    const silent = verdict("refused-at-create", evidence({ creation: { invalid: "an empty string", status: 422, body: "" } }));
    expect(silent).toMatchObject({ message: expect.stringMatching(/without saying why/) as string });
  });

  it("the hardening checks skip on runs of the standard profile", () => {
    for (const name of ["refused-at-create", "retried", "retries-bounded"]) expect(verdict(name, evidence())).toHaveProperty("skipped");
  });

  it("content-type-json accepts parameters and case", () => {
    const ok = evidence({ deliveries: [delivery({ headers: [["content-type", "Application/JSON; charset=utf-8"]] })] });
    expect(verdict("content-type-json", ok)).toBeUndefined();
  });

  it("json-body rejects bytes that are not UTF-8", () => {
    const bad = evidence({ deliveries: [delivery({ bodyBase64: Buffer.from([0x7b, 0xff, 0x7d]).toString("base64") })] });
    expect(verdict("json-body", bad)).toMatchObject({ check: "json-body" });
  });

  it("outcome-status judges the status the API reports, even when no webhook came", () => {
    const silent = evidence({ expect: { delivery: "required", statuses: ["error"] }, deliveries: [], apiStatus: "success" });
    expect(verdict("outcome-status", silent)).toMatchObject({ message: expect.stringMatching(/The API says the run ended "success", not as the outcome calls for; no webhook came either/) as string });
    // A run the API still shows running has not ended at all, and is not said to have.
    const running = evidence({ expect: { delivery: "required", statuses: ["interrupted"] }, deliveries: [], apiStatus: "running" });
    // Nothing says yet how it ends (review 22a: a slow but correct run is no failure; a cancel ignored fails its premise).
    expect(verdict("outcome-status", running)).toMatchObject({ inconclusive: expect.stringMatching(/still reports the run "running" after the suite's windows/) as string });
  });

  it("values-state: a stateless or interrupted run may leave values out; a finished thread run may not", () => {
    const absent = (overrides: Partial<RunEvidence>, body: Record<string, unknown> = {}): RunEvidence =>
      evidence({ ...overrides, deliveries: [delivery({ body: runBody({ values: undefined, ...body }) })] });
    expect(verdict("values-state", absent({ stateless: true }))).toHaveProperty("skipped");
    expect(verdict("values-state", absent({}, { status: "interrupted" }))).toHaveProperty("skipped");
    expect(verdict("values-state", absent({}))).toMatchObject({ message: expect.stringMatching(/does not carry the run's output \(values\)/) as string });
    expect(verdict("values-state", absent({ stateless: true }, { values: null }))).toHaveProperty("skipped");
    expect(verdict("values-state", evidence({ expect: { delivery: "optional", rolledBack: true } }))).toHaveProperty("skipped");
  });

  it("values-state holds values to what the graph was asked to return, whatever the API reads back", () => {
    const asked = evidence({ expectedValues: { text: INPUT.text }, state: { skipped: "no history" }, deliveries: [delivery({ body: runBody({ values: { ...STATE, text: INPUT.text.normalize("NFC") } }) })] });
    expect(verdict("values-state", asked)).toMatchObject({ message: expect.stringMatching(/does not carry exactly what the run returned/) as string });
    const fine = evidence({ expectedValues: { text: INPUT.text }, state: { skipped: "no history" } });
    expect(verdict("values-state", fine)).toBeUndefined();
  });

  it("timestamps accept +00:00 with microseconds, and a run that never started may lack run_started_at", () => {
    const python = evidence({ deliveries: [delivery({ body: runBody({ created_at: "2026-11-22T21:00:01.470123+00:00", run_started_at: "2026-11-22T21:00:01.600000+00:00", run_ended_at: "2026-11-22T21:00:02.470000+00:00", webhook_sent_at: "2026-11-22T21:00:02.471000+00:00" }) })] });
    expect(verdict("timestamps-present", python)).toBeUndefined();
    expect(verdict("timestamps-ordered", python)).toBeUndefined();
    const pending = evidence({ expect: { delivery: "recommended", neverStarted: true }, deliveries: [delivery({ body: runBody({ run_started_at: null }) })] });
    expect(verdict("timestamps-present", pending)).toBeUndefined();
    // Within the tolerance of a clock that keeps whole seconds.
    const coarse = evidence({ deliveries: [delivery({ body: runBody({ created_at: "2026-11-22T21:00:01.900Z", run_started_at: "2026-11-22T21:00:01Z" }) })] });
    expect(verdict("timestamps-ordered", coarse)).toBeUndefined();
  });

  it("timestamps-ordered holds created_at to the API's and updated_at after it (review 13)", () => {
    const api = "2026-11-22T21:00:01.470Z";
    const same = evidence({ apiCreatedAt: api });
    expect(verdict("timestamps-ordered", same)).toBeUndefined();
    // Python writes the same instant with +00:00 and microseconds: the same time.
    expect(verdict("timestamps-ordered", evidence({ apiCreatedAt: "2026-11-22T21:00:01.470123+00:00" }))).toBeUndefined();
    const moved = evidence({ apiCreatedAt: "2026-11-22T21:01:31.470Z" });
    expect(verdict("timestamps-ordered", moved)).toMatchObject({ received: expect.stringMatching(/created_at 2026-11-22T21:00:01\.470Z, -90 s from the API's/) as string });
    const stale = evidence({ deliveries: [delivery({ body: runBody({ updated_at: "2001-01-01T00:00:00Z" }) })] });
    expect(verdict("timestamps-ordered", stale)).toMatchObject({ message: expect.stringMatching(/last updated before it was created/) as string });
  });

  it("kwargs-input and values-state see a key named __proto__ (JSON.parse makes it an own key)", () => {
    const proto = JSON.parse('{"__proto__": {}}') as Record<string, unknown>;
    const withInput = evidence({ input: { sent: {} }, deliveries: [delivery({ body: runBody({ kwargs: { input: proto, config: {}, webhook: WEBHOOK } }) })] });
    expect(verdict("kwargs-input", withInput)).toMatchObject({ received: expect.stringContaining("at kwargs.input.__proto__: expected (absent)") as string });
    const values = JSON.parse('{"__proto__": {}, "text": 1}') as Record<string, unknown>;
    const withValues = evidence({ expectedValues: { text: 1 }, state: { values: { text: 1 }, source: "state" }, deliveries: [delivery({ body: runBody({ values }) })] });
    expect(verdict("values-state", withValues)).toBeDefined();
  });

  it("kwargs-input and values-state refuse a large integer written with a fraction or an exponent (equal only as doubles)", () => {
    const big = 9_007_199_254_740_991;
    const exact = JSON.stringify(runBody({ kwargs: { input: { number: big }, config: {}, webhook: WEBHOOK }, values: { number: big } }));
    const asInput = evidence({ input: { sent: { number: big } }, deliveries: [delivery({ rawBody: exact })] });
    expect(verdict("kwargs-input", asInput)).toBeUndefined();
    const written = evidence({ input: { sent: { number: big } }, deliveries: [delivery({ rawBody: exact.replace(`"input":{"number":${big}}`, '"input":{"number":9.007199254740991e15}') })] });
    expect(verdict("kwargs-input", written)).toMatchObject({ received: "the number 9.007199254740991e15 in the body" });
    const values = evidence({ expectedValues: { number: big }, state: { skipped: "no history" }, deliveries: [delivery({ rawBody: exact.replace(`"values":{"number":${big}}`, `"values":{"number":${big}.4}`) })] });
    expect(verdict("values-state", values)).toMatchObject({ received: `the number ${big}.4 in the body` });
    // The same digits inside a string are text, not a number.
    const quoted = evidence({ input: { sent: { number: big } }, deliveries: [delivery({ rawBody: exact.replace('"status":', '"note":"9.007199254740991e15","status":') })] });
    expect(verdict("kwargs-input", quoted)).toBeUndefined();
  });

  it("timestamps-ordered compares every pair, so slips within the tolerance do not add up, and holds the worker's millisecond times tight", () => {
    // Each neighbour 990 ms before the last: the webhook claims it was sent 2.97 s before the run was created.
    const chain = evidence({ deliveries: [delivery({ body: runBody({ created_at: "2026-11-22T21:00:12.121Z", run_started_at: "2026-11-22T21:00:11.131Z", run_ended_at: "2026-11-22T21:00:10.141Z", webhook_sent_at: "2026-11-22T21:00:09.151Z", updated_at: "2026-11-22T21:00:09.151Z" }) })] });
    expect(verdict("timestamps-ordered", chain)).toMatchObject({ expected: "run_started_at ≤ run_ended_at (within 50 ms)" });
    // The same chain in whole seconds: each neighbour within the tolerance, the ends of the chain not.
    const coarseChain = evidence({ deliveries: [delivery({ body: runBody({ created_at: "2026-11-22T21:00:12Z", run_started_at: "2026-11-22T21:00:11Z", run_ended_at: "2026-11-22T21:00:10Z", webhook_sent_at: "2026-11-22T21:00:09Z", updated_at: "2026-11-22T21:00:09Z" }) })] });
    expect(verdict("timestamps-ordered", coarseChain)).toMatchObject({ expected: "created_at ≤ run_ended_at (within 1000 ms)" });
    // One clock kept to the millisecond: an end 200 ms before the start is not a rounding.
    const reversed = evidence({ deliveries: [delivery({ body: runBody({ created_at: "2026-11-22T21:00:01.000Z", run_started_at: "2026-11-22T21:00:01.500Z", run_ended_at: "2026-11-22T21:00:01.300Z", webhook_sent_at: "2026-11-22T21:00:01.600Z", updated_at: "2026-11-22T21:00:01.600Z" }) })] });
    expect(verdict("timestamps-ordered", reversed)).toMatchObject({ expected: "run_started_at ≤ run_ended_at (within 50 ms)" });
    // The same slip in whole seconds, or against the database's created_at, is within the tolerance.
    const wholeSeconds = evidence({ deliveries: [delivery({ body: runBody({ created_at: "2026-11-22T21:00:01Z", run_started_at: "2026-11-22T21:00:02Z", run_ended_at: "2026-11-22T21:00:01Z", webhook_sent_at: "2026-11-22T21:00:02Z", updated_at: "2026-11-22T21:00:02Z" }) })] });
    expect(verdict("timestamps-ordered", wholeSeconds)).toBeUndefined();
    // Hundredths show a step of 10 ms (review 9): held to 50 ms. A start rounded to the second and written ".000" is whole seconds.
    const hundredths = evidence({ deliveries: [delivery({ body: runBody({ created_at: "2026-11-22T21:00:17.00Z", run_started_at: "2026-11-22T21:00:18.03Z", run_ended_at: "2026-11-22T21:00:17.05Z", webhook_sent_at: "2026-11-22T21:00:18.10Z", updated_at: "2026-11-22T21:00:18.10Z" }) })] });
    expect(verdict("timestamps-ordered", hundredths)).toMatchObject({ expected: "run_started_at ≤ run_ended_at (within 50 ms)" });
    const rounded = evidence({ deliveries: [delivery({ body: runBody({ created_at: "2026-11-22T21:00:32.100Z", run_started_at: "2026-11-22T21:00:33.000Z", run_ended_at: "2026-11-22T21:00:32.635Z", webhook_sent_at: "2026-11-22T21:00:32.640Z", updated_at: "2026-11-22T21:00:32.640Z" }) })] });
    expect(verdict("timestamps-ordered", rounded)).toBeUndefined();
    const twoClocks = evidence({ deliveries: [delivery({ body: runBody({ created_at: "2026-11-22T21:00:01.700Z", run_started_at: "2026-11-22T21:00:01.200Z", run_ended_at: "2026-11-22T21:00:01.900Z", webhook_sent_at: "2026-11-22T21:00:01.910Z", updated_at: "2026-11-22T21:00:01.910Z" }) })] });
    expect(verdict("timestamps-ordered", twoClocks)).toBeUndefined();
  });

  it("error-described accepts the Python server's {error, message}", () => {
    const python = evidence({ expect: { ...ERROR_RUN }, deliveries: [delivery({ body: runBody({ status: "error", error: { error: "ValueError", message: "boom" } }) })] });
    expect(verdict("error-described", python)).toBeUndefined();
  });

  it("a field the deployment leaves out on purpose (--allowed-fields) is not judged", () => {
    const narrow: CheckContext = { ...context, allowedFields: new Set(["run_id", "thread_id", "status"]) };
    const bare = evidence({ deliveries: [delivery({ body: runBody({ kwargs: undefined, values: undefined, run_ended_at: undefined }) })] });
    for (const name of ["kwargs-input", "kwargs-config", "kwargs-webhook", "values-state", "timestamps-present"]) {
      expect(check(name).run(bare, narrow), name).toMatchObject({ skipped: expect.stringMatching(/--allowed-fields/) as string });
    }
  });

  it("kwargs-webhook never prints the token", () => {
    const result = verdict("kwargs-webhook", evidence({ deliveries: [delivery({ body: runBody({ kwargs: { input: INPUT, config: {}, webhook: WEBHOOK.replace("Ab3x", "Zz9y") } }) })] }));
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(JSON.stringify(result)).not.toContain("Zz9yQ9");
  });

  it("timestamps-ordered holds webhook_sent_at to the arrival, within the clock skew, and a slept run to its length", () => {
    const arrived = Date.parse("2026-11-22T21:00:02.480Z");
    const strict: CheckContext = { ...context, clockSkewMs: 120_000 };
    const onTime = evidence({ deliveries: [delivery({ receivedAt: arrived })] });
    expect(check("timestamps-ordered").run(onTime, strict)).toBeUndefined();
    // A server that writes local time with a Z: nine hours off.
    const shifted = evidence({ deliveries: [delivery({ receivedAt: arrived + 9 * 3_600_000 })] });
    expect(check("timestamps-ordered").run(shifted, strict)).toMatchObject({ message: expect.stringMatching(/gives times that are not when things happened/) as string });
    // The graph slept 2 s; the times say it took 870 ms.
    const quick = evidence({ minRunMs: 2_000, deliveries: [delivery({ receivedAt: arrived })] });
    expect(check("timestamps-ordered").run(quick, strict)).toMatchObject({ message: expect.stringMatching(/took less time than its graph slept/) as string });
  });

  it("timestamps-ordered puts no time of the run, updated_at too, after the webhook arrived (review 14)", () => {
    const arrived = Date.parse("2026-11-22T21:00:02.480Z");
    const strict: CheckContext = { ...context, clockSkewMs: 120_000 };
    const ordered = check("timestamps-ordered");
    const future = evidence({ deliveries: [delivery({ receivedAt: arrived, body: runBody({ updated_at: "2099-01-01T00:00:00Z" }) })] });
    expect(ordered.run(future, strict)).toMatchObject({ expected: expect.stringMatching(/^updated_at no later than 120 s after the webhook arrived/) as string });
    // Without webhook_sent_at nothing else holds the end to the arrival.
    const ended = runBody({ webhook_sent_at: undefined, run_ended_at: "2026-11-22T21:10:00Z", updated_at: "2026-11-22T21:10:00Z" });
    expect(ordered.run(evidence({ deliveries: [delivery({ receivedAt: arrived, body: ended })] }), strict)).toMatchObject({
      expected: expect.stringMatching(/^run_ended_at no later than/) as string,
    });
    // Inside the skew (a target clock a minute ahead) is believed.
    const ahead = runBody({ updated_at: "2026-11-22T21:01:02.000Z" });
    expect(ordered.run(evidence({ deliveries: [delivery({ receivedAt: arrived, body: ahead })] }), strict)).toBeUndefined();
  });

  it("timestamps-ordered holds created_at to the create call's answer, for runs that cannot be read back (review 14)", () => {
    const ordered = check("timestamps-ordered");
    expect(ordered.run(evidence({ answeredCreatedAt: "2026-11-22T21:00:01.470Z" }), context)).toBeUndefined();
    const earlier = evidence({ answeredCreatedAt: "2026-11-22T21:00:21.470Z" });
    expect(ordered.run(earlier, context)).toMatchObject({
      expected: "created_at 2026-11-22T21:00:21.470Z (what the create call answered, within 1000 ms)",
      received: "created_at 2026-11-22T21:00:01.470Z, -20 s from the API's",
    });
    // A cron's fired run, known only by its webhook: not created before the cron, by the target's own clock.
    const cron = { at: "2026-11-22T21:00:01.000Z", what: "the cron that fired it was created" };
    expect(ordered.run(evidence({ createdNotBefore: cron }), context)).toBeUndefined();
    expect(ordered.run(evidence({ createdNotBefore: { ...cron, at: "2026-11-22T21:00:21.000Z" } }), context)).toMatchObject({
      expected: "created_at no earlier than 2026-11-22T21:00:21.000Z (when the cron that fired it was created; within 1000 ms)",
      message: expect.stringMatching(/says the run was created before the cron that fired it was created/) as string,
    });
  });

  it("timestamps-ordered holds the run's span to what the suite watched, and is inconclusive where the API gave no created_at (review 15)", () => {
    const ordered = check("timestamps-ordered");
    const sentAt = Date.parse("2026-11-22T21:00:01.400Z");
    const arrived = Date.parse("2026-11-22T21:00:02.480Z");
    const watched = (body: Record<string, unknown>): ReturnType<typeof evidence> => evidence({ createSentAt: sentAt, deliveries: [delivery({ receivedAt: arrived, body })] });
    expect(ordered.run(watched(runBody()), context)).toBeUndefined();
    // The end and the send moved 90 s later: each inside the clock skew, the span not.
    const stretched = runBody({ run_ended_at: "2026-11-22T21:01:32.470Z", updated_at: "2026-11-22T21:01:32.470Z", webhook_sent_at: "2026-11-22T21:01:32.471Z" });
    expect(ordered.run(watched(stretched), context)).toMatchObject({
      expected: "created_at to webhook_sent_at no longer than the 1080 ms from the suite's create call to the webhook's arrival (within 1000 ms)",
      message: expect.stringMatching(/lasted longer than the suite watched it/) as string,
    });
    // Whole seconds round a span up by less than the tolerance.
    const coarse = runBody({ created_at: "2026-11-22T21:00:01Z", run_started_at: "2026-11-22T21:00:01Z", run_ended_at: "2026-11-22T21:00:02Z", updated_at: "2026-11-22T21:00:02Z", webhook_sent_at: "2026-11-22T21:00:03Z" });
    expect(ordered.run(watched(coarse), context)).toBeUndefined();
    // A run that cannot be read back, whose create answer gave no created_at: nothing held the webhook's to the API's.
    const unheld = evidence({ apiCreatedAtMissing: "the create call's answer (a Run) has no created_at, and the run cannot be read back" });
    expect(ordered.run(unheld, context)).toEqual({ inconclusive: "the webhook's created_at cannot be held to the API's: the create call's answer (a Run) has no created_at, and the run cannot be read back" });
  });

  it("json-body refuses a byte order mark and a key given twice", () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(runBody()))]);
    expect(verdict("json-body", evidence({ deliveries: [delivery({ bodyBase64: bom.toString("base64") })] }))).toMatchObject({ message: expect.stringMatching(/starts with a byte order mark/) as string });
    const twice = `{"status":"error",${JSON.stringify(runBody()).slice(1)}`;
    expect(verdict("json-body", evidence({ deliveries: [delivery({ rawBody: twice })] }))).toMatchObject({ message: expect.stringMatching(/gives the key "status" twice in one object/) as string });
    // A key repeated in different objects, or inside a string, is fine.
    const nested = JSON.stringify({ ...runBody(), values: { status: "x", nested: { status: "y" } }, note: '"status":' });
    expect(verdict("json-body", evidence({ deliveries: [delivery({ rawBody: nested })] }))).toBeUndefined();
  });

  it("content-type-json refuses a charset that is not UTF-8", () => {
    const latin = evidence({ deliveries: [delivery({ headers: [["Content-Type", "application/json; charset=iso-8859-1"]] })] });
    expect(verdict("content-type-json", latin)).toMatchObject({ message: expect.stringMatching(/declares the charset iso-8859-1, but JSON is UTF-8/) as string });
  });

  it("expected-headers refuses an empty value where only the name was given", () => {
    const empty = evidence({ deliveries: [delivery({ headers: [["X-Webhook-Secret", "s3cr3t-value"], ["X-Deployment", " "]] })] });
    expect(verdict("expected-headers", empty)).toMatchObject({ received: "X-Deployment with an empty value" });
  });

  it("a deployment that leaves kwargs or status out (--allowed-fields) fails neither run-schema nor the status checks", () => {
    const narrow: CheckContext = { ...context, allowedFields: new Set(["run_id", "thread_id", "assistant_id", "created_at", "updated_at", "metadata", "multitask_strategy"]) };
    const bare = evidence({ deliveries: [delivery({ body: runBody({ kwargs: undefined, status: undefined }) })] });
    expect(check("run-schema").run(bare, narrow)).toBeUndefined();
    for (const name of ["terminal-status", "status-matches-api", "outcome-status"]) expect(check(name).run(bare, narrow), name).toHaveProperty("skipped");
  });
});

describe("a read replica that lags, told from a webhook sent early", () => {
  it("status-matches-api does not compare a run the API still reports running after its webhook", () => {
    expect(verdict("status-matches-api", evidence({ apiStatus: "running" }))).toMatchObject({ inconclusive: expect.stringMatching(/still reported the run "running"/) as string });
  });

  it("terminal-status is inconclusive where only reads could show when the run ended, and fails an early webhook", () => {
    expect(verdict("terminal-status", evidence({ endUnproven: "GET on the run still answered status \"running\" 1200 ms after its webhook arrived" }))).toMatchObject({ inconclusive: expect.stringMatching(/could not be shown/) as string });
    expect(verdict("terminal-status", evidence({ announcedBeforeEnd: "GET on the run still answered status \"running\" 3000 ms after its webhook arrived" }))).toMatchObject({ check: "terminal-status" });
  });

  it("delivered forgives a webhook after the deadline only where the run ended after it, by the suite's sight and by its own times", () => {
    const late = { deadlineAt: 5_000, deadlineMs: 5_000, createSentAt: 0, deliveries: [delivery({ receivedAt: 6_600 })] };
    // The run took 6.5 s by its own created_at and updated_at, and the suite saw it end at 6.5 s: announced at once.
    const slow = evidence({ ...late, terminalAt: 6_500, apiCreatedAt: "2026-12-02T00:00:00.000Z", apiUpdatedAt: "2026-12-02T00:00:06.500Z" });
    expect(verdict("delivered", slow)).toBeUndefined();
    // The same late webhook for a run that ended at 1 s by its own times, whose join was held open: late.
    const held = evidence({ ...late, terminalAt: 6_500, apiCreatedAt: "2026-12-02T00:00:00.000Z", apiUpdatedAt: "2026-12-02T00:00:01.000Z" });
    expect(verdict("delivered", held)).toMatchObject({ check: "delivered", received: expect.stringMatching(/after the deadline/) as string });
  });
});
