import { describe, expect, it } from "vitest";
import { cleanupCommand, describeLeftovers } from "../src/conductor/leftovers.js";
import { certifyTestTarget } from "./helpers/certify.js";

describe("the console", () => {
  it("prints one line per case as it ends, then each failure once in the summary, with no code frame or stack", { timeout: 120_000 }, async () => {
    const only = ["thread-run", "thread-run-error", "stateless-run"];
    const { code, stdout, stderr } = await certifyTestTarget(["status-mismatch"], ["--settle-ms", "1000", "--workers", "1", "--no-canary", "--only", only.join(",")]);
    expect(code).toBe(1);
    const all = `${stderr}\n${stdout}`;
    expect(all).not.toMatch(/dist\/specs|❯|^\s+at |\.spec\.js:\d+/m);
    expect(stderr).toMatch(/^Running 3 cases:$/m);
    for (const id of only) {
      expect(stderr.match(new RegExp(`^  ✗ \\[\\d/3\\] ${id} · .*: failed \\(status-matches-api, outcome-status\\) [\\d.]+ s$`, "gm")), id).toHaveLength(1);
      expect(all.match(new RegExp(`^${id} \\(POST [^)]+\\) failed\\.$`, "gm")), id).toHaveLength(1);
    }
    expect(stdout.match(/Reproduce with:/g)).toHaveLength(3);
  });

  it("groups what could not be deleted by kind and reason, each id once, and says what to do", () => {
    const text = describeLeftovers(
      [
        { kind: "thread", id: "t-1", why: "thread t-1 was left alone: it could not be read back to prove it is the suite's (GET /threads/t-1 answered HTTP 500)" },
        { kind: "thread", id: "t-2", why: "thread t-2 was left alone: it could not be read back to prove it is the suite's (GET /threads/t-2 answered HTTP 500)" },
        { kind: "cron", id: "c-1", why: "DELETE /runs/crons/c-1 answered HTTP 503" },
        { why: "the sweep stopped before it had looked at every thread listed (run cleanup again)" },
      ],
      cleanupCommand("TAG-1", { ca: true }),
    );
    expect(text).toBe(
      [
        "Could not delete everything the suite created on the target:",
        "  threads (2): t-1, t-2: was left alone: it could not be read back to prove it is the suite's (GET /threads/… answered HTTP 500)",
        "  crons (1): c-1: DELETE /runs/crons/… answered HTTP 503",
        "  the sweep stopped before it had looked at every thread listed (run cleanup again)",
        "Run `lg-webhook-conformance cleanup --target URL --run TAG-1 --ca FILE` once the target answers again.",
        "",
      ].join("\n"),
    );
  });
});
