import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests run in UTC so nothing depends on the machine's zone; rules get their time from an injected clock.
    // Commands that fall back to MOPS_POLICIES_DIR read the tests' own policy set, never the team's
    // policies/ (test/support/policies.ts says why).
    // Commands keep no history cache unless a test turns it on (in a folder of its own).
    env: { TZ: "UTC", LOG_LEVEL: "silent", MOPS_POLICIES_DIR: "test/fixtures/policies-mops", MOPS_CACHE: "off" },
    pool: "forks",
  },
});
