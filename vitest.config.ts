import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: more test files at once only slows the ones that start real servers.
    maxWorkers: 2,
    // Rows of the fault table each run the suite; more at once only thrash two cores.
    maxConcurrency: 3,
  },
});
