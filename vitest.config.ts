import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // A focused test in CI would silently skip the rest of the suite.
    allowOnly: false,
    testTimeout: 30_000,
    // Synthesizing the stack (esbuild bundles) in a beforeAll can take over 10 s on a busy 2-core runner.
    hookTimeout: 120_000,
  },
});
