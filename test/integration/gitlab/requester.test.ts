import { Writable } from "node:stream";
import { Gitlab } from "@gitbeaker/rest";
import nock from "nock";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { GitLabApiError, GitLabNetworkError } from "../../../src/gitlab/errors.js";
import { gitlabLogger } from "../../../src/gitlab/logger.js";
import { GitLabRequester, withTrace, type GitLabRequesterOptions } from "../../../src/gitlab/requester.js";
import { API, enc, fakeTime, fixture, GITLAB, PROJECT_A, TOKEN, useStrictNock, type FakeTime } from "./helpers.js";

useStrictNock();

function requester(time: FakeTime, overrides: Partial<GitLabRequesterOptions> = {}): GitLabRequester {
  return new GitLabRequester({
    url: GITLAB,
    token: TOKEN,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0,
    retry: { attempts: 3, baseMs: 10, maxMs: 40 },
    ...overrides,
  });
}

const issuePath = `/api/v4/projects/${enc(PROJECT_A)}/issues/1`;

describe("GitLabRequester retries", () => {
  it("waits the seconds a 429's Retry-After asks for, then succeeds", async () => {
    const time = fakeTime();
    const issue = fixture("api-project-issues-list.json")[0];
    const scope = nock(API)
      .get(`/projects/${enc(PROJECT_A)}/issues/1`)
      .reply(429, { message: "429 Too Many Requests" }, { "Retry-After": "7" })
      .get(`/projects/${enc(PROJECT_A)}/issues/1`)
      .reply(200, issue);
    const r = requester(time);
    const response = await r.api.get(`projects/${enc(PROJECT_A)}/issues/1`);
    expect(response.status).toBe(200);
    expect((response.body as { iid: number }).iid).toBe(1);
    expect(time.sleeps).toEqual([7000]);
    expect(r.stats()).toMatchObject({ total: 2, retries: 1, byStatus: { "429": 1, "200": 1 } });
    expect(scope.isDone()).toBe(true);
  });

  it("reads Retry-After given as an HTTP date", async () => {
    const time = fakeTime("2026-03-02T12:00:00.000Z");
    const scope = nock(API)
      .get("/user")
      .reply(429, "slow down", { "Retry-After": "Mon, 02 Mar 2026 12:00:12 GMT" })
      .get("/user")
      .reply(200, { id: 5, username: "mops-bot" });
    await requester(time).api.get("user");
    expect(time.sleeps).toEqual([12_000]);
    expect(scope.isDone()).toBe(true);
  });

  it("a 429 pauses every request of the client, not only the one that got it", async () => {
    const time = fakeTime();
    const order: string[] = [];
    const scope = nock(API)
      .get("/user")
      .reply(() => {
        order.push(`user@${time.nowMs()}`);
        return [429, {}, { "Retry-After": "3" }];
      })
      .get("/version")
      .reply(() => {
        order.push(`version@${time.nowMs()}`);
        return [200, { version: "18.0" }];
      })
      .get("/user")
      .reply(() => {
        order.push(`user@${time.nowMs()}`);
        return [200, { id: 5, username: "bot" }];
      });
    const r = requester(time, { concurrency: 1 });
    const start = time.nowMs();
    await Promise.all([r.api.get("user"), r.api.get("version")]);
    // /version was queued behind the 429 and waited out the same 3 s; the retry then had nothing left to wait.
    expect(time.sleeps).toEqual([3000]);
    expect(order).toEqual([`user@${start}`, `version@${start + 3000}`, `user@${start + 3000}`]);
    expect(scope.isDone()).toBe(true);
  });

  it("429s do not use up the retries: six in a row, then the answer, with three attempts allowed", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/user")
      .times(6)
      .reply(429, { message: "429 Too Many Requests" }, { "Retry-After": "2" })
      .get("/user")
      .reply(502, "Bad Gateway")
      .get("/user")
      .reply(200, { id: 5, username: "mops-bot" });
    const r = requester(time);
    const response = await r.api.get("user");
    expect(response.status).toBe(200);
    // Six Retry-After waits, and one backoff for the 502, which did count as a retry.
    expect(time.sleeps).toEqual([2000, 2000, 2000, 2000, 2000, 2000, 5]);
    expect(r.stats()).toMatchObject({ total: 8, retries: 7, byStatus: { "429": 6, "502": 1, "200": 1 } });
    expect(scope.isDone()).toBe(true);
  });

  it("a 429 closes the gate for requests that start while it is closed, too", async () => {
    const time = fakeTime();
    const sentAt: Record<string, number[]> = {};
    const sent = (path: string) => (sentAt[path] ??= []).push(time.nowMs());
    const scope = nock(API)
      .get("/user")
      .reply(() => {
        sent("user");
        return [429, {}, { "Retry-After": "30", "RateLimit-Limit": "300", "RateLimit-Remaining": "0" }];
      })
      .get("/user")
      .reply(() => {
        sent("user");
        return [200, { id: 1 }];
      })
      .get("/version")
      .reply(() => {
        sent("version");
        return [200, {}];
      });
    const r = requester(time, { concurrency: 4 });
    const start = time.nowMs();
    await r.api.get("user");
    // Asked after the retry has gone out, but GitLab said nothing new: the gate is open again.
    await r.api.get("version");
    expect(sentAt).toEqual({ user: [start, start + 30_000], version: [start + 30_000] });
    expect(scope.isDone()).toBe(true);
  });

  it("gives up on a request GitLab keeps answering 429 for longer than the give-up time, saying so", async () => {
    const time = fakeTime();
    const scope = nock(API).get(`/projects/${enc(PROJECT_A)}/issues/1`).times(4).reply(429, "Retry later\n", { "Retry-After": "60" });
    const r = requester(time, { rateLimit: { giveUpAfterMs: 180_000 } });
    const error = await r.api.get(`projects/${enc(PROJECT_A)}/issues/1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitLabApiError);
    expect((error as Error).message).toBe(
      `GitLab answered 429 Too Many Requests for GET /projects/:id/issues/:iid (project ${PROJECT_A}) for 3 minutes: GitLab's rate limit stayed hit for as long as the bot waits. Something else using the same GitLab user (another bot replica, a script) may be spending its budget; stop that or run again later. (GitLab said: Retry later)`,
    );
    expect(time.sleeps).toEqual([60_000, 60_000, 60_000]);
    expect(scope.isDone()).toBe(true);
  });

  it("retries a 502 twice with growing jittered backoff, then succeeds", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/user").times(2).reply(502, "Bad Gateway").get("/user").reply(200, { id: 1, username: "root" });
    const r = requester(time, { random: () => 0.5 });
    const response = await r.api.get("user");
    expect(response.status).toBe(200);
    // base 10 ms: ceilings 10 and 20, jitter keeps each between half and all of its ceiling.
    expect(time.sleeps).toEqual([8, 15]);
    expect(r.stats()).toMatchObject({ total: 3, retries: 2, byStatus: { "502": 2, "200": 1 } });
    expect(scope.isDone()).toBe(true);
  });

  it("gives a clear error when 5xx answers outlast the retries", async () => {
    const time = fakeTime();
    const scope = nock(API).get(issuePath.replace("/api/v4", "")).times(3).reply(503, { message: "Service Unavailable" });
    const r = requester(time);
    const error = await r.api.get(`projects/${enc(PROJECT_A)}/issues/1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitLabApiError);
    expect((error as Error).message).toBe(
      `GitLab answered 503 Service Unavailable for GET /projects/:id/issues/:iid (project ${PROJECT_A}) after 3 attempts: GitLab is failing or overloaded. Nothing more was changed; run again later.`,
    );
    expect((error as GitLabApiError).status).toBe(503);
    expect(r.stats().retries).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it("retries network errors and names the host when they persist", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/user")
      .replyWithError({ code: "ECONNRESET", message: "socket hang up" })
      .get("/user")
      .reply(200, { id: 1, username: "root" })
      .get("/version")
      .times(3)
      .replyWithError({ code: "ECONNREFUSED", message: "connect ECONNREFUSED" });
    const r = requester(time);
    await expect(r.api.get("user")).resolves.toMatchObject({ status: 200 });
    const error = await r.api.get("version").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitLabNetworkError);
    expect((error as Error).message).toContain(`Could not reach GitLab at ${GITLAB} for GET /version after 3 attempt(s)`);
    expect(r.stats().byStatus["network-error"]).toBe(4);
    expect(scope.isDone()).toBe(true);
  });

  it("does not retry a 4xx other than 429", async () => {
    const time = fakeTime();
    const scope = nock(API).put(issuePath.replace("/api/v4", "")).reply(403, { message: "403 Forbidden" });
    const error = await requester(time)
      .api.put(`projects/${enc(PROJECT_A)}/issues/1`, { body: { add_labels: "bug" } })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `GitLab answered 403 Forbidden for PUT /projects/:id/issues/:iid (project ${PROJECT_A}): the token's user needs at least Reporter access to project ${PROJECT_A} (Developer for merge requests), and the token needs the api scope. (GitLab said: 403 Forbidden)`,
    );
    expect(time.sleeps).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });
});

