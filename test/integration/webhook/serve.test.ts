// startServe end to end in-process (real listener, real inbox, injected reconcile), and the
// environment configuration it is started with.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResourceRef } from "../../../src/domain/snapshot.js";
import { ConfigError, loadServeConfig } from "../../../src/config.js";
import { startServe } from "../../../src/server/serve.js";
import { fixtureText, silentLogger, tempDir, waitFor, WEBHOOK_FIXTURES } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir("serve");
});
afterEach(() => tmp.remove());

const env = (extra: Record<string, string> = {}) => ({
  GITLAB_URL: "https://gitlab.example.com/",
  GITLAB_TOKEN: "glpat-xxxxxxxx",
  GITLAB_WEBHOOK_SECRET: "new-secret, old-secret",
  ...extra,
});

describe("loadServeConfig", () => {
  it("lists everything missing in one message, with what each is for", () => {
    let error: unknown;
    try {
      loadServeConfig({});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/GITLAB_URL is not set: the address of your GitLab/);
    expect(message).toMatch(/GITLAB_TOKEN is not set: an access token/);
    expect(message).toMatch(/GITLAB_WEBHOOK_SECRET is not set: the secret token set on the GitLab webhook/);
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it("reports invalid values together", () => {
    expect(() => loadServeConfig(env({ GITLAB_URL: "gitlab", PORT: "http", GITLAB_WEBHOOK_SIGNING_TOKEN: "abc" }))).toThrow(
      /GITLAB_URL is "gitlab".*\n.*GITLAB_WEBHOOK_SIGNING_TOKEN: .*whsec_.*\n.*PORT is "http"/s,
    );
  });

  it("chooses the inbox durability, and names the allowed values when it is wrong", () => {
    expect(loadServeConfig(env()).inboxDurability).toBe("process-crash");
    expect(loadServeConfig(env({ MOPS_INBOX_DURABILITY: "power-loss" })).inboxDurability).toBe("power-loss");
    expect(loadServeConfig(env({ MOPS_INBOX_DURABILITY: "process-crash" })).inboxDurability).toBe("process-crash");
    expect(() => loadServeConfig(env({ MOPS_INBOX_DURABILITY: "fast" }))).toThrow(/MOPS_INBOX_DURABILITY is "fast"; it must be "process-crash".*or "power-loss"/);
  });

  it("reads secrets for rotation and applies defaults", () => {
    const config = loadServeConfig(env());
    expect(config).toMatchObject({
      gitlabUrl: "https://gitlab.example.com",
      webhookSecrets: ["new-secret", "old-secret"],
      port: 8080,
      dataDir: "./data",
      maxAttempts: 5,
    });
    // The default is the team's own folder, next to where the bot runs.
    expect(config.policiesDir).toBe("./policies");
    expect(config.signingToken).toBeUndefined();
  });
});

describe("startServe", () => {
  it("acknowledges a delivery, reconciles it, reports readiness and metrics, and closes cleanly", async () => {
    const seen: { ref: ResourceRef; eventIds: string[] }[] = [];
    const config = { ...loadServeConfig(env({ PORT: "0", MOPS_DATA_DIR: tmp.dir })) };
    const running = await startServe({
      config,
      botUsername: "mops-bot",
      logger: silentLogger(),
      readiness: async () => [],
      host: "127.0.0.1",
      reconcile: async (ref, trace) => void seen.push({ ref, eventIds: trace.eventIds }),
    });
    const base = `http://127.0.0.1:${running.port}`;
    try {
      const res = await fetch(`${base}/webhooks/gitlab`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Gitlab-Token": "old-secret", "X-Gitlab-Event": "Note Hook", "Idempotency-Key": "n1" },
        body: fixtureText(WEBHOOK_FIXTURES.noteMergeRequest.file),
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ status: "queued", ref: "gitlab-org/gitlab-test!1", event: "note" });
      await waitFor(() => seen.length === 1, 5000, "the reconcile");
      expect(seen[0]).toEqual({ ref: { kind: "merge_request", path: "gitlab-org/gitlab-test", iid: 1 }, eventIds: ["idem:n1"] });
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      await waitFor(async () => /mops_bot_reconcile_duration_seconds_count\{outcome="ok"} 1/.test(await (await fetch(`${base}/metrics`)).text()), 5000, "the histogram");
    } finally {
      await running.close();
    }
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    expect(await running.inbox.health()).toEqual(["the inbox is closed"]);
  });
});
