function indent(text, prefix = "    ") {
    return text
        .split("\n")
        .map((line) => `${prefix}${line}`)
        .join("\n");
}
/** The words a person reads when a case fails: each broken check, expected, received, and how to reproduce. */
export function formatCaseFailure(result) {
    const parts = [`${result.id} (${result.operation}) ${result.outcome === "inconclusive" ? "is inconclusive" : "failed"}.`];
    if (result.reason)
        parts.push(indent(result.reason, "  "));
    for (const check of result.checks) {
        if (check.outcome === "inconclusive")
            parts.push(`  ? ${check.name} [${check.severity}]: ${check.message}`);
        if (check.outcome !== "failed")
            continue;
        parts.push([
            `  ✗ ${check.name} [${check.severity}]: ${check.message}`,
            `    Expected: ${check.expected ?? ""}`.replace(/\n/g, "\n              "),
            `    Received: ${check.received ?? ""}`.replace(/\n/g, "\n              "),
        ].join("\n"));
    }
    if (result.reproduce)
        parts.push(`  Reproduce with:\n${indent(result.reproduce)}`);
    return parts.join("\n");
}
/** Recommended checks that failed: they do not fail the case, but a reader should see them. */
export function formatWarnings(result) {
    return result.checks
        .filter((c) => c.outcome === "failed" && c.severity === "recommended")
        .map((c) => `${c.name}: ${c.message} Expected ${c.expected ?? ""}; received ${c.received ?? ""}.`);
}
