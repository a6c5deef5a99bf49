import { ConformanceError, describeError } from "../errors.js";
import { asRecord, records, stringField } from "../json.js";
function credentialHint(status) {
    return status === 401
        ? "the target wants credentials: pass --api-key (or set LANGGRAPH_API_KEY) or the header it expects with -H"
        : "the credentials were refused: check --api-key and any -H headers";
}
/** GET /info answers on every LangGraph API server; its shape tells the suite it is talking to one. */
/**
 * Some compatible servers have no GET /info although their API works: one whose assistant search
 * answers is taken for an API server all the same.
 */
async function answersAssistantSearch(api) {
    const search = await api.send("POST", "/assistants/search", { limit: 1 }).catch(() => undefined);
    return search?.status === 200 && Array.isArray(search.json);
}
/** The answer of /info, or null for a server without /info whose API answers all the same. */
export async function preflightInfo(api) {
    const response = await api.send("GET", "/info");
    if (response.status === 401 || response.status === 403) {
        throw new ConformanceError("LGWC_TARGET_UNREACHABLE", `GET /info answered HTTP ${response.status}: ${credentialHint(response.status)}.`);
    }
    const info = asRecord(response.json);
    if (response.status === 404 && (await answersAssistantSearch(api)))
        return null;
    if (response.status !== 200 || info === undefined) {
        throw new ConformanceError("LGWC_NOT_LANGGRAPH", `${api.baseUrl} is not a LangGraph API server: GET /info answered HTTP ${response.status} ${snippet(response)}; ${redirectHint(response, api.baseUrl) ?? "check --target"}.`);
    }
    return info;
}
/** Where a redirect pointed, so the user can give that URL instead (the suite follows none). */
function redirectHint(response, baseUrl) {
    if (response.status < 300 || response.status >= 400)
        return undefined;
    const location = response.headers.location;
    const where = Array.isArray(location) ? location[0] : location;
    if (!where)
        return "it redirects without saying where; check --target";
    // A relative Location ("/langgraph/info") is read against the request's URL, so the advice is a URL --target takes.
    const absolute = URL.canParse(where, `${baseUrl}/info`) ? new URL(where, `${baseUrl}/info`).href : where;
    const base = absolute.replace(/\/info\/?(\?.*)?$/, "");
    return `it redirects to ${JSON.stringify(where.length > 200 ? `${where.slice(0, 200)}…` : where)}; the suite follows no redirects, so pass ${base === absolute ? "the server's base URL there" : JSON.stringify(base)} as --target`;
}
function snippet(response) {
    const text = response.text.replace(/\s+/g, " ").trim();
    return text === "" ? "with an empty body" : `with ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`;
}
async function resolveAssistant(api, assistantId) {
    const response = await api.send("GET", `/assistants/${encodeURIComponent(assistantId)}`);
    const id = stringField(response.json, "assistant_id");
    if (response.status === 200 && id !== undefined) {
        const graphId = stringField(response.json, "graph_id");
        return graphId === undefined ? { id } : { id, graphId };
    }
    if (response.status === 401 || response.status === 403) {
        throw new ConformanceError("LGWC_TARGET_UNREACHABLE", `GET /assistants answered HTTP ${response.status}: ${credentialHint(response.status)}.`);
    }
    const search = await api.send("POST", "/assistants/search", { limit: 20 });
    const known = records(search.json)
        .map((a) => stringField(a, "graph_id") ?? stringField(a, "assistant_id"))
        .filter((name) => name !== undefined)
        .map((name) => (name.length > 60 ? `${name.slice(0, 60)}…` : name))
        .slice(0, 20);
    const list = known.length > 0 ? `the target has ${[...new Set(known)].join(", ")}` : "the target lists no assistants";
    throw new ConformanceError("LGWC_ASSISTANT_MISSING", `The assistant "${assistantId}" does not exist on the target (${list}); pass one of them with --assistant-id, or deploy the conformance graph (see the README).`);
}
export async function preflight(api, assistantId) {
    const started = Date.now();
    const info = await preflightInfo(api);
    const between = Date.now();
    const assistant = await resolveAssistant(api, assistantId);
    const afterAssistant = Date.now();
    // The run endpoints may be slower than /info: one read-only call on threads is timed too (its answer does not matter).
    await api.send("POST", "/threads/search", { limit: 1, metadata: { lg_webhook_conformance: "suite" } }).catch(() => undefined);
    const latencyMs = Math.max(between - started, afterAssistant - between, Date.now() - afterAssistant);
    const flags = asRecord(info?.flags);
    const crons = info === null
        ? { supported: true, reason: "the target has no GET /info, so whether it runs crons is unknown: the cron cases are tried, and their answers reported" }
        : flags?.crons === false
            ? { supported: false, reason: "the target's GET /info reports flags.crons = false, so it does not run crons" }
            : { supported: true };
    const result = { info, resolvedAssistantId: assistant.id, crons, latencyMs };
    if (assistant.graphId !== undefined)
        result.graphId = assistant.graphId;
    return result;
}
/**
 * Whether the assistant runs the conformance graph, for a target that does not say which graph an
 * assistant runs: one stateless run with no webhook, whose answer only that graph gives. Without
 * it, every outcome case would be skipped and the certificate would rest on the few left.
 */
export async function runsConformanceGraph(api, assistantId, tag, timeoutMs) {
    let problem = "";
    // A failed probe says nothing about the graph: tried twice, then the run stops rather than guess.
    for (let attempt = 0; attempt < 2; attempt += 1) {
        const answer = await api
            .send("POST", "/runs/wait", { assistant_id: assistantId, input: { mode: "succeed" }, metadata: tag }, { timeoutMs })
            .catch((error) => describeError(error));
        if (typeof answer !== "string" && answer.status === 200)
            return stringField(answer.json, "result") === "done:succeed";
        problem = typeof answer === "string" ? answer : `HTTP ${answer.status}`;
    }
    throw new ConformanceError("LGWC_TARGET_BROKEN", `The target does not say which graph the assistant runs, and a run to find out failed twice (POST /runs/wait: ${problem}); fix the target, or pass --assistant-id of an assistant whose graph_id it shows.`);
}
