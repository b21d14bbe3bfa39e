// The real express app in front of the real SQLite inbox: every GitLab fixture, its mutations,
// and every bad input with the status GitLab must see.
import { readdirSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteInbox } from "../../../src/queue/sqliteInbox.js";
import { createWebhookApp, WEBHOOK_PATH, type WebhookAppOptions } from "../../../src/webhook/app.js";
import { createMetrics } from "../../../src/webhook/metrics.js";
import { signPayload, signingKey } from "../../../src/webhook/verify.js";
import { capturingLogger, fixture, fixtureText, FIXTURES_DIR, silentLogger, tempDir, WEBHOOK_FIXTURES } from "./helpers.js";

const SECRET = "s3cret-current";
const OLD_SECRET = "s3cret-previous";
const BOT = "mops-bot";

let tmp: ReturnType<typeof tempDir>;
let inbox: SqliteInbox;

beforeEach(() => {
  tmp = tempDir("webhook");
  inbox = new SqliteInbox({ dataDir: tmp.dir, logger: silentLogger() });
});

afterEach(async () => {
  await inbox.close();
  tmp.remove();
});

function makeApp(overrides: Partial<WebhookAppOptions> = {}) {
  const metrics = createMetrics({ defaultMetrics: false });
  const app = createWebhookApp({
    secrets: [SECRET, OLD_SECRET],
    inbox,
    botUsername: BOT,
    logger: silentLogger(),
    metrics,
    readiness: async () => [],
    ...overrides,
  });
  return { app, metrics };
}

function post(app: ReturnType<typeof makeApp>["app"], header: string, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return request(app)
    .post(WEBHOOK_PATH)
    .set({ "Content-Type": "application/json", "X-Gitlab-Token": SECRET, "X-Gitlab-Event": header, ...headers })
    .send(text);
}

describe("handled GitLab events", () => {
  it("covers every webhook fixture in test/fixtures/gitlab/fixtures", () => {
    const shipped = readdirSync(FIXTURES_DIR).filter((f) => f.startsWith("webhook-")).sort();
    expect(Object.values(WEBHOOK_FIXTURES).map((f) => f.file).sort()).toEqual(shipped);
  });

  for (const [name, f] of Object.entries(WEBHOOK_FIXTURES)) {
    it(`queues ${name} (${f.file}) as ${f.ref}, stored before the 202`, async () => {
      const { app } = makeApp();
      const res = await post(app, f.header, fixtureText(f.file), { "Idempotency-Key": `key-${name}` });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ status: "queued", ref: f.ref });
      const stored = await inbox.list({ state: "pending" });
      expect(stored).toHaveLength(1);
      expect(stored[0]!.dedupeKey).toBe(`idem:key-${name}`);
    });
  }

  it("queues the confidential variants of issue and note events", async () => {
    const { app } = makeApp();
    const issue = fixture(WEBHOOK_FIXTURES.issue.file);
    issue.object_attributes.confidential = true;
    const r1 = await post(app, "Confidential Issue Hook", issue);
    expect(r1.status).toBe(202);
    expect(r1.body).toMatchObject({ status: "queued", ref: "gitlabhq/gitlab-test#23", event: "issue" });
    const r2 = await post(app, "Confidential Note Hook", fixture(WEBHOOK_FIXTURES.noteMergeRequest.file));
    expect(r2.body).toMatchObject({ status: "queued", ref: "gitlab-org/gitlab-test!1", event: "note" });
  });

  it("parses older and sparser payload shapes", async () => {
    const { app } = makeApp();
    // An issue hook from before `event_type`, `changes`, `labels` and `action` existed, iid quoted.
    const issue = fixture(WEBHOOK_FIXTURES.issue.file);
    delete issue.event_type;
    delete issue.changes;
    delete issue.labels;
    delete issue.user;
    delete issue.object_attributes.action;
    issue.object_attributes.iid = "23";
    expect((await post(app, "Issue Hook", issue)).body).toMatchObject({ status: "queued", ref: "gitlabhq/gitlab-test#23" });

    // A merge request hook without `project`: the target project names where the MR lives.
    const mr = fixture(WEBHOOK_FIXTURES.mergeRequest.file);
    delete mr.project;
    delete mr.object_attributes.draft;
    expect((await post(app, "Merge Request Hook", mr)).body).toMatchObject({ status: "queued", ref: "awesome_space/awesome_project!1" });

    // A work-item flavoured issue event.
    const workItem = fixture(WEBHOOK_FIXTURES.issue.file);
    workItem.object_kind = "work_item";
    workItem.object_attributes.iid = 24;
    expect((await post(app, "Issue Hook", workItem)).body).toMatchObject({ status: "queued", ref: "gitlabhq/gitlab-test#24" });
  });

  it("names a group milestone by the group's path, or by its id when the payload has no path", async () => {
    const { app } = makeApp();
    const byId = fixture(WEBHOOK_FIXTURES.milestone.file);
    byId.project = null;
    byId.object_attributes.project_id = null;
    byId.object_attributes.group_id = 42;
    expect((await post(app, "Milestone Hook", byId)).body).toMatchObject({ status: "queued", ref: "42%61" });

    const byPath = fixture(WEBHOOK_FIXTURES.milestone.file);
    delete byPath.project;
    byPath.object_attributes.id = 62;
    byPath.object_attributes.group_id = 42;
    byPath.group = { full_path: "marketing/mops" };
    expect((await post(app, "Milestone Hook", byPath)).body).toMatchObject({ status: "queued", ref: "marketing/mops%62" });
  });
});

