import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // A focused test in CI would silently skip the rest of the suite.
    allowOnly: false,
    testTimeout: 30_000,
  },
});
