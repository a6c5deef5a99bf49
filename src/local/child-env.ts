/**
 * The credentials a user keeps for the deployments they certify. The embedded server and its npm
 * install need none of them, and a LangSmith key would let the server try to reach LangSmith.
 */
const DEPLOYMENT_KEYS = new Set(["LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"]);

/** The environment for a child the suite starts on the user's behalf: theirs, less the deployment keys, plus `extra`. */
export function childEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Windows names are case-insensitive, so a key spelled in lower case is the same variable there.
  const kept = Object.entries(env).filter(([name]) => !DEPLOYMENT_KEYS.has(name.toUpperCase()));
  return { ...Object.fromEntries(kept), ...extra };
}
