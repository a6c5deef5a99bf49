import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { describeError } from "../errors.js";
/** The reporter sends a few hundred bytes a case; anything far larger is not the reporter. */
const MAX_OUTCOMES_BYTES = 8 * 1024 * 1024;
/**
 * The channel through which Playwright's workers fetch each case's result (already judged and
 * redacted) and its reporter hands back how the tests ended. Nothing else crosses it.
 */
export async function startControlServer(conductor, redactor) {
    const key = randomBytes(16).toString("hex");
    const prefix = `/${key}`;
    let outcomes;
    const server = createServer((req, res) => {
        const send = (status, body) => {
            res.writeHead(status, { "content-type": "application/json" });
            res.end(JSON.stringify(body));
        };
        const url = new URL(req.url ?? "/", "http://control.invalid");
        if (!url.pathname.startsWith(`${prefix}/`))
            return send(404, { error: "not found" });
        const route = url.pathname.slice(prefix.length);
        if (req.method === "GET" && route === "/result") {
            const caseId = url.searchParams.get("case") ?? "";
            const attempt = Number(url.searchParams.get("attempt") ?? "0");
            conductor.result(caseId, attempt).then((result) => send(200, result), (error) => send(500, { error: redactor.text(describeError(error)) }));
            return;
        }
        if (req.method === "POST" && route === "/outcomes") {
            const chunks = [];
            let size = 0;
            req.on("data", (chunk) => {
                size += chunk.length;
                if (size <= MAX_OUTCOMES_BYTES)
                    chunks.push(chunk);
            });
            req.on("end", () => {
                try {
                    if (size > MAX_OUTCOMES_BYTES)
                        throw new Error("too large");
                    outcomes = JSON.parse(Buffer.concat(chunks).toString("utf8"));
                    send(200, { ok: true });
                }
                catch {
                    send(400, { error: "not a list of test outcomes" });
                }
            });
            return;
        }
        return send(404, { error: "unknown route" });
    });
    // A cron case may hold a request open for minutes.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address();
    return {
        url: `http://127.0.0.1:${port}${prefix}`,
        outcomes: () => outcomes,
        close: () => new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}
