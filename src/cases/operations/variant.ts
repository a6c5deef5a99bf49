import type { RunExpectation } from "../../evidence.js";
import type { CaseDefinition, DriveContext, DrivenRun } from "../drive-types.js";

/**
 * How a case bends a basic operation towards one outcome: the input it gives the conformance
 * graph, what the webhook must then say, and anything the suite does to the run once created.
 */
export interface Variant {
  /** Appended to the case id, e.g. "error" makes "thread-run-error". */
  suffix: string;
  title: string;
  /** Replaces the user's --input; only meaningful with the conformance graph. */
  input?: unknown;
  /** Extra fields for the create body (after_seconds, interrupt_before, …). */
  body?: Record<string, unknown>;
  expect?: RunExpectation;
  /** What the run's webhook must carry in values exactly (what the graph is asked to return). */
  values?: Record<string, unknown>;
  /** Acts on the run after it is created (e.g. cancels it), and says when it ended. */
  act?(context: DriveContext, run: DrivenRun): Promise<DrivenRun>;
}

export const SUCCESS: Variant = { suffix: "", title: "" };

export function caseId(base: string, variant: Variant): string {
  return variant.suffix ? `${base}-${variant.suffix}` : base;
}

export function caseTitle(base: string, variant: Variant): string {
  return variant.title ? `${base}, ${variant.title}` : base;
}

/**
 * What a run that should simply succeed must say, when the suite knows the graph: the conformance
 * graph given no mode (or "succeed") ends success with result "done:succeed". With another
 * assistant, or an input that asks for something else, nothing is known beyond the run's end.
 */
export function plainSuccess(context: DriveContext): Pick<DrivenRun, "expect" | "expectedValues"> {
  const mode = (context.input as { mode?: unknown } | null)?.mode;
  if (!context.conformanceGraph || (mode !== undefined && mode !== "succeed")) return {};
  return { expect: { delivery: "required", statuses: ["success"] }, expectedValues: { result: "done:succeed" } };
}

/** Builds the case definition for a basic operation under a variant. */
export function defineVariant(
  base: { id: string; operation: string; title: string },
  variant: Variant,
  drive: (context: DriveContext) => Promise<DrivenRun[]>,
): CaseDefinition {
  return {
    id: caseId(base.id, variant),
    operation: base.operation,
    title: caseTitle(base.title, variant),
    cron: false,
    needsGraph: variant !== SUCCESS,
    async drive(context) {
      const scoped: DriveContext = variant.input === undefined ? context : { ...context, input: variant.input };
      const runs = await drive(scoped);
      const known = variant === SUCCESS ? plainSuccess(scoped) : {};
      const shaped = runs.map((run) => ({
        ...run,
        ...known,
        ...(variant.expect ? { expect: variant.expect } : {}),
        ...(variant.values ? { expectedValues: variant.values } : {}),
      }));
      return variant.act ? Promise.all(shaped.map((run) => variant.act!(scoped, run))) : shaped;
    },
  };
}
