/**
 * API paths built from ids. Ids a target hands back are data, not path: each is percent-encoded,
 * so an id such as "../../other/runs/x" cannot point a request at something else.
 */
const id = (value: string): string => (value === "." || value === ".." ? value.replace(/\./g, "%2E") : encodeURIComponent(value));

export const threadPath = (threadId: string): string => `/threads/${id(threadId)}`;
export const runPath = (threadId: string, runId: string): string => `${threadPath(threadId)}/runs/${id(runId)}`;
export const cronPath = (cronId: string): string => `/runs/crons/${id(cronId)}`;
