import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // A focused test in CI would silently skip the rest of the suite.
    allowOnly: false,
    testTimeout: 30_000,
    // CDK synth in beforeAll takes 1–6 s alone, more when the infra files synthesize in parallel on 2 cores.
    hookTimeout: 60_000,
  },
});