describe("deduplication", () => {
  it("stores one event for a repeated Idempotency-Key and answers duplicate", async () => {
    const { app, metrics } = makeApp();
    const body = fixtureText(WEBHOOK_FIXTURES.issue.file);
    const first = await post(app, "Issue Hook", body, { "Idempotency-Key": "a5461c4d-9c7f-4af9-add6-cddebe3c426f" });
    const again = await post(app, "Issue Hook", body, { "Idempotency-Key": "a5461c4d-9c7f-4af9-add6-cddebe3c426f" });
    expect(first.body.status).toBe("queued");
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ status: "duplicate", ref: "gitlabhq/gitlab-test#23" });
    expect(await inbox.depth()).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString("mops_bot_webhook_events_deduplicated_total")).toMatch(/event="issue"} 1/);
  });

  it("without an Idempotency-Key, dedupes on the event header and body", async () => {
    const { app } = makeApp();
    const body = fixtureText(WEBHOOK_FIXTURES.noteIssue.file);
    expect((await post(app, "Note Hook", body)).body.status).toBe("queued");
    expect((await post(app, "Note Hook", body)).body.status).toBe("duplicate");
    const edited = fixture(WEBHOOK_FIXTURES.noteIssue.file);
    edited.object_attributes.note = "Hello again";
    expect((await post(app, "Note Hook", edited)).body.status).toBe("queued");
    expect(await inbox.depth()).toBe(2);
  });

  it("answers duplicates of events arriving in the same instant consistently", async () => {
    const { app } = makeApp();
    const body = fixtureText(WEBHOOK_FIXTURES.issue.file);
    const answers = await Promise.all([1, 2, 3, 4].map(() => post(app, "Issue Hook", body, { "Idempotency-Key": "same" })));
    expect(answers.map((a) => a.body.status).sort()).toEqual(["duplicate", "duplicate", "duplicate", "queued"]);
  });
});

