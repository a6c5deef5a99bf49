/**
 * The Run object as the published LangGraph API (Agent Server, v0.12.0) describes it,
 * written out by this project as JSON Schema 2020-12. Extra properties are allowed:
 * servers add fields such as run_started_at or values, and the published schema permits it.
 */
export const RUN_SCHEMA_VERSION = "agent-server-0.12.0/1";
const RUN_STATUSES = ["pending", "running", "error", "success", "timeout", "interrupted"];
const MULTITASK_STRATEGIES = ["reject", "rollback", "interrupt", "enqueue"];
export const RUN_SCHEMA = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Run",
    type: "object",
    required: [
        "run_id",
        "thread_id",
        "assistant_id",
        "created_at",
        "updated_at",
        "status",
        "metadata",
        "kwargs",
        "multitask_strategy",
    ],
    properties: {
        run_id: { type: "string", format: "uuid" },
        thread_id: { type: "string", format: "uuid" },
        assistant_id: { type: "string", format: "uuid" },
        created_at: { type: "string", format: "date-time" },
        updated_at: { type: "string", format: "date-time" },
        status: { type: "string", enum: RUN_STATUSES },
        metadata: { type: "object" },
        kwargs: { type: "object" },
        multitask_strategy: { type: "string", enum: MULTITASK_STRATEGIES },
        langsmith_session_name: { type: ["string", "null"] },
    },
};
