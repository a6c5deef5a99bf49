import { readFile } from "node:fs/promises";
import { readCapped } from "../bounded-body.js";
import { nestingDepth } from "../json.js";
import { ConformanceError, describeError } from "../errors.js";
const REF_PREFIX = "#/components/schemas/";
/**
 * Turns an OpenAPI schema object into JSON Schema 2020-12: component refs point at $defs,
 * and the 3.0 keyword `nullable` (which the published document still uses) becomes a null type.
 */
export function toJsonSchema(node) {
    if (Array.isArray(node))
        return node.map(toJsonSchema);
    if (node === null || typeof node !== "object")
        return node;
    const out = {};
    const source = node;
    for (const [key, value] of Object.entries(source)) {
        if (key === "nullable")
            continue;
        if (key === "$ref" && typeof value === "string" && value.startsWith(REF_PREFIX)) {
            out.$ref = `#/$defs/${value.slice(REF_PREFIX.length)}`;
            continue;
        }
        out[key] = toJsonSchema(value);
    }
    if (source.nullable === true) {
        if (typeof out.type === "string")
            out.type = [out.type, "null"];
        else if (Array.isArray(out.enum) && !out.enum.includes(null))
            out.enum = [...out.enum, null];
    }
    return out;
}
/**
 * Removes `pattern` and `patternProperties`: a regular expression from a document the user did not
 * write (a target's /openapi.json) can take the validator forever on a crafted value, and the
 * published Run schema has none. Returns how many were removed.
 */
function withoutPatterns(node) {
    let removed = 0;
    const walk = (value) => {
        if (Array.isArray(value))
            return value.map(walk);
        if (value === null || typeof value !== "object")
            return value;
        const out = {};
        for (const [key, child] of Object.entries(value)) {
            if ((key === "pattern" && typeof child === "string") || (key === "patternProperties" && child !== null && typeof child === "object")) {
                removed += 1;
                continue;
            }
            out[key] = walk(child);
        }
        return out;
    };
    return { schema: walk(node), removed };
}
/** Deeper than any OpenAPI document needs; the loader walks schemas recursively. */
const MAX_DOCUMENT_DEPTH = 200;
export function runSchemaFromDocument(document, source) {
    if (nestingDepth(document, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH) {
        throw new ConformanceError("LGWC_SCHEMA", `${source} nests deeper than ${MAX_DOCUMENT_DEPTH} levels, which no OpenAPI document needs; check the --openapi value.`);
    }
    const doc = document;
    const schemas = doc?.components?.schemas;
    const run = schemas?.Run;
    if (doc === null || typeof doc !== "object" || run === undefined || typeof run !== "object") {
        throw new ConformanceError("LGWC_SCHEMA", `${source} has no components.schemas.Run; point --openapi at the LangGraph API's OpenAPI document.`);
    }
    const defs = Object.fromEntries(Object.entries(schemas ?? {}).map(([name, s]) => [name, toJsonSchema(s)]));
    const { schema, removed } = withoutPatterns({ ...toJsonSchema(run), $defs: defs });
    const said = removed === 0 ? source : `${source} (${removed} pattern keyword(s) not enforced: a regular expression from a document may never finish)`;
    const version = typeof doc.info?.version === "string" ? doc.info.version : undefined;
    return version === undefined ? { schema: schema, source: said } : { schema: schema, source: said, version };
}
/** The published document is about 200 KB; far more is not an OpenAPI document worth reading. */
const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;
async function fetchText(url, timeoutMs) {
    const { request } = await import("undici");
    const response = await request(url, { method: "GET", headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs * 3) });
    const text = (await readCapped(response.body, MAX_DOCUMENT_BYTES)).toString("utf8");
    if (response.statusCode !== 200) {
        throw new ConformanceError("LGWC_SCHEMA", `${url} answered HTTP ${response.statusCode}; check the --openapi URL.`);
    }
    return text;
}
/** Loads the Run schema from an OpenAPI document given as a file path or an http(s) URL. */
export async function loadOpenApiRunSchema(location, timeoutMs = 10_000) {
    const isUrl = /^https?:\/\//i.test(location);
    let text;
    try {
        text = isUrl ? await fetchText(location, timeoutMs) : await readFile(location, "utf8");
    }
    catch (error) {
        if (error instanceof ConformanceError)
            throw error;
        throw new ConformanceError("LGWC_SCHEMA", `Could not read the OpenAPI document at ${location}: ${describeError(error)}; check the --openapi value.`);
    }
    let document;
    try {
        document = JSON.parse(text);
    }
    catch {
        throw new ConformanceError("LGWC_SCHEMA", `${location} is not JSON; --openapi takes an OpenAPI document in JSON.`);
    }
    return runSchemaFromDocument(document, location);
}
