import { request } from "undici";
import type { Delivery } from "../evidence.js";

/** How a Playwright worker talks to the one sink that the suite's main process owns. */
export class SinkClient {
  constructor(private readonly controlUrl: string) {}

  async register(caseKey: string): Promise<void> {
    const response = await request(`${this.controlUrl}/cases?case=${encodeURIComponent(caseKey)}`, { method: "POST" });
    await response.body.dump();
    if (response.statusCode !== 200) throw new Error(`the sink refused to register case ${caseKey}`);
  }

  /** Waits (bounded) until the case has `min` deliveries; returns whatever has arrived by then. */
  async waitFor(caseKey: string, min: number, timeoutMs: number): Promise<Delivery[]> {
    const url = `${this.controlUrl}/deliveries?case=${encodeURIComponent(caseKey)}&min=${min}&timeoutMs=${Math.max(0, Math.round(timeoutMs))}`;
    const response = await request(url, {
      method: "GET",
      headersTimeout: timeoutMs + 10_000,
      bodyTimeout: timeoutMs + 10_000,
    });
    const body = (await response.body.json()) as { deliveries?: Delivery[]; error?: string };
    if (response.statusCode !== 200 || !body.deliveries) throw new Error(`the sink answered: ${body.error ?? response.statusCode}`);
    return body.deliveries;
  }

  async strays(): Promise<{ strays: Delivery[]; dropped: number }> {
    const response = await request(`${this.controlUrl}/strays`, { method: "GET" });
    return (await response.body.json()) as { strays: Delivery[]; dropped: number };
  }
}
