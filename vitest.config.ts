import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    globalSetup: ["test/helpers/global-setup.ts", "test/helpers/azurite-setup.ts", "test/helpers/bundle-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // .ci/run counts the results from this file, so the closing line reflects the runner's own report.
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-results.json" },
  },
});
