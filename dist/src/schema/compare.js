/** A short account of how two Run schemas differ, for the report; empty when they agree. */
export function compareRunSchemas(a, b) {
    const differences = [];
    const required = (s) => (Array.isArray(s.required) ? s.required : []);
    const props = (s) => s.properties ?? {};
    for (const name of required(a))
        if (!required(b).includes(name))
            differences.push(`"${name}" is required only in the first`);
    for (const name of required(b))
        if (!required(a).includes(name))
            differences.push(`"${name}" is required only in the second`);
    const pa = props(a);
    const pb = props(b);
    for (const name of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
        const x = pa[name];
        const y = pb[name];
        if (x === undefined) {
            differences.push(`property "${name}" exists only in the second`);
            continue;
        }
        if (y === undefined) {
            differences.push(`property "${name}" exists only in the first`);
            continue;
        }
        for (const rule of ["type", "format", "enum"]) {
            const left = JSON.stringify(normalise(x[rule]));
            const right = JSON.stringify(normalise(y[rule]));
            if (left !== right)
                differences.push(`property "${name}" ${rule}: ${left ?? "none"} vs ${right ?? "none"}`);
        }
    }
    return differences;
}
function normalise(value) {
    return Array.isArray(value) ? [...value].map(String).sort() : value;
}
