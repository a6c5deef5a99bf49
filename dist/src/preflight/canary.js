import { request } from "undici";
import { ConformanceError, describeError } from "../errors.js";
import { caseUrl, makeCaseKey } from "../sink/case-url.js";
import { cut } from "../text.js";
const SINK_CANARY_TIMEOUT_MS = 10_000;
/** A request the suite itself sends through --public-url must reach the sink. */
async function sinkReachable(sink, publicUrl, newToken) {
    const key = makeCaseKey("canary-sink");
    sink.register(key);
    const url = caseUrl(publicUrl, key, newToken());
    let failure = "";
    try {
        // The signal bounds the whole exchange: a tunnel that drips its answer must not hold the preflight.
        const answer = await request(url, { method: "POST", body: "{}", headersTimeout: SINK_CANARY_TIMEOUT_MS, bodyTimeout: SINK_CANARY_TIMEOUT_MS, signal: AbortSignal.timeout(SINK_CANARY_TIMEOUT_MS) });
        await answer.body.dump();
        if (answer.statusCode >= 300)
            failure = `it answered HTTP ${answer.statusCode}`;
    }
    catch (error) {
        failure = describeError(error);
    }
    const arrived = await sink.waitFor(key, 1, failure ? 0 : SINK_CANARY_TIMEOUT_MS);
    if (arrived.length === 0) {
        throw new ConformanceError("LGWC_SINK_UNREACHABLE", `The sink cannot be reached through --public-url ${publicUrl}: a request sent there did not arrive${failure ? ` (${failure})` : ""}; make the tunnel or ingress forward to the sink at ${sink.url}.`);
    }
}
/**
 * Before any case: prove the webhook path end to end with one run, so a broken setup is one
 * sentence instead of a report full of timeouts.
 */
export async function canary(api, sink, options) {
    if (options.throughPublicUrl)
        await sinkReachable(sink, options.publicUrl, options.newToken);
    const key = makeCaseKey("canary-run");
    sink.register(key);
    const webhook = caseUrl(options.publicUrl, key, options.newToken());
    const body = { assistant_id: options.assistantId, input: options.input, metadata: options.tag, webhook };
    const created = await api.send("POST", "/runs", body);
    if (created.status === 422 || created.status === 400) {
        throw new ConformanceError("LGWC_WEBHOOK_REFUSED", `The target refused the sink's webhook URL (POST /runs answered HTTP ${created.status}: ${cut(created.text, 300)}); its webhook policy may require https, allowed domains or ports, or no loopback or private addresses: pass --public-url with a URL it accepts.`);
    }
    if (created.status < 200 || created.status >= 300) {
        throw new ConformanceError("LGWC_NOT_LANGGRAPH", `The target could not start a canary run (POST /runs answered HTTP ${created.status}: ${cut(created.text, 300)}); check --assistant-id and --input.`);
    }
    const arrived = await sink.waitFor(key, 1, options.timeoutMs);
    if (arrived.length === 0) {
        throw new ConformanceError("LGWC_WEBHOOKS_DISABLED", `Webhooks appear disabled on the target: a canary run was created with a webhook and nothing arrived within ${options.timeoutMs} ms; check that the deployment may call ${options.publicUrl} (or pass --no-canary to run the cases anyway).`);
    }
}
