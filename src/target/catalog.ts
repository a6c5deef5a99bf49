import type { CaseDefinition } from "./drive-types.js";
import { threadRun, threadRunStream, threadRunWait } from "./operations/thread-runs.js";
import { statelessBatch, statelessRun, statelessRunDefault, statelessRunStream, statelessRunWait } from "./operations/stateless-runs.js";
import { cronPatch, statelessCron, threadCron } from "./operations/crons.js";

/** Every case, covering the ten webhook-capable operations of the published API. */
export const CATALOG: readonly CaseDefinition[] = [
  threadRun,
  threadRunStream,
  threadRunWait,
  threadCron,
  statelessRun,
  statelessRunDefault,
  statelessRunStream,
  statelessRunWait,
  statelessBatch,
  statelessCron,
  cronPatch,
];

export const CASE_IDS: readonly string[] = CATALOG.map((c) => c.id);

export function caseById(id: string): CaseDefinition | undefined {
  return CATALOG.find((c) => c.id === id);
}
