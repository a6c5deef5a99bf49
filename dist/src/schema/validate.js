import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { ConformanceError } from "../errors.js";
// ajv-formats ships CommonJS with a default export that NodeNext sees one level down.
const addFormats = addFormatsModule;
const VALUE_PREVIEW = 120;
function pointerGet(root, pointer) {
    if (pointer === "")
        return root;
    let node = root;
    for (const raw of pointer.slice(1).split("/")) {
        const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        if (node === null || typeof node !== "object")
            return undefined;
        node = node[key];
    }
    return node;
}
function describe(error) {
    const params = error.params;
    switch (error.keyword) {
        case "required":
            return `required property "${String(params.missingProperty)}" is missing`;
        case "enum":
            return `must be one of ${JSON.stringify(params.allowedValues)}`;
        case "format":
            return `must be a ${String(params.format)}`;
        case "type":
            return `must be of type ${Array.isArray(params.type) ? params.type.join(" or ") : String(params.type)}`;
        default:
            return error.message ?? error.keyword;
    }
}
function preview(value) {
    if (value === undefined)
        return "(absent)";
    const text = JSON.stringify(value) ?? typeof value;
    return text.length > VALUE_PREVIEW ? `${text.slice(0, VALUE_PREVIEW)}…` : text;
}
export function compileRunValidator(schema, source) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
    addFormats(ajv);
    let validate;
    try {
        validate = ajv.compile(schema);
    }
    catch (error) {
        throw new ConformanceError("LGWC_SCHEMA", `The Run schema from ${source} is not valid JSON Schema: ${error instanceof Error ? error.message : String(error)}.`);
    }
    const validator = ((body) => {
        if (validate(body))
            return [];
        return (validate.errors ?? []).map((error) => {
            const path = error.keyword === "required"
                ? `${error.instancePath}/${String(error.params.missingProperty)}`
                : error.instancePath;
            const value = error.keyword === "required" ? undefined : pointerGet(body, error.instancePath);
            return { path, rule: describe(error), value: preview(value) };
        });
    });
    validator.source = source;
    return validator;
}
