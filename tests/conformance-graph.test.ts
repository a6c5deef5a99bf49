import { describe, expect, it } from "vitest";
import { largeText as graphsText } from "../fixtures/graphs/conformance.js";
import { largeText as suitesText } from "../src/cases/conformance-graph.js";

describe("the conformance graph and the suite agree on what it returns", () => {
  it("the large state is the same text in both, cut at the same byte", () => {
    for (const bytes of [0, 1, 63, 1_000, 1024 * 1024]) expect(graphsText(bytes)).toBe(suitesText(bytes));
    expect(suitesText(1024 * 1024)).toHaveLength(1024 * 1024);
  });
});
