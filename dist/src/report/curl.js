/** Quotes a word for POSIX shells: single quotes, with embedded ones closed and escaped. */
export function shellQuote(word) {
    return `'${word.replace(/'/g, `'\\''`)}'`;
}
const API_KEY_HEADER = "x-api-key";
/**
 * A curl command line per request, joined with &&, that repeats what the suite sent.
 * Header values are never printed: the API key comes from $LANGGRAPH_API_KEY and other
 * headers are shown with a placeholder.
 */
export function reproduceCommand(baseUrl, headers, requests) {
    const headerArgs = Object.keys(headers).map((name) => name.toLowerCase() === API_KEY_HEADER ? `-H "X-Api-Key: $LANGGRAPH_API_KEY"` : `-H ${shellQuote(`${name}: <value of ${name}>`)}`);
    const commands = requests.map((req) => [
        "curl -sS",
        `-X ${req.method}`,
        shellQuote(`${baseUrl.replace(/\/+$/, "")}${req.path}`),
        ...(req.body === undefined ? [] : [`-H 'Content-Type: application/json'`]),
        ...headerArgs,
        ...(req.body === undefined ? [] : [`--data-raw ${shellQuote(JSON.stringify(req.body))}`]),
    ].join(" "));
    return commands.join(" && \\\n  ");
}
