import { readFileSync } from "node:fs";
import { ConformanceError } from "./errors.js";
import type { Expectation } from "./report/gate.js";
import type { Windows } from "./conductor/windows.js";

/**
 * Everything the suite's main process decided for a run: what the certification records. It stays
 * in the main process; Playwright's processes get only the SpecRuntime below.
 */
export interface Runtime {
  suite: { name: string; version: string };
  /** With --local: which embedded server it was. Its URL is a fresh loopback port each run, so shards of one split compare this instead. */
  target: { url: string; info: unknown; embedded?: string };
  assistant: { requested: string; resolved: string };
  input: unknown;
  /** The windows as given (--settle-ms, --timeout-ms, --cron-timeout-ms); `windows` holds them as used, scaled by the target's latency. */
  settleMs: number;
  timeoutMs: number;
  cronTimeoutMs: number;
  windows: Windows;
  workers: number;
  /** Playwright retries per case (a case that passes only on a retry is flaky). */
  retries: number;
  /** Where the run writes its reports: the report folder's staging folder, which takes the report folder's place when they are all written. */
  reportDir: string;
  /** --traces: Playwright's own reports are kept in the report folder's traces/ (otherwise they go away with the run). */
  keepTraces: boolean;
  sink: { url: string };
  /** Loopback URL of the main process's control server (results, strays). */
  control: string;
  schema: {
    source: string;
    version?: string;
    schema: Record<string, unknown>;
    /** How the target's own /openapi.json compares with the schema used, when the target serves one. */
    target: { available: false; reason: string } | { available: true; differences: string[] };
  };
  crons: { supported: boolean; reason?: string };
  cases: string[];
  /** Every case of the profile, so the certificate can say which it did not cover. */
  profileCases: string[];
  checks: string[];
  /** --allowed-fields: the only top-level fields the deployment's webhooks carry; the checks of others are not judged. */
  allowedFields?: string[];
  /** --clock-skew-ms: how far the target's clock may be off. */
  clockSkewMs: number;
  /** The names of the headers --expect-header asked for (their values are secrets): with any, expected-headers is a required check like the rest. */
  expectedHeaders?: string[];
  profile: "standard" | "hardening";
  /** Load mode's settings, when --repeat was given. */
  load?: { repeat: number; concurrency: number };
  runTag: string;
  /** This run's share of the cases, when the matrix is spread over machines. */
  shard?: { index: number; total: number };
  startedAt: string;
  commandLine: string;
  /** Failures the user accepts for now (--expect-failures). */
  expectations?: Expectation[];
  strictExpectations?: boolean;
  /** Ed25519 private key (PEM file) that signs certification.json, when given. */
  signKeyPath?: string;
}

/**
 * What Playwright's config, workers and reporter need, handed over in one file named by
 * LGWC_RUNTIME. It holds no secret: the credentials stay in the main process, which alone talks
 * to the target and writes the certification.
 */
export interface SpecRuntime {
  /** Loopback URL of the main process's control server (results, and the tests' outcomes at the end). */
  control: string;
  reportDir: string;
  /** Where Playwright writes its own reports and test output: the report folder's traces/, or a folder removed when the run ends. */
  tracesDir: string;
  workers: number;
  retries: number;
  runTag: string;
  cases: string[];
  settleMs: number;
  timeoutMs: number;
  cronTimeoutMs: number;
  load?: { repeat: number; concurrency: number };
}

export function specRuntimeOf(runtime: Runtime, tracesDir: string): SpecRuntime {
  const spec: SpecRuntime = {
    control: runtime.control,
    reportDir: runtime.reportDir,
    tracesDir,
    workers: runtime.workers,
    retries: runtime.retries,
    runTag: runtime.runTag,
    cases: runtime.cases,
    // The spec's time budgets follow the windows as used.
    settleMs: runtime.windows.settleMs,
    timeoutMs: runtime.windows.deadlineMs,
    cronTimeoutMs: runtime.windows.cronDeadlineMs,
  };
  if (runtime.load !== undefined) spec.load = runtime.load;
  return spec;
}

export const RUNTIME_ENV = "LGWC_RUNTIME";

export function loadRuntime(): SpecRuntime {
  const path = process.env[RUNTIME_ENV];
  if (!path) {
    throw new ConformanceError(
      "LGWC_CONFIG",
      `${RUNTIME_ENV} is not set: the specs are run by the lg-webhook-conformance command, not by Playwright directly.`,
    );
  }
  return JSON.parse(readFileSync(path, "utf8")) as SpecRuntime;
}

