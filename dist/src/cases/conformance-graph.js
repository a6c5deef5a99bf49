/**
 * What the conformance graph (fixtures/graphs/conformance.ts) returns, as far as the suite holds a
 * webhook to it. The graph keeps its own copy of this text, so that it deploys as one file;
 * tests/conformance-graph.test.ts checks the two agree.
 */
/** The state of a run in mode "large": `bytes` of numbered lines, which show where a cut was made. */
export function largeText(bytes) {
    const lines = [];
    let size = 0;
    for (let i = 0; size < bytes; i += 1) {
        const line = `line ${i.toString().padStart(7, "0")} of the conformance graph's large state\n`;
        lines.push(line);
        size += line.length;
    }
    return lines.join("").slice(0, bytes);
}
