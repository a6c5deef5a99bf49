import { closest } from "./did-you-mean.js";
import { parse as parseYaml } from "yaml";
import { ConformanceError } from "../errors.js";
import type { Expectation } from "../report/gate.js";

function bad(path: string, why: string): ConformanceError {
  return new ConformanceError(
    "LGWC_CONFIG",
    `--expect-failures ${path} ${why}; it must be a list of {case, check, reason} (JSON or YAML).`,
  );
}

/** Reads an expected-failures file: a JSON or YAML list of {case, check, reason}. */
export function loadExpectations(path: string, text: string, caseIds: readonly string[], checkNames: readonly string[]): Expectation[] {
  let data: unknown;
  try {
    data = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw bad(path, `cannot be parsed (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  if (!Array.isArray(data)) throw bad(path, "is not a list");
  return data.map((item: unknown, i) => {
    const entry = item as Partial<Record<keyof Expectation, unknown>> | null;
    if (!entry || typeof entry.case !== "string" || typeof entry.check !== "string" || typeof entry.reason !== "string" || entry.reason.trim() === "") {
      throw bad(path, `entry ${i + 1} lacks a case, a check or a reason`);
    }
    const guess = (word: string, known: readonly string[]): string => {
      const near = closest(word, known);
      return near === undefined ? "" : ` (did you mean "${near}"?)`;
    };
    if (!caseIds.includes(entry.case)) throw bad(path, `entry ${i + 1} names an unknown case "${entry.case}"${guess(entry.case, caseIds)}`);
    if (entry.check !== "*" && !checkNames.includes(entry.check)) throw bad(path, `entry ${i + 1} names an unknown check "${entry.check}"${guess(entry.check, checkNames)}`);
    return { case: entry.case, check: entry.check, reason: entry.reason };
  });
}
