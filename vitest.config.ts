import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests run in UTC so nothing depends on the machine's zone; rules get their time from an injected clock.
    env: { TZ: "UTC", LOG_LEVEL: "silent" },
    pool: "forks",
  },
});
