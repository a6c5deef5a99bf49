import { closest } from "./did-you-mean.js";
import { parse as parseYaml } from "yaml";
import { ConformanceError } from "../errors.js";
function bad(path, why) {
    return new ConformanceError("LGWC_CONFIG", `--expect-failures ${path} ${why}; it must be a list of {case, check, reason} (JSON or YAML).`);
}
/** Reads an expected-failures file: a JSON or YAML list of {case, check, reason}. */
export function loadExpectations(path, text, caseIds, checkNames) {
    let data;
    try {
        data = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
    }
    catch (error) {
        throw bad(path, `cannot be parsed (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
    }
    if (!Array.isArray(data))
        throw bad(path, "is not a list");
    return data.map((item, i) => {
        const entry = item;
        if (!entry || typeof entry.case !== "string" || typeof entry.check !== "string" || typeof entry.reason !== "string" || entry.reason.trim() === "") {
            throw bad(path, `entry ${i + 1} lacks a case, a check or a reason`);
        }
        const guess = (word, known) => {
            const near = closest(word, known);
            return near === undefined ? "" : ` (did you mean "${near}"?)`;
        };
        if (!caseIds.includes(entry.case))
            throw bad(path, `entry ${i + 1} names an unknown case "${entry.case}"${guess(entry.case, caseIds)}`);
        if (entry.check !== "*" && !checkNames.includes(entry.check))
            throw bad(path, `entry ${i + 1} names an unknown check "${entry.check}"${guess(entry.check, checkNames)}`);
        return { case: entry.case, check: entry.check, reason: entry.reason };
    });
}
