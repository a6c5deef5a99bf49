import { describe, expect, it } from "vitest";
import { CHECKS } from "../src/checks/index.js";
import type { Check, CheckContext } from "../src/checks/types.js";
import { RUN_SCHEMA } from "../src/schema/run-schema.js";
import { compileRunValidator } from "../src/schema/validate.js";
import type { Delivery, RunEvidence, RunExpectation } from "../src/evidence.js";
import { delivery, evidence, runBody, TOKEN, TARGET } from "./helpers/evidence.js";

const context: CheckContext = { validateRun: compileRunValidator(RUN_SCHEMA, "built-in") };

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
    passing: evidence({ expect: { delivery: "required", statuses: ["interrupted"] }, deliveries: [delivery({ body: runBody({ status: "interrupted" }) })] }),
    failing: evidence({ expect: { delivery: "required", statuses: ["interrupted"] } }),
    says: /reports the wrong outcome/,
    expected: /"interrupted"/,
    received: /"success"/,
  },
  {
    name: "error-described",
    passing: evidence({ expect: { ...ERROR_RUN }, deliveries: [delivery({ body: runBody({ status: "error", error: "boom" }) })] }),
    failing: evidence({ expect: { ...ERROR_RUN }, deliveries: [delivery({ body: runBody({ status: "error", error: "" }) })] }),
    says: /without saying why/,
    received: /""/,
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

/** A delivery as the sink answered it. */
function answered(d: Delivery, status: number, afterMs = 1): Delivery {
  return { ...d, answer: { status, at: d.receivedAt + afterMs } };
}

describe("every check passes on conformant evidence and fails on broken evidence", () => {
  it("covers every registered check", () => {
    expect(cases.map((c) => c.name).sort()).toEqual(CHECKS.map((c) => c.name).sort());
  });

  for (const c of cases) {
    it(`${c.name} passes on a conformant delivery`, () => {
      expect(verdict(c.name, c.passing ?? evidence())).toBeUndefined();
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

  it("outcome-status and error-described skip when the outcome prescribes nothing", () => {
    expect(verdict("outcome-status", evidence())).toMatchObject({ skipped: expect.stringMatching(/prescribes no particular status/) as string });
    expect(verdict("error-described", evidence())).toEqual({ skipped: "the run did not fail" });
  });

  it("exactly-once forgives a retry after a failed answer and counts a repeat after success", () => {
    const retry = evidence({ deliveries: [answered(delivery(), 500), answered(delivery({ receivedAt: 1_250 }), 204)] });
    expect(verdict("exactly-once", retry)).toBeUndefined();
    // The receiver held the first request 5 s; a second sent while it waited is a retry after a timeout.
    const afterHang = evidence({ deliveries: [answered(delivery(), 204, 5_000), answered(delivery({ receivedAt: 3_000 }), 204)] });
    expect(verdict("exactly-once", afterHang)).toBeUndefined();
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
});
