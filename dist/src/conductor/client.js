import { request } from "undici";
/** How Playwright's workers and reporter talk to the main process. */
export class ConductorClient {
    url;
    constructor(url) {
        this.url = url;
    }
    async result(caseId, attempt, timeoutMs) {
        const response = await request(`${this.url}/result?case=${encodeURIComponent(caseId)}&attempt=${attempt}`, {
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
        });
        const body = (await response.body.json());
        if (response.statusCode !== 200 || "error" in body) {
            throw new Error(`the suite could not run case ${caseId}: ${"error" in body ? body.error : response.statusCode}`);
        }
        return body;
    }
    /** Hands the main process how every test ended; it judges and writes the reports from them. */
    async outcomes(outcomes) {
        const response = await request(`${this.url}/outcomes`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(outcomes),
            headersTimeout: 30_000,
            bodyTimeout: 30_000,
        });
        await response.body.dump();
        if (response.statusCode !== 200)
            throw new Error(`the suite's main process refused the tests' outcomes (HTTP ${response.statusCode})`);
    }
}
