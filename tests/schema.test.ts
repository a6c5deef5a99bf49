import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_SCHEMA } from "../src/schema/run-schema.js";
import { loadOpenApiRunSchema, runSchemaFromDocument, toJsonSchema } from "../src/schema/openapi.js";
import { compareRunSchemas } from "../src/schema/compare.js";
import { compileRunValidator } from "../src/schema/validate.js";
import { ConformanceError } from "../src/errors.js";
import { runBody } from "./helpers/evidence.js";

const PUBLISHED = join(import.meta.dirname, "..", "..", "shared", "reference", "agent-server-openapi.json");

describe("the built-in Run schema", () => {
  const validate = compileRunValidator(RUN_SCHEMA, "built-in");

  it("accepts a conformant Run with extra fields", () => {
    expect(validate(runBody({ run_started_at: "2026-11-22T21:00:01.470Z", values: {} }))).toEqual([]);
  });

  it("enforces formats and enums", () => {
    const problems = validate(runBody({ created_at: "yesterday", multitask_strategy: "queue", thread_id: 7 }));
    expect(problems.map((p) => p.path).sort()).toEqual(["/created_at", "/multitask_strategy", "/thread_id"]);
  });

  it.runIf(existsSync(PUBLISHED))("agrees with the published OpenAPI document (../shared/reference)", async () => {
    const published = await loadOpenApiRunSchema(PUBLISHED);
    expect(compareRunSchemas(RUN_SCHEMA, published.schema)).toEqual([]);
    expect(published.version).toBe("0.1.0");
  });
});

describe("--openapi documents", () => {
  it("turn OpenAPI 3.0 nullable and component refs into JSON Schema", () => {
    expect(toJsonSchema({ type: "string", nullable: true })).toEqual({ type: ["string", "null"] });
    expect(toJsonSchema({ $ref: "#/components/schemas/Status" })).toEqual({ $ref: "#/$defs/Status" });
  });

  it("validate against components.schemas.Run, refs included", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lgwc-schema-"));
    const file = join(dir, "doc.json");
    await writeFile(
      file,
      JSON.stringify({
        openapi: "3.1.0",
        info: { title: "t", version: "9.9" },
        components: {
          schemas: {
            Status: { type: "string", enum: ["ok"] },
            Run: { type: "object", required: ["status"], properties: { status: { $ref: "#/components/schemas/Status" } } },
          },
        },
      }),
    );
    const loaded = await loadOpenApiRunSchema(file);
    const validate = compileRunValidator(loaded.schema, loaded.source);
    expect(validate({ status: "ok" })).toEqual([]);
    expect(validate({ status: "success" })[0]?.rule).toMatch(/must be one of \["ok"\]/);
    expect(loaded.version).toBe("9.9");
    await rm(dir, { recursive: true, force: true });
  });

  it("say in one sentence what is wrong with a document", async () => {
    await expect(loadOpenApiRunSchema("/nonexistent/doc.json")).rejects.toThrow(/Could not read the OpenAPI document at \/nonexistent\/doc.json/);
    expect(() => runSchemaFromDocument({ openapi: "3.1.0" }, "x.json")).toThrow(ConformanceError);
    expect(() => runSchemaFromDocument({ openapi: "3.1.0" }, "x.json")).toThrow(/has no components.schemas.Run/);
  });

  it("differences are listed field by field", () => {
    const other = { ...RUN_SCHEMA, required: ["run_id"], properties: { run_id: { type: "integer" } } };
    const differences = compareRunSchemas(RUN_SCHEMA, other);
    expect(differences).toContain('"thread_id" is required only in the first');
    expect(differences).toContain('property "run_id" type: "string" vs "integer"');
  });
});
