import type { CreatedRun, CreationProbe, Premise, Receiver, RunExpectation } from "../evidence.js";
import type { Answering } from "../sink/server.js";
import type { TargetClient } from "../api/client.js";

/** One HTTP request the suite made to create a run, kept so a failure can show how to reproduce it. */
export interface SentRequest {
  method: "POST" | "PATCH";
  path: string;
  body: unknown;
}

export interface DriveContext {
  api: TargetClient;
  /** The assistant (or graph) id the user named; sent as-is in create calls. */
  assistantId: string;
  /** The assistant's UUID as the target resolved it; the identity runs should carry. */
  resolvedAssistantId: string;
  input: unknown;
  /** Metadata that marks everything the suite creates, so it can be found and removed. */
  tag: Record<string, string>;
  /** Hands out a fresh webhook URL for one expected run and tells the sink to expect it. */
  hook(label: string, answering?: Answering): Promise<string>;
  /** Settles when the case's runs have all been observed; a receiver that hangs lets go then. */
  caseEnded: Promise<void>;
  /** Creates a tagged thread and remembers it for cleanup; `quiet` leaves it out of the reproduction command. */
  createThread(options?: { quiet?: boolean }): Promise<string>;
  trackThread(threadId: string): void;
  trackCron(cronId: string): void;
  /** Deletes a cron the case made now (so it fires no more), once read back with the run's tag. */
  deleteCron(cronId: string): Promise<void>;
  /** Records a create request for the report's reproduction command. */
  sent(request: SentRequest): void;
  /** A progress line for the user, prefixed with the case id. */
  say(message: string): void;
  /** Whether any request has arrived at a handed-out URL yet (no waiting). */
  hasDelivery(webhookUrl: string): boolean;
  /** Waits (bounded) for the first request at a handed-out URL; used where only a delivery reveals the run. */
  firstDelivery(webhookUrl: string, timeoutMs: number, waitingFor: string): Promise<CreatedRun | undefined>;
  /** Waits (bounded, without a progress line) for the first request at a handed-out URL; its body, if it is a JSON object. */
  firstBody(webhookUrl: string, timeoutMs: number): Promise<Record<string, unknown> | undefined>;
  /**
   * Waits (bounded) until requests at a URL name `runs` distinct runs (a cron fires one run per
   * firing at the same URL); returns the runs named so far, in order of arrival.
   */
  distinctRuns(webhookUrl: string, runs: number, timeoutMs: number, waitingFor: string): Promise<CreatedRun[]>;
  timeoutMs: number;
  cronTimeoutMs: number;
  /** The assistant runs the suite's conformance graph, whose outputs the suite knows. */
  conformanceGraph: boolean;
  /** How long one API call took in the preflight (the median), so waits scale with a slow target. */
  latencyMs: number;
}

/** A premise, and how the run is judged when it did not hold (a rollback that left the run in place must announce it). */
export interface PremiseCheck extends Premise {
  otherwise?: RunExpectation;
}

/** A run the suite expects exactly one webhook for. */
export interface DrivenRun {
  label: string;
  webhookUrl: string;
  created: CreatedRun;
  /** Why the suite cannot tell which run this is, where the published API says the target must name it. */
  unidentified?: string;
  /** How the target's account of the run contradicts what the suite asked for (another thread, another assistant), if it does. */
  misnamed?: string;
  /** Known only by its webhook: the marker its metadata must carry (see RunEvidence.identityMarker). */
  identityMarker?: { key: string; value: string };
  /**
   * When the suite's request that made this run went out, where that is not when its webhook URL
   * first went out (a run a cron fired before a PATCH gave it this URL was made by the cron's create).
   */
  sentAt?: number;
  /** The input the run was created with (its webhook's kwargs.input must equal it). */
  input?: unknown;
  /** The run's created_at in the create call's answer, as written. */
  answeredCreatedAt?: string;
  /** Why the API gave no created_at for the run where it should have (see RunEvidence.apiCreatedAtMissing). */
  apiCreatedAtMissing?: string;
  /** A time of the target's clock, as written, that the run cannot have been created before (the cron that fired it was created then). */
  createdNotBefore?: { at: string; what: string };
  /** A stateless run: its webhook may leave values out. */
  stateless?: boolean;
  /** Later runs on the same thread moved its state on (the state after this run is in the thread's history). */
  laterRuns?: boolean;
  /** What the run's webhook must carry in values exactly (what the graph was asked to return). */
  expectedValues?: Record<string, unknown>;
  /** The least time the run can take (its graph sleeps this long). */
  minRunMs?: number;
  /** What the case asked the target to do to the run, and whether it did (settles by the time the run has ended). */
  premise?: PremiseCheck | Promise<PremiseCheck>;
  /**
   * Where to read the run back after it ends; or why it cannot be, by the case's design
   * (`skipped`: the target deletes such runs) or because the target did not say where the run is
   * (`missing`: evidence the checks needed is then lacking, and they are inconclusive).
   */
  readBack: { thread_id: string; run_id: string } | { skipped: string } | { missing: string };
  /** Where several runs share one URL (a cron's firings): only deliveries naming this run_id are this run's. */
  runFilter?: string;
  /**
   * On a shared URL, the run ids the API or the deliveries showed for the cron. A request naming
   * none of them (junk, a made-up run, no JSON at all) is this run's to judge, so that nothing
   * sent to the URL goes unjudged; requests for another known firing are that firing's.
   */
  strangersAmong?: string[];
  /** What the webhook of this run must do; announced exactly once when absent. */
  expect?: RunExpectation;
  /**
   * For runs the suite itself ends (a cancel) or that must stay silent: how long after the end
   * a delivery may still come. Without it, the run has --timeout-ms from the start.
   */
  graceAfterEndMs?: number;
  /** The end `terminal` reports is one read through GET (after a cancel), which a lagging replica delays: no witness of when the run ended. */
  endFromReads?: true;
  /** Hardening: the receiver the sink plays for this run. */
  receiver?: Receiver;
  /** Hardening: the target's answer to a create call with an invalid webhook. */
  creation?: CreationProbe;
  /** How long after the first request to keep watching for more (retries), instead of the settle window. */
  observeMs?: number;
  /**
   * Settles, never rejecting, when the suite has seen the run end (by join, the stream closing, or
   * the wait returning); with `false` when it stopped waiting without seeing the end (a join that timed out).
   */
  terminal: Promise<boolean | void>;
}

export interface CaseDefinition {
  id: string;
  /** The operation under test, as "METHOD /path". */
  operation: string;
  title: string;
  /** Cron cases need the target's crons and a longer deadline. */
  cron: boolean;
  /** Outcome cases need the project's conformance graph, whose input selects what a run does. */
  needsGraph?: boolean;
  /** Hardening probes run only with --profile hardening; they may disrupt the target. */
  profile?: "hardening";
  /**
   * Runs alone, after every other case, one at a time: the probe may leave the target unable
   * to run anything, which must not be blamed on another case. With --local it gets a server of its own.
   */
  alone?: boolean;
  drive(context: DriveContext): Promise<DrivenRun[]>;
}

/** Thrown by a drive when the case cannot judge the target (its precondition failed); the case is reported skipped. */
export class CaseSkipped extends Error {}

/** Thrown by a case that could not gather what it needs from the target (a status it never got to read): neither a pass nor a failure. */
export class CaseInconclusive extends Error {}
