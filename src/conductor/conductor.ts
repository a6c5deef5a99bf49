import type { CaseResult } from "../report/types.js";
import type { Redactor } from "../report/redact.js";
import type { Sink } from "../sink/server.js";
import { caseById } from "../target/catalog.js";
import { runCase, type CaseDeps } from "../target/run-case.js";
import type { CaseDefinition } from "../target/drive-types.js";
import { deleteOne, sweep } from "../target/cleanup.js";

/** What every case needs, plus what the conductor decides for all of them. */
export interface ConductorSettings extends Omit<CaseDeps, "created" | "sink"> {
  sink: Sink;
  cronsSupported: boolean;
  /** Why outcome cases cannot run (the assistant is not the conformance graph), if they cannot. */
  noConformanceGraph?: string;
  redactor: Redactor;
}


function skipped(definition: CaseDefinition, reason: string): CaseResult {
  return {
    id: definition.id,
    operation: definition.operation,
    title: definition.title,
    outcome: "skipped",
    reason,
    deliveries: 0,
    durationMs: 0,
    reproduce: "",
    checks: [],
    runs: [],
  };
}

/**
 * Drives cases against the target from the suite's main process, many at once, so that a run
 * takes about as long as its slowest case rather than the sum of them. Playwright's workers ask
 * it for each case's result; a retry asks for a fresh attempt. Everything a case creates on the
 * target is deleted when the case ends, and anything still left when the suite stops.
 */
export class Conductor {
  private readonly attempts = new Map<string, Promise<CaseResult>>();
  private readonly threads = new Set<string>();
  private readonly crons = new Set<string>();
  private readonly cleanupProblems: string[] = [];

  constructor(private readonly settings: ConductorSettings) {}

  /** Starts every case now; results are kept for the workers. */
  startAll(caseIds: readonly string[]): void {
    for (const id of caseIds) void this.result(id, 0);
  }

  result(caseId: string, attempt: number): Promise<CaseResult> {
    const key = `${caseId}#${attempt}`;
    let pending = this.attempts.get(key);
    if (pending === undefined) {
      pending = this.drive(caseId);
      this.attempts.set(key, pending);
    }
    return pending;
  }

  private async drive(caseId: string): Promise<CaseResult> {
    const definition = caseById(caseId);
    if (definition === undefined) throw new Error(`unknown case ${caseId}`);
    const s = this.settings;
    if (definition.cron && !s.cronsSupported) {
      return skipped(definition, "the target's GET /info reports flags.crons = false, so it does not run crons");
    }
    if (definition.needsGraph && s.noConformanceGraph !== undefined) {
      return skipped(definition, s.noConformanceGraph);
    }
    const threads = new Set<string>();
    const crons = new Set<string>();
    const deps: CaseDeps = {
      ...s,
      progress: (line) => s.progress(s.redactor.text(line)),
      created: {
        thread: (id) => {
          threads.add(id);
          this.threads.add(id);
        },
        cron: (id) => {
          crons.add(id);
          this.crons.add(id);
        },
      },
    };
    try {
      return s.redactor.deep(await runCase(definition, deps));
    } finally {
      await this.remove(crons, threads);
    }
  }

  /** Crons first, so none fires into a thread that is being deleted. */
  private async remove(crons: Set<string>, threads: Set<string>): Promise<void> {
    for (const [ids, base, all] of [
      [crons, "/runs/crons/", this.crons],
      [threads, "/threads/", this.threads],
    ] as const) {
      await Promise.all(
        [...ids].map(async (id) => {
          const problem = await deleteOne(this.settings.api, base, id);
          if (problem === undefined) all.delete(id);
          else this.cleanupProblems.push(problem);
        }),
      );
    }
  }

  /** Waits for every case started so far, then removes whatever is still left on the target. */
  async finish(): Promise<string[]> {
    await Promise.allSettled([...this.attempts.values()]);
    await this.abandon();
    return [...this.cleanupProblems];
  }

  /**
   * Removes what is known to exist now, then anything else carrying this run's tag (a cron that
   * fired twice makes threads the suite never heard of), without waiting for cases to end.
   */
  async abandon(): Promise<void> {
    await this.remove(new Set(this.crons), new Set(this.threads));
    const swept = await sweep(this.settings.api, this.settings.tag, { crons: this.settings.cronsSupported });
    this.cleanupProblems.push(...swept.problems);
  }
}
