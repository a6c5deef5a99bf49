import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { ROOT, runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";

const CHROMIUM = "/usr/bin/chromium";
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("certification.html in a real browser", () => {
  it("shows the verdict, the matrix, and each failure with its evidence and curl, loading nothing from the network", { timeout: 90_000 }, async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`).toBe(true);
    const target = await startTestTarget({ faults: ["method-put", "wrong-content-type"] });
    const dir = await mkdtemp(join(tmpdir(), "lgwc-html-"));
    dirs.push(dir);
    try {
      const run = await runCli([
        "--target", target.url, "--report-dir", dir, "--settle-ms", "300",
        "--only", "thread-run,stateless-run,stateless-batch", "--api-key", "sk-html-secret",
      ]);
      expect(run.code, run.stderr).toBe(1);
    } finally {
      await target.close();
    }
    const html = await readFile(join(dir, "certification.html"), "utf8");
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    expect(html).not.toContain("sk-html-secret");

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(join(dir, "certification.html")).href);
      await expect.poll(() => page.getByRole("status").innerText()).toMatch(/^Verdict: non-conformant \(partial\) — 0 passed, 3 failed/);
      await page.screenshot({ path: join(dir, "certification.png"), fullPage: false });
      if (process.env.LGWC_SAVE_SCREENSHOT) await page.screenshot({ path: join(ROOT, "docs", "certification.png") });
      const cell = page.locator("table.matrix tr", { hasText: "POST /runs/batch" }).locator("a.failed");
      expect(await cell.innerText()).toBe("FAIL");
      // Each finding once, grouped by check, with the cases it concerns.
      const findings = page.locator("section.finding");
      expect(await findings.locator("h3").allInnerTexts()).toEqual(["post-method (required) — 3 cases", "content-type-json (recommended: a warning) — 3 cases"]);
      const put = findings.first();
      expect(await put.innerText()).toMatch(/Expected\s+POST\s+Received\s+PUT/);
      expect(await put.locator("pre.curl").first().innerText()).toMatch(/^curl -sS -X POST /);
      // The first case's evidence is open; the others are one click away.
      expect(await put.locator("details[open] summary").first().innerText()).toMatch(/^Evidence: first delivery for /);
      expect(await put.locator("details.more").count()).toBe(2);
      expect(await put.locator("details.more pre").first().isVisible()).toBe(false);
      await put.locator("details.more summary").first().click();
      await expect.poll(() => put.locator("details.more pre").first().isVisible()).toBe(true);
      // A case in brief names its findings; its evidence and reproduction are folded.
      const batch = page.locator("section#stateless-batch");
      expect(await batch.locator("p.named").innerText()).toBe("Findings: post-method (required), content-type-json (recommended)");
      expect(await batch.locator("details summary").first().innerText()).toMatch(/Evidence: first delivery for item 1 of 3/);
      // The page fits 1300 px: nothing, the matrix included, makes it scroll sideways.
      expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(1300);
      expect(requests.every((u) => u.startsWith("file:"))).toBe(true);
    } finally {
      await browser.close();
    }
    expect(existsSync(join(dir, "certification.png"))).toBe(true);
  });
});
