/**
 * The configuration is read from the environment in one place: every problem in one message,
 * GitLab required only where a command talks to it, and every variable documented in the README.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { ConfigError, loadConfig, loadServeConfig, policiesDirOf, requireGitLab } from "../../src/config.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("loadConfig", () => {
  it("needs nothing set, and applies the defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, dataDir: "./data", workerConcurrency: 4, maxAttempts: 5, webhookSecrets: [], urlVariables: {} });
    expect(config.gitlabUrl).toBeUndefined();
    expect(config.settleMs).toBeUndefined();
    expect(config.notesPerMinute).toBeUndefined();
    expect(policiesDirOf(config)).toBe("policies");
  });

  it("lists every variable set wrong in one error, each with what to set", () => {
    let error: unknown;
    try {
      loadConfig({ GITLAB_URL: "gitlab.example.com", PORT: "http", MOPS_SETTLE_SECONDS: "soon", MOPS_NOTES_PER_MINUTE: "0", MOPS_CACHE: "maybe", REDIS_URL: "http://cache:6379" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(6);
    expect(problems.join("\n")).toMatch(/GITLAB_URL is "gitlab.example.com"; it must start with https:\/\//);
    expect(problems.join("\n")).toMatch(/PORT is "http"; it must be a whole number from 0 to 65535/);
    expect(problems.join("\n")).toMatch(/MOPS_SETTLE_SECONDS is "soon"; it must be a whole number from 0 to 3600/);
    expect(problems.join("\n")).toMatch(/MOPS_NOTES_PER_MINUTE must be a whole number of notes a minute, at least 1/);
    expect(problems.join("\n")).toMatch(/MOPS_CACHE is "maybe"; it must be on or off/);
    expect(problems.join("\n")).toMatch(/REDIS_URL .*redis:\/\//);
  });

  it("reads MOPS_SETTLE_SECONDS the same way for serve and for the replay of plan", () => {
    expect(loadConfig({ MOPS_SETTLE_SECONDS: "30" }).settleMs).toBe(30_000);
    expect(loadServeConfig({ GITLAB_URL: "https://gitlab.example.com", GITLAB_TOKEN: "t", GITLAB_WEBHOOK_SECRET: "s", MOPS_SETTLE_SECONDS: "30" }).settleMs).toBe(30_000);
    expect(loadServeConfig({ GITLAB_URL: "https://gitlab.example.com", GITLAB_TOKEN: "t", GITLAB_WEBHOOK_SECRET: "s" }).settleMs).toBe(120_000);
  });

  it("names every history cache variable set wrong, not only the first", () => {
    let error: unknown;
    try {
      loadConfig({ MOPS_CACHE: "maybe", MOPS_CACHE_MAX_AGE_DAYS: "-1", MOPS_CACHE_MAX_MB: "lots" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'MOPS_CACHE is "maybe"; it must be on or off',
      'MOPS_CACHE_MAX_AGE_DAYS is "-1"; it must be a positive number',
      'MOPS_CACHE_MAX_MB is "lots"; it must be a positive number',
    ]);
  });

  it("refuses a LOG_LEVEL the logger does not know, naming the levels it does", () => {
    expect(() => loadConfig({ LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL is "verbose"; it must be one of debug, info, warn, error/);
    expect(loadConfig({ LOG_LEVEL: "debug" }).logLevel).toBe("debug");
    expect(loadConfig({ LOG_LEVEL: "silent" }).logLevel).toBe("silent");
  });

  it("keeps the variables holding a web address, for the Slack channels notifications.yml names", () => {
    expect(loadConfig({ SLACK_WEBHOOK_MKTGOPS: " https://hooks.slack.com/services/T/B/x ", SLACK_WEBHOOK_OTHER: "not a url", HOME: "/root" }).urlVariables).toEqual({
      SLACK_WEBHOOK_MKTGOPS: "https://hooks.slack.com/services/T/B/x",
    });
  });
});

describe("requireGitLab", () => {
  it("names both GITLAB_URL and GITLAB_TOKEN when neither is set", () => {
    expect(() => requireGitLab(loadConfig({}))).toThrow(/GITLAB_URL: the address of your GitLab.*\n.*GITLAB_TOKEN: an access token/);
  });

  it("gives the address without trailing slashes, and the token", () => {
    expect(requireGitLab(loadConfig({ GITLAB_URL: "https://gitlab.example.com/", GITLAB_TOKEN: " glpat-x " }))).toEqual({ url: "https://gitlab.example.com", token: "glpat-x" });
  });
});

describe("the command line", () => {
  it("validates policies without GITLAB_URL or GITLAB_TOKEN", async () => {
    const out: string[] = [];
    const code = await main(["node", "mops-bot", "policies", "validate", "--dir", TEST_POLICIES_DIR], { out: (t) => out.push(t), err: () => undefined }, {});
    expect(code).toBe(0);
    expect(out.join("\n")).toContain("policies OK");
  });

  it("reports a variable set wrong before a command runs, and --help reads none", async () => {
    const err: string[] = [];
    const env = { PORT: "http" };
    expect(await main(["node", "mops-bot", "policies", "validate", "--dir", TEST_POLICIES_DIR], { out: () => undefined, err: (t) => err.push(t) }, env)).toBe(1);
    expect(err.join("\n")).toContain('PORT is "http"');
    expect(await main(["node", "mops-bot", "--help"], { out: () => undefined, err: () => undefined }, env)).toBe(0);
  });
});

describe("the README's configuration table", () => {
  it("names every variable the bot reads", () => {
    const readers = ["src/config.ts", "src/cache/open.ts", "src/dataDir.ts"].map((f) => readFileSync(path.join(root, f), "utf8")).join("\n");
    const read = new Set([...readers.matchAll(/env(?:\.|, ")([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
    expect(read.size).toBeGreaterThan(15);
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("### Configuration"), readme.indexOf("## Commands"));
    expect([...read].filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });
});
