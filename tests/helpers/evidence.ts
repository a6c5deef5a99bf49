import type { Delivery, RunEvidence } from "../../src/evidence.js";

export const RUN_ID = "01a2050f-0a8e-71d9-a457-ff27cd791aae";
export const THREAD_ID = "b7ef51ff-ba5b-4beb-90ae-c8c1687af5e7";
export const ASSISTANT_ID = "484bc00c-80cf-56ce-b390-8c99ad3eab57";
export const TOKEN = "Ab3xQ9-_.~%2Bzz";
export const WEBHOOK = `http://127.0.0.1:4000/hook/thread-run-1a2b3c4d?token=${TOKEN}`;
export const TARGET = `/hook/thread-run-1a2b3c4d?token=${TOKEN}`;

/** The input the suite sent with the run, and the state its graph ended with. */
export const INPUT = { mode: "succeed", text: "中文 한국어 😀 e\u0301" };
export const STATE = { ...INPUT, result: "done:succeed" };

/** A Run body as a conformant server sends it, with the documented additions. */
export function runBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    run_id: RUN_ID,
    thread_id: THREAD_ID,
    assistant_id: ASSISTANT_ID,
    created_at: "2026-11-22T21:00:01.470Z",
    updated_at: "2026-11-22T21:00:02.470Z",
    status: "success",
    metadata: {},
    kwargs: { input: INPUT, config: { configurable: {} }, webhook: WEBHOOK },
    multitask_strategy: "reject",
    run_started_at: "2026-11-22T21:00:01.600Z",
    run_ended_at: "2026-11-22T21:00:02.470Z",
    webhook_sent_at: "2026-11-22T21:00:02.471Z",
    values: STATE,
    ...overrides,
  };
}

export function delivery(overrides: Partial<Delivery> & { body?: unknown; rawBody?: string } = {}): Delivery {
  const { body, rawBody, ...rest } = overrides;
  const text = rawBody ?? JSON.stringify(body ?? runBody());
  const receivedAt = rest.receivedAt ?? 1_000;
  // The sink answers 204 at once unless a probe tells it otherwise.
  return {
    answer: { status: 204, at: receivedAt + 1 },
    method: "POST",
    target: TARGET,
    headers: [
      ["Host", "127.0.0.1:4000"],
      ["Content-Type", "application/json"],
    ],
    bodyBase64: Buffer.from(text, "utf8").toString("base64"),
    truncated: false,
    receivedAt: 1_000,
    ...rest,
  };
}

export function evidence(overrides: Partial<RunEvidence> = {}): RunEvidence {
  return {
    label: "the run",
    webhookUrl: WEBHOOK,
    created: { run_id: RUN_ID, thread_id: THREAD_ID, assistant_id: ASSISTANT_ID },
    terminalAt: 900,
    apiStatus: "success",
    deliveries: [delivery()],
    expect: { delivery: "required" },
    deadlineMs: 30_000,
    settleMs: 3_000,
    input: { sent: INPUT },
    state: { values: STATE, source: "the newest checkpoint of the run in the thread's history" },
    ...overrides,
  };
}
