import type { CaseResult } from "./types.js";

/** One finding: a check that failed (or could not judge) on some cases, or cases that did not finish. */
export interface Finding {
  key: string;
  title: string;
  kind: "required" | "recommended" | "inconclusive" | "case";
  items: { c: CaseResult; message: string; expected?: string; received?: string }[];
}

/** Every finding of a run, each check once with the cases it failed on: case failures first, then required, could-not-judge, recommended. */
export function findingsOf(cases: readonly CaseResult[]): Finding[] {
  const byKey = new Map<string, Finding>();
  const add = (key: string, title: string, kind: Finding["kind"], item: Finding["items"][number]): void => {
    const finding = byKey.get(key) ?? { key, title, kind, items: [] };
    finding.items.push(item);
    byKey.set(key, finding);
  };
  for (const c of cases) {
    const judged = c.checks.filter((k) => k.outcome === "failed" || k.outcome === "inconclusive");
    for (const k of judged) {
      const kind = k.outcome === "inconclusive" ? "inconclusive" : k.severity;
      add(`${kind}:${k.name}`, k.name, kind, { c, message: k.message, ...(k.expected === undefined ? {} : { expected: k.expected }), ...(k.received === undefined ? {} : { received: k.received }) });
    }
    // A case that failed or could not be judged without any check saying so (it did not finish): its reason is the finding.
    if (judged.length === 0 && (c.outcome === "failed" || c.outcome === "inconclusive" || c.outcome === "flaky")) add(`case:${c.outcome}`, `cases ${c.outcome}`, "case", { c, message: c.reason ?? c.outcome });
  }
  const order: Finding["kind"][] = ["case", "required", "inconclusive", "recommended"];
  return [...byKey.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}


/** Beside the curls of a --local run: the server they name is gone when the run ends. */
export const REPLAY_LOCAL =
  "This run's embedded server stopped when the run ended. To replay a curl, start one with `lg-webhook-conformance serve-local` and put the URL it prints in place of the curl's http://127.0.0.1:PORT.";
