import { request } from "undici";
import type { CaseResult } from "../report/types.js";
import type { Delivery } from "../evidence.js";

/** How Playwright's workers and the reporter ask the main process for results. */
export class ConductorClient {
  constructor(private readonly url: string) {}

  async result(caseId: string, attempt: number, timeoutMs: number): Promise<CaseResult> {
    const response = await request(`${this.url}/result?case=${encodeURIComponent(caseId)}&attempt=${attempt}`, {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = (await response.body.json()) as CaseResult | { error: string };
    if (response.statusCode !== 200 || "error" in body) {
      throw new Error(`the suite could not run case ${caseId}: ${"error" in body ? body.error : response.statusCode}`);
    }
    return body;
  }

  async strays(): Promise<{ strays: Delivery[]; dropped: number }> {
    const response = await request(`${this.url}/strays`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    return (await response.body.json()) as { strays: Delivery[]; dropped: number };
  }
}