describe("events that are acknowledged but not queued", () => {
  const cases: [string, unknown][] = [
    ["Push Hook", fixture("api-group-hook-events-list-with-request-headers.json")[0].request_data],
    ["Tag Push Hook", { object_kind: "tag_push" }],
    ["Pipeline Hook", { object_kind: "pipeline" }],
    ["Job Hook", { object_kind: "build" }],
    ["Emoji Hook", { object_kind: "emoji" }],
    ["Something New Hook", { object_kind: "something_new" }],
  ];
  for (const [header, body] of cases) {
    it(`${header} -> 202 ignored`, async () => {
      const { app } = makeApp();
      const res = await post(app, header, body);
      expect(res.status).toBe(202);
      expect(res.body.status).toBe("ignored");
      expect(res.body.reason).toMatch(header === "Something New Hook" ? /unknown event kind/ : /not used by mops-bot/);
      expect(await inbox.depth()).toBe(0);
    });
  }

  for (const noteable of ["Snippet", "Commit"]) {
    it(`a comment on a ${noteable} -> 202 ignored`, async () => {
      const { app } = makeApp();
      const note = fixture(WEBHOOK_FIXTURES.noteIssue.file);
      note.object_attributes.noteable_type = noteable;
      delete note.issue;
      const res = await post(app, "Note Hook", note);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: "ignored", reason: `comments on a ${noteable} are not used by mops-bot` });
      expect(await inbox.depth()).toBe(0);
    });
  }

  it("does not queue events caused by the bot's own user alone", async () => {
    const { app, metrics } = makeApp();
    const issue = fixture(WEBHOOK_FIXTURES.issue.file);
    issue.user = { id: 99, username: "MOPS-BOT", name: "MOps bot" }; // usernames compare case-insensitively
    issue.changes.updated_by_id = { previous: 1, current: 99 };
    const r1 = await post(app, "Issue Hook", issue);
    expect(r1.status).toBe(202);
    expect(r1.body).toMatchObject({ status: "ignored", reason: expect.stringMatching(/own user/) });

    const note = fixture(WEBHOOK_FIXTURES.noteIssue.file);
    note.user = { id: 99, username: BOT };
    note.object_attributes.author_id = 99;
    expect((await post(app, "Note Hook", note)).body.status).toBe("ignored");
    expect(await inbox.depth()).toBe(0);
    expect(await metrics.registry.getSingleMetricAsString("mops_bot_webhook_events_ignored_total")).toMatch(/event="issue",reason="own_event"} 1/);
  });

  it("queues a bot-user event that carries a person's edit", async () => {
    const { app } = makeApp();
    const issue = fixture(WEBHOOK_FIXTURES.issue.file);
    issue.user = { id: 99, username: BOT };
    issue.changes.updated_by_id = { previous: null, current: 99 };
    issue.changes.last_edited_by_id = { previous: null, current: 7 };
    expect((await post(app, "Issue Hook", issue)).body.status).toBe("queued");
  });
});

