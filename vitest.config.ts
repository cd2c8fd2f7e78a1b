import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file in its own process: integration files set process.env for @azure/identity, which reads it at construction.
    pool: "forks",
    setupFiles: ["test/fixtures/setupEnvironment.ts"],
    globalSetup: ["test/fixtures/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A loaded 2-core machine: keep parallelism modest so timing-sensitive waits stay stable.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
