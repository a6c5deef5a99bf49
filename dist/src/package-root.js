import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
/**
 * The folder holding the suite's package.json: the nearest one above this file, which is
 * dist/src/package-root.js when built and src/package-root.ts when the sources run directly.
 */
export function packageRoot() {
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, "package.json"))) {
        const parent = dirname(dir);
        if (parent === dir)
            break;
        dir = parent;
    }
    return dir;
}
