import { delivered } from "./delivered.js";
import { exactlyOnce } from "./exactly-once.js";
import { postMethod } from "./post-method.js";
import { tokenPreserved } from "./token-preserved.js";
import { jsonBody } from "./json-body.js";
import { contentTypeJson } from "./content-type-json.js";
import { runSchema } from "./run-schema.js";
import { runIdentity } from "./run-identity.js";
import { terminalStatus } from "./terminal-status.js";
import { statusMatchesApi } from "./status-matches-api.js";
import { notDelivered } from "./not-delivered.js";
import { outcomeStatus } from "./outcome-status.js";
import { errorDescribed } from "./error-described.js";
import { refusedAtCreate } from "./refused-at-create.js";
import { timestampsPresent } from "./timestamps-present.js";
import { timestampsOrdered } from "./timestamps-ordered.js";
import { kwargsInput } from "./kwargs-input.js";
import { kwargsConfig } from "./kwargs-config.js";
import { kwargsWebhook } from "./kwargs-webhook.js";
import { valuesState } from "./values-state.js";
import { metadataAndStrategy } from "./metadata-and-strategy.js";
import { outcomePremise } from "./outcome-premise.js";
import { expectedHeaders } from "./expected-headers.js";
import { noStrays } from "./no-strays.js";
import { retried } from "./retried.js";
import { retriesBounded } from "./retries-bounded.js";
/** Every check, in the order reports list them. Names are part of the public contract. */
export const CHECKS = [
    delivered,
    exactlyOnce,
    postMethod,
    tokenPreserved,
    jsonBody,
    contentTypeJson,
    runSchema,
    runIdentity,
    terminalStatus,
    statusMatchesApi,
    // What the webhook says: when, with what input, to what end.
    timestampsPresent,
    timestampsOrdered,
    kwargsInput,
    kwargsConfig,
    kwargsWebhook,
    metadataAndStrategy,
    valuesState,
    notDelivered,
    outcomeStatus,
    outcomePremise,
    errorDescribed,
    expectedHeaders,
    noStrays,
    // Hardening probes; they skip on every run of the standard profile.
    refusedAtCreate,
    retried,
    retriesBounded,
];
export const CHECK_NAMES = CHECKS.map((c) => c.name);
export function checksNamed(names) {
    return CHECKS.filter((c) => names.includes(c.name));
}
