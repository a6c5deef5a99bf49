import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers/cli.js";
import { TABLES, withTables } from "../scripts/readme-tables.js";
import { ALL_CASE_IDS } from "../src/cases/catalog.js";
import { CHECK_NAMES } from "../src/checks/index.js";

describe("the README stays true", () => {
  it("its tables of cases, checks, flags and exit codes are those the code makes (run `npm run readme` when this fails)", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(withTables(readme)).toBe(readme);
  });

  it("the tables name every case and check, and every flag --help gives", () => {
    const cases = TABLES.cases!();
    for (const id of ALL_CASE_IDS) expect(cases).toContain(`| ${id} |`);
    const checks = TABLES.checks!();
    for (const name of CHECK_NAMES) expect(checks).toContain(`| ${name} |`);
    expect(TABLES.flags!()).toMatch(/\| `--require-complete` \| A partial certificate/);
    expect(TABLES["exit-codes"]!().split("\n")).toHaveLength(7);
  });

  it("a README whose table drifted is caught", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(withTables(readme.replace("| thread-run | POST /threads/{thread_id}/runs |", "| thread-run | POST /threads |"))).not.toBe(readme.replace("| thread-run | POST /threads/{thread_id}/runs |", "| thread-run | POST /threads |"));
  });
});
