import { ConformanceError } from "../errors.js";
import type { TargetClient, TargetResponse } from "./client.js";

export interface Preflight {
  info: Record<string, unknown>;
  resolvedAssistantId: string;
  /** The graph behind the assistant; outcome cases need the project's conformance graph. */
  graphId?: string;
  crons: { supported: boolean; reason?: string };
}

function credentialHint(status: number): string {
  return status === 401
    ? "the target wants credentials: pass --api-key (or set LANGGRAPH_API_KEY) or the header it expects with -H"
    : "the credentials were refused: check --api-key and any -H headers";
}

/** GET /info answers on every LangGraph API server; its shape tells the suite it is talking to one. */
export async function preflightInfo(api: TargetClient): Promise<Record<string, unknown>> {
  const response = await api.send("GET", "/info", undefined, { timeoutMs: 15_000 });
  if (response.status === 401 || response.status === 403) {
    throw new ConformanceError("LGWC_TARGET_UNREACHABLE", `GET /info answered HTTP ${response.status}: ${credentialHint(response.status)}.`);
  }
  const info = response.json;
  if (response.status !== 200 || info === null || typeof info !== "object" || Array.isArray(info)) {
    throw new ConformanceError(
      "LGWC_NOT_LANGGRAPH",
      `${api.baseUrl} is not a LangGraph API server: GET /info answered HTTP ${response.status} ${snippet(response)}; check --target.`,
    );
  }
  return info as Record<string, unknown>;
}

function snippet(response: TargetResponse): string {
  const text = response.text.replace(/\s+/g, " ").trim();
  return text === "" ? "with an empty body" : `with ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`;
}

async function resolveAssistant(api: TargetClient, assistantId: string): Promise<{ id: string; graphId?: string }> {
  const response = await api.send("GET", `/assistants/${encodeURIComponent(assistantId)}`);
  const found = response.json as { assistant_id?: unknown; graph_id?: unknown } | undefined;
  if (response.status === 200 && typeof found?.assistant_id === "string") {
    return typeof found.graph_id === "string" ? { id: found.assistant_id, graphId: found.graph_id } : { id: found.assistant_id };
  }
  if (response.status === 401 || response.status === 403) {
    throw new ConformanceError("LGWC_TARGET_UNREACHABLE", `GET /assistants answered HTTP ${response.status}: ${credentialHint(response.status)}.`);
  }
  const search = await api.send("POST", "/assistants/search", { limit: 20 });
  const known = Array.isArray(search.json)
    ? (search.json as { graph_id?: unknown; assistant_id?: unknown }[]).map((a) => String(a.graph_id ?? a.assistant_id))
    : [];
  const list = known.length > 0 ? `the target has ${[...new Set(known)].join(", ")}` : "the target lists no assistants";
  throw new ConformanceError(
    "LGWC_ASSISTANT_MISSING",
    `The assistant "${assistantId}" does not exist on the target (${list}); pass one of them with --assistant-id, or deploy the conformance graph (see the README).`,
  );
}

export async function preflight(api: TargetClient, assistantId: string): Promise<Preflight> {
  const info = await preflightInfo(api);
  const assistant = await resolveAssistant(api, assistantId);
  const flags = info.flags as Record<string, unknown> | undefined;
  const crons =
    flags?.crons === false
      ? { supported: false, reason: "the target's GET /info reports flags.crons = false, so it does not run crons" }
      : { supported: true };
  const result: Preflight = { info, resolvedAssistantId: assistant.id, crons };
  if (assistant.graphId !== undefined) result.graphId = assistant.graphId;
  return result;
}