describe("rejected requests", () => {
  it("401 without a token or with a wrong one, naming the sender's IP and never the token in the log", async () => {
    const { logger, lines } = capturingLogger();
    const { app } = makeApp({ logger });
    const body = fixtureText(WEBHOOK_FIXTURES.issue.file);
    const missing = await request(app).post(WEBHOOK_PATH).set({ "Content-Type": "application/json", "X-Gitlab-Event": "Issue Hook" }).send(body);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toBe("missing X-Gitlab-Token header");
    const wrong = await post(app, "Issue Hook", body, { "X-Gitlab-Token": "guessed-token-value" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatch(/does not match/);
    expect(lines()).toContain('"ip":');
    expect(lines()).not.toContain("guessed-token-value");
    expect(lines()).not.toContain(SECRET);
    expect(await inbox.depth()).toBe(0);
  });

  it("accepts every secret of a rotation", async () => {
    const { app } = makeApp();
    const res = await post(app, "Issue Hook", fixtureText(WEBHOOK_FIXTURES.issue.file), { "X-Gitlab-Token": OLD_SECRET });
    expect(res.status).toBe(202);
  });

  it("415 when the body is not JSON", async () => {
    const { app } = makeApp();
    const res = await request(app)
      .post(WEBHOOK_PATH)
      .set({ "Content-Type": "application/x-www-form-urlencoded", "X-Gitlab-Token": SECRET, "X-Gitlab-Event": "Issue Hook" })
      .send("a=b");
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/application\/json/);
  });

  it("413 over the body limit", async () => {
    const { app } = makeApp({ bodyLimitBytes: 1024 });
    const big = fixture(WEBHOOK_FIXTURES.issue.file);
    big.object_attributes.description = "x".repeat(5000);
    const res = await post(app, "Issue Hook", big);
    expect(res.status).toBe(413);
    expect(await inbox.depth()).toBe(0);
  });

  it("413 for a chunked body that grows past the limit, without a Content-Length", async () => {
    const { app } = makeApp({ bodyLimitBytes: 1024 });
    const server = createServer(app).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: "127.0.0.1",
            port: (server.address() as AddressInfo).port,
            method: "POST",
            path: WEBHOOK_PATH,
            headers: { "Content-Type": "application/json", "X-Gitlab-Token": SECRET, "X-Gitlab-Event": "Issue Hook", "Transfer-Encoding": "chunked" },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        for (let i = 0; i < 10; i++) req.write("x".repeat(500));
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      server.close();
    }
  });

  it("415 for a compressed body", async () => {
    const { app } = makeApp();
    const res = await post(app, "Issue Hook", fixtureText(WEBHOOK_FIXTURES.issue.file), { "Content-Encoding": "gzip" });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/compressed/);
  });

  it("400 for malformed JSON, saying so", async () => {
    const { app } = makeApp();
    const res = await post(app, "Issue Hook", '{"object_kind": "issue",');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/not valid JSON/);
  });

  it("400 for a payload missing what the bot needs, naming the field", async () => {
    const { app } = makeApp();
    const issue = fixture(WEBHOOK_FIXTURES.issue.file);
    delete issue.object_attributes.iid;
    const r1 = await post(app, "Issue Hook", issue);
    expect(r1.status).toBe(400);
    expect(r1.body.problems).toEqual([expect.stringMatching(/^object_attributes\.iid: /)]);

    const note = fixture(WEBHOOK_FIXTURES.noteMergeRequest.file);
    delete note.merge_request;
    const r2 = await post(app, "Note Hook", note);
    expect(r2.status).toBe(400);
    expect(r2.body.problems[0]).toMatch(/^merge_request\.iid/);

    const noProject = fixture(WEBHOOK_FIXTURES.noteIssue.file);
    delete noProject.project;
    expect((await post(app, "Note Hook", noProject)).status).toBe(400);

    expect((await post(app, "Issue Hook", "[1,2]")).status).toBe(400);
    expect(await inbox.depth()).toBe(0);
  });

  it("400 when the body does not match the X-Gitlab-Event header, or the header is missing", async () => {
    const { app } = makeApp();
    const res = await post(app, "Issue Hook", fixtureText(WEBHOOK_FIXTURES.noteIssue.file));
    expect(res.status).toBe(400);
    expect(res.body.problems[0]).toMatch(/object_kind: "note" does not belong/);
    const noHeader = await request(app)
      .post(WEBHOOK_PATH)
      .set({ "Content-Type": "application/json", "X-Gitlab-Token": SECRET })
      .send(fixtureText(WEBHOOK_FIXTURES.issue.file));
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.error).toMatch(/X-Gitlab-Event/);
  });

  it("503 when the inbox cannot store the event (GitLab sees a failed delivery)", async () => {
    const { app } = makeApp({ inbox: { record: () => Promise.reject(new Error("disk full")) } });
    const res = await post(app, "Issue Hook", fixtureText(WEBHOOK_FIXTURES.issue.file));
    expect(res.status).toBe(503);
  });

  it("refuses to start without any secret", () => {
    expect(() => makeApp({ secrets: [] })).toThrow(/needs a secret token or a signing token/);
  });
});

