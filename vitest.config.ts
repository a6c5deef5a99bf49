import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // The end-to-end files each start a real server; running them side by side
    // on a 2-core machine only makes both slower.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
