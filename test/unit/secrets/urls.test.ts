import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig, loadServeConfig, requireGitLab, type Env } from "../../../src/config.js";
import { gitlabLogger } from "../../../src/gitlab/logger.js";
import { createLogger } from "../../../src/logging.js";
import { redactUrlCredentials } from "../../../src/redact.js";

/** What a command that talks to GitLab is given. */
const gitlabConnectionFromEnv = (env: Env) => requireGitLab(loadConfig(env));

const TOKEN = "glpat-SeCrEt0123456789";

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString("utf8"));
      cb();
    },
  });
  return { stream, text: () => chunks.join("") };
}

const errorMessage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
};

describe("GITLAB_URL", () => {
  it("with credentials is refused, says where the token goes, and does not repeat it", () => {
    for (const url of [`https://oauth2:${TOKEN}@gitlab.example.com`, `http://user:${TOKEN}@gitlab.example.com/`]) {
      const fromRuntime = errorMessage(() => gitlabConnectionFromEnv({ GITLAB_URL: url, GITLAB_TOKEN: "glpat-other" }));
      const fromServe = errorMessage(() => loadServeConfig({ GITLAB_URL: url, GITLAB_TOKEN: "glpat-other", GITLAB_WEBHOOK_SECRET: "s" }));
      for (const message of [fromRuntime, fromServe]) {
        expect(message).toMatch(/contains a user name or token: remove it \(write https?:\/\/gitlab\.example\.com\) and put the token in GITLAB_TOKEN/);
        expect(message).not.toContain(TOKEN);
      }
    }
  });

  it("without a scheme says to start it with https:// or http://", () => {
    const fromRuntime = errorMessage(() => gitlabConnectionFromEnv({ GITLAB_URL: "gitlab.example.com", GITLAB_TOKEN: "t" }));
    const fromServe = errorMessage(() => loadServeConfig({ GITLAB_URL: "gitlab.example.com", GITLAB_TOKEN: "t", GITLAB_WEBHOOK_SECRET: "s" }));
    for (const message of [fromRuntime, fromServe]) {
      expect(message).toContain('GITLAB_URL is "gitlab.example.com"; it must start with https:// or http://, e.g. https://gitlab.example.com');
    }
  });

  it("an ordinary address is accepted", () => {
    expect(gitlabConnectionFromEnv({ GITLAB_URL: "https://gitlab.example.com", GITLAB_TOKEN: "t" }).url).toBe("https://gitlab.example.com");
  });
});

describe("URL credentials in logs", () => {
  it("are redacted in any text, whatever the scheme", () => {
    expect(redactUrlCredentials(`GET https://oauth2:${TOKEN}@gitlab.example.com/api/v4/user failed`)).toBe("GET https://[REDACTED]@gitlab.example.com/api/v4/user failed");
    expect(redactUrlCredentials("redis://:pw@redis:6379 and http://user:password@host/x")).toBe("redis://[REDACTED]@redis:6379 and http://[REDACTED]@host/x");
    expect(redactUrlCredentials("mail alice@example.com at https://gitlab.example.com/@alice")).toBe("mail alice@example.com at https://gitlab.example.com/@alice");
  });

  it("never reach a line of the serve or GitLab logger, in messages or fields", () => {
    const serve = capture();
    const gitlab = capture();
    for (const logger of [createLogger({ logLevel: "info" }, serve.stream), gitlabLogger(createLogger({ logLevel: "info" }, gitlab.stream))]) {
      for (let i = 0; i < 10; i++) logger.error({ url: `http://user:password@gitlab.example.com/api/v4/projects/${i}`, err: new Error(`connect to https://oauth2:${TOKEN}@gitlab.example.com refused`) }, `sweep failed on http://user:password@gitlab.example.com`);
    }
    for (const text of [serve.text(), gitlab.text()]) {
      expect(text.split("\n").filter(Boolean)).toHaveLength(10);
      expect(text).not.toContain("password");
      expect(text).not.toContain(TOKEN);
      expect(text).toContain("http://[REDACTED]@gitlab.example.com");
    }
  });
});