describe("signed webhooks (Standard Webhooks)", () => {
  const token = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
  const key = signingKey(token);
  const NOW_MS = Date.parse("2026-03-02T10:00:00Z");
  const nowS = NOW_MS / 1000;

  function signed(body: string, ts: number, signature?: string) {
    return {
      "webhook-id": "msg_2Lg0",
      "webhook-timestamp": String(ts),
      "webhook-signature": signature ?? signPayload(key, "msg_2Lg0", ts, body),
    };
  }

  it("accepts a valid signature, also among several", async () => {
    const { app } = makeApp({ signingToken: token, now: () => NOW_MS });
    const body = fixtureText(WEBHOOK_FIXTURES.issue.file);
    expect((await post(app, "Issue Hook", body, signed(body, nowS))).status).toBe(202);
    const several = `v1,${Buffer.alloc(32).toString("base64")} ${signPayload(key, "msg_2Lg0", nowS, body)}`;
    expect((await post(app, "Issue Hook", body, { ...signed(body, nowS, several), "Idempotency-Key": "k2" })).status).toBe(202);
  });

  it("401 for a signature over other bytes, a stale or future timestamp, or missing headers", async () => {
    const { app } = makeApp({ signingToken: token, now: () => NOW_MS });
    const body = fixtureText(WEBHOOK_FIXTURES.issue.file);
    const tampered = body.replace("gitlabhq/gitlab-test", "gitlabhq/other");
    const bad = await post(app, "Issue Hook", tampered, signed(body, nowS));
    expect(bad.status).toBe(401);
    expect(bad.body.error).toMatch(/does not match/);
    const stale = await post(app, "Issue Hook", body, signed(body, nowS - 301));
    expect(stale.status).toBe(401);
    expect(stale.body.error).toMatch(/too old/);
    const future = await post(app, "Issue Hook", body, signed(body, nowS + 301));
    expect(future.body.error).toMatch(/future/);
    const unsigned = await post(app, "Issue Hook", body);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error).toMatch(/missing signature header/);
    expect(await inbox.depth()).toBe(0);
  });

  it("works with only a signing token (no shared secret)", async () => {
    const { app } = makeApp({ secrets: [], signingToken: token, now: () => NOW_MS });
    const body = fixtureText(WEBHOOK_FIXTURES.milestone.file);
    const res = await request(app)
      .post(WEBHOOK_PATH)
      .set({ "Content-Type": "application/json", "X-Gitlab-Event": "Milestone Hook", ...signed(body, nowS) })
      .send(body);
    expect(res.status).toBe(202);
  });
});

describe("health, readiness and metrics", () => {
  it("healthz is up; readyz lists problems with 503", async () => {
    let problems: string[] = [];
    const { app } = makeApp({ readiness: async () => problems });
    expect((await request(app).get("/healthz")).status).toBe(200);
    expect((await request(app).get("/readyz")).body).toEqual({ status: "ready" });
    problems = ["GitLab is not reachable"];
    const notReady = await request(app).get("/readyz");
    expect(notReady.status).toBe(503);
    expect(notReady.body.problems).toEqual(["GitLab is not reachable"]);
  });

  it("readyz, which anyone can call, never shows credentials written into a URL", async () => {
    const { app } = makeApp({ readiness: async () => ["GitLab is not reachable with the configured token: request to https://oauth2:glpat-SeCrEt@gitlab.example.com/api/v4/user failed"] });
    const notReady = await request(app).get("/readyz");
    expect(notReady.status).toBe(503);
    expect(notReady.text).not.toContain("glpat-SeCrEt");
    expect(notReady.body.problems).toEqual(["GitLab is not reachable with the configured token: request to https://[REDACTED]@gitlab.example.com/api/v4/user failed"]);
  });

  it("metrics count received and ignored events and show the queue", async () => {
    const { app, metrics } = makeApp();
    metrics.observeInbox(() => inbox.stats());
    await post(app, "Issue Hook", fixtureText(WEBHOOK_FIXTURES.issue.file));
    await post(app, "Pipeline Hook", { object_kind: "pipeline" });
    const text = (await request(app).get("/metrics")).text;
    expect(text).toMatch(/mops_bot_webhook_events_received_total\{event="issue"} 1/);
    expect(text).toMatch(/mops_bot_webhook_events_ignored_total\{event="pipeline",reason="event_kind"} 1/);
    expect(text).toMatch(/mops_bot_queue_depth 1/);
    expect(text).toMatch(/mops_bot_queue_dead_letters 0/);
  });

  it("answers unknown paths with a pointer to the webhook path", async () => {
    const { app } = makeApp();
    const res = await request(app).get("/webhooks/gitlab");
    expect(res.status).toBe(404);
    expect(res.body.error).toContain("POST /webhooks/gitlab");
  });
});
