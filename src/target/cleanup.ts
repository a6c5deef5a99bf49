import type { TargetClient } from "./client.js";

/** The metadata every thread and cron the suite creates carries, whatever the run. */
export const SUITE_MARK = { lg_webhook_conformance: "suite" } as const;
export const RUN_KEY = "lg_webhook_conformance_run";

export function runTag(tag: string): Record<string, string> {
  return { ...SUITE_MARK, [RUN_KEY]: tag };
}

export interface SweepResult {
  threads: number;
  crons: number;
  problems: string[];
}

const PAGE = 100;
const MAX_PAGES = 100;
const TIMEOUT_MS = 10_000;

async function ids(api: TargetClient, path: string, key: string, metadata: Record<string, string>, problems: string[]): Promise<string[]> {
  const found: string[] = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await api
      .send("POST", path, { metadata, limit: PAGE, offset: page * PAGE }, { timeoutMs: TIMEOUT_MS })
      .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    if (typeof answer === "string" || answer.status < 200 || answer.status >= 300 || !Array.isArray(answer.json)) {
      const why = typeof answer === "string" ? answer : `HTTP ${answer.status} ${answer.text.slice(0, 120)}`;
      problems.push(`POST ${path} could not list them (${why})`);
      break;
    }
    const items = answer.json as Record<string, unknown>[];
    for (const item of items) if (typeof item[key] === "string") found.push(item[key]);
    if (items.length < PAGE) break;
  }
  return [...new Set(found)];
}

/** Deletes one thread or cron ("/threads/" or "/runs/crons/" + id); gone already is fine. Returns what went wrong, if anything. */
export async function deleteOne(api: TargetClient, base: string, id: string): Promise<string | undefined> {
  const answer = await api
    .send("DELETE", `${base}${id}`, undefined, { timeoutMs: TIMEOUT_MS })
    .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  if (typeof answer === "string") return `DELETE ${base}${id} failed: ${answer}`;
  if ((answer.status >= 200 && answer.status < 300) || answer.status === 404) return undefined;
  return `DELETE ${base}${id} answered HTTP ${answer.status}`;
}

/**
 * Deletes every cron, then every thread, whose metadata carries `metadata` (the suite's mark, or
 * one run's tag). Only what the suite marked is touched.
 */
export async function sweep(api: TargetClient, metadata: Record<string, string>, options: { crons: boolean }): Promise<SweepResult> {
  const problems: string[] = [];
  const result: SweepResult = { threads: 0, crons: 0, problems };
  const kinds = [
    ["crons", "/runs/crons/search", "cron_id", "/runs/crons/"],
    ["threads", "/threads/search", "thread_id", "/threads/"],
  ] as const;
  // A target without crons (GET /info says so) has none to list.
  for (const [kind, search, key, base] of kinds.filter(([kind]) => options.crons || kind !== "crons")) {
    for (const id of await ids(api, search, key, metadata, problems)) {
      const problem = await deleteOne(api, base, id);
      if (problem === undefined) result[kind] += 1;
      else problems.push(problem);
    }
  }
  return result;
}