describe("GitLabRequester rate limits", () => {
  it("pauses until RateLimit-Reset when RateLimit-Remaining is nearly spent", async () => {
    const time = fakeTime("2026-03-02T12:00:00.000Z");
    const resetEpoch = Math.floor(new Date("2026-03-02T12:00:40.000Z").getTime() / 1000);
    const scope = nock(API)
      .get("/user")
      .reply(200, { id: 1, username: "root" }, { "RateLimit-Limit": "2000", "RateLimit-Remaining": "3", "RateLimit-Reset": String(resetEpoch) })
      .get("/version")
      .reply(200, { version: "18.0" }, { "RateLimit-Limit": "2000", "RateLimit-Remaining": "1999", "RateLimit-Reset": String(resetEpoch + 60) });
    const r = requester(time);
    await r.api.get("user");
    expect(time.sleeps).toEqual([]);
    await r.api.get("version");
    expect(time.sleeps).toEqual([40_000]);
    expect(r.stats().pausedMs).toBe(40_000);
    expect(scope.isDone()).toBe(true);
  });

  it("waits for the reset once the budget falls to a twentieth of RateLimit-Limit", async () => {
    const time = fakeTime("2026-03-02T12:00:00.000Z");
    const resetEpoch = Math.floor(new Date("2026-03-02T12:00:30.000Z").getTime() / 1000);
    const headers = (remaining: number) => ({ "RateLimit-Limit": "300", "RateLimit-Remaining": String(remaining), "RateLimit-Reset": String(resetEpoch) });
    const scope = nock(API)
      .get("/user")
      .reply(200, { id: 1, username: "root" }, headers(17))
      .get("/version")
      .reply(200, {}, headers(16))
      .get("/version")
      .reply(200, {}, headers(15))
      .get("/version")
      .reply(200, {}, { "RateLimit-Limit": "300", "RateLimit-Remaining": "299", "RateLimit-Reset": String(resetEpoch + 60) });
    const r = requester(time);
    await r.api.get("user");
    // 17 left of 300: above the low-water mark of 15, so two more go out at once.
    await r.api.get("version");
    await r.api.get("version");
    expect(time.sleeps).toEqual([]);
    // 15 left: the third waits for the window to reset.
    await r.api.get("version");
    expect(time.sleeps).toEqual([30_000]);
    expect(scope.isDone()).toBe(true);
  });

  it("every request waits for the reset when the budget runs low, not only the one that noticed", async () => {
    const time = fakeTime("2026-03-02T12:00:00.000Z");
    const resetEpoch = Math.floor(new Date("2026-03-02T12:00:20.000Z").getTime() / 1000);
    const sentAt: number[] = [];
    const scope = nock(API)
      .get("/user")
      .reply(200, { id: 1 }, { "RateLimit-Limit": "300", "RateLimit-Remaining": "12", "RateLimit-Reset": String(resetEpoch) })
      .get(/\/projects\/\d+$/)
      .times(5)
      .reply(() => {
        sentAt.push(time.nowMs());
        return [200, { id: 1 }];
      });
    const r = requester(time, { concurrency: 5 });
    await r.api.get("user");
    const start = time.nowMs();
    await Promise.all([1, 2, 3, 4, 5].map((id) => r.api.get(`projects/${id}`)));
    // All five were held until the reset; none went out in the spent window.
    expect(sentAt).toEqual([1, 2, 3, 4, 5].map(() => start + 20_000));
    expect(scope.isDone()).toBe(true);
  });

  it("a late answer from before other requests were counted does not raise the budget", async () => {
    const time = fakeTime("2026-03-02T12:00:00.000Z");
    const resetEpoch = Math.floor(new Date("2026-03-02T12:00:10.000Z").getTime() / 1000);
    const headers = (remaining: number) => ({ "RateLimit-Limit": "300", "RateLimit-Remaining": String(remaining), "RateLimit-Reset": String(resetEpoch) });
    const scope = nock(API).get("/user").reply(200, {}, headers(16)).get("/version").reply(200, {}, headers(40)).get("/metadata").reply(200, {}, headers(40));
    const r = requester(time);
    await r.api.get("user");
    await r.api.get("version");
    expect(time.sleeps).toEqual([]);
    // 16 - 1 = 15 left by the gate's own count, whatever the late answers say.
    await r.api.get("metadata");
    expect(time.sleeps).toEqual([10_000]);
    expect(scope.isDone()).toBe(true);
  });

  it("paces note creation under the per-minute note limit", async () => {
    const time = fakeTime();
    const notes = `/projects/${enc(PROJECT_A)}/issues/1/notes`;
    const note = fixture("api-note-single-issue-note.json");
    const scope = nock(API).post(notes).times(3).reply(201, note).get(notes).reply(200, []);
    const r = requester(time, { notesPerMinute: 2 });
    for (let i = 0; i < 3; i++) await r.api.post(`projects/${enc(PROJECT_A)}/issues/1/notes`, { body: { body: `note ${i}` } });
    // Reading notes is not paced.
    await r.api.get(`projects/${enc(PROJECT_A)}/issues/1/notes`);
    expect(time.sleeps).toEqual([60_000]);
    expect(scope.isDone()).toBe(true);
  });

  it("a 429 on note creation halves the note pace and retries the note at the new pace", async () => {
    const time = fakeTime();
    const notes = `/projects/${enc(PROJECT_A)}/issues/1/notes`;
    const note = fixture("api-note-single-issue-note.json");
    // GitLab's notes_create limiter answers 429 with no Retry-After (lib/api/helpers/rate_limiter.rb).
    const limited = { error: "This endpoint has been requested too many times. Try again later." };
    const scope = nock(API).post(notes).times(2).reply(201, note).post(notes).reply(429, limited).post(notes).times(2).reply(201, note).get("/user").reply(200, { id: 1 });
    const r = requester(time, { notesPerMinute: 4 });
    const start = time.nowMs();
    for (let i = 0; i < 4; i++) await r.api.post(`projects/${enc(PROJECT_A)}/issues/1/notes`, { body: { body: `note ${i}` } });
    // Three notes went out at once and the third was refused: the pace falls to 2 a minute, so
    // its retry waits until the three are a minute old; the fourth then fits in the same minute.
    expect(time.sleeps).toEqual([60_000]);
    expect(time.nowMs() - start).toBe(60_000);
    // Other requests are not held up by the note limit.
    await r.api.get("user");
    expect(time.sleeps).toEqual([60_000]);
    expect(r.stats().retries).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it("notes refused together halve the pace once, not once each", async () => {
    const time = fakeTime();
    const notes = `/projects/${enc(PROJECT_A)}/issues/1/notes`;
    const note = fixture("api-note-single-issue-note.json");
    const limited = { error: "This endpoint has been requested too many times. Try again later." };
    const scope = nock(API).post(notes).times(2).reply(201, note).post(notes).times(2).reply(429, limited).post(notes).times(2).reply(201, note);
    const r = requester(time, { notesPerMinute: 8 });
    await Promise.all([0, 1, 2, 3].map((i) => r.api.post(`projects/${enc(PROJECT_A)}/issues/1/notes`, { body: { body: `note ${i}` } })));
    expect(r.notePace()).toBe(4);
    expect(scope.isDone()).toBe(true);
  });

  it("keeps no more requests in flight than the concurrency allows", async () => {
    const time = fakeTime();
    let inFlight = 0;
    let most = 0;
    const scope = nock(API)
      .get(/\/projects\/\d+$/)
      .times(6)
      .reply(async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return [200, { id: 1, path_with_namespace: "a/b" }];
      });
    const r = requester(time, { concurrency: 2 });
    await Promise.all([1, 2, 3, 4, 5, 6].map((id) => r.api.get(`projects/${id}`)));
    expect(most).toBe(2);
    expect(scope.isDone()).toBe(true);
  });
});

describe("GitLabRequester accounting and tracing", () => {
  it("counts requests by method and route template", async () => {
    const time = fakeTime();
    const base = `/projects/${enc(PROJECT_A)}/issues/12`;
    const scope = nock(API)
      .get(`${base}/resource_label_events`)
      .query(true)
      .reply(200, fixture("api-resource-label-events.json"))
      .get("/projects/7/merge_requests/3/resource_label_events")
      .reply(200, [])
      .put(base)
      .reply(200, fixture("api-project-issue-update-close.json"));
    const r = requester(time);
    await r.api.get(`${base.slice(1)}/resource_label_events`, { searchParams: { per_page: 100 } });
    await r.api.get("projects/7/merge_requests/3/resource_label_events");
    await r.api.put(base.slice(1), { body: { state_event: "close" } });
    expect(r.stats().byRoute).toEqual({
      "GET /projects/:id/issues/:iid/resource_label_events": 1,
      "GET /projects/:id/merge_requests/:iid/resource_label_events": 1,
      "PUT /projects/:id/issues/:iid": 1,
    });
    expect(r.stats().total).toBe(3);
    expect(scope.isDone()).toBe(true);
  });

  it("attaches the trace id of the surrounding work to every request", async () => {
    const time = fakeTime();
    const scope = nock(API, { reqheaders: { "x-request-id": "evt-42" } })
      .get("/user")
      .reply(200, { id: 1, username: "root" });
    const r = requester(time);
    await withTrace("evt-42", () => r.api.get("user"));
    expect(scope.isDone()).toBe(true);
  });

  it("sends the token only in the private-token header", async () => {
    const time = fakeTime();
    const scope = nock(API, { reqheaders: { "private-token": TOKEN } })
      .get("/user")
      .reply(200, { id: 1, username: "root" });
    await requester(time).api.get("user");
    expect(scope.isDone()).toBe(true);
  });

  it("never lets the token reach an error message or a log line", async () => {
    const time = fakeTime();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: "debug" }, sink);
    const scope = nock(API)
      .get("/user")
      .reply(500, { message: `boom for token ${TOKEN}` })
      .get("/user")
      .reply(401, { message: `401 Unauthorized: token ${TOKEN} revoked` });
    const r = requester(time, { logger, retry: { attempts: 2, baseMs: 1, maxMs: 1 } });
    const error = (await r.api.get("user").catch((e: unknown) => e)) as GitLabApiError;
    expect(error.message).toContain("401 Unauthorized for GET /user");
    expect(error.message).toContain("the token is missing, expired or revoked");
    expect(error.message).not.toContain(TOKEN);
    expect(error.gitlabMessage).not.toContain(TOKEN);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    // The adapter's logger redacts a token even when a caller logs one by mistake.
    gitlabLogger(logger).info({ token: TOKEN, headers: { "private-token": TOKEN } }, "configured");
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join("")).not.toContain(TOKEN);
    expect(scope.isDone()).toBe(true);
  });
});

describe("GitLabRequester as gitbeaker's requester", () => {
  it("serves gitbeaker's resource classes", async () => {
    const time = fakeTime();
    const r = requester(time);
    const scope = nock(API).get("/user").reply(200, { id: 9, username: "mops-bot" });
    const api = new Gitlab({ host: GITLAB, token: TOKEN, requesterFn: r.requesterFn });
    const me = await api.Users.showCurrentUser();
    expect(me.username).toBe("mops-bot");
    expect(r.stats().byRoute).toEqual({ "GET /user": 1 });
    expect(scope.isDone()).toBe(true);
  });
});
