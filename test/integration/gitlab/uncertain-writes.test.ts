/**
 * The requester does not send a creating POST twice on its own: after a 5xx or a lost connection
 * GitLab may have made the note, issue, branch or merge request, so the caller looks first
 * (gitlab/checkedPost.ts). Reads, updates and 429s (GitLab did nothing) are retried as before.
 */
import nock from "nock";
import { describe, expect, it } from "vitest";
import { GitLabApiError, UncertainWriteError } from "../../../src/gitlab/errors.js";
import { postChecked } from "../../../src/gitlab/checkedPost.js";
import { GitLabRequester } from "../../../src/gitlab/requester.js";
import { API, enc, fakeTime, GITLAB, PROJECT_A, TOKEN, useStrictNock } from "./helpers.js";

useStrictNock();

// The fake time's sleep moves its clock, so a wait for GitLab's rate-limit window ends.
const requester = () => {
  const time = fakeTime();
  return new GitLabRequester({ url: GITLAB, token: TOKEN, clock: time.clock, sleep: time.sleep, random: () => 0, retry: { attempts: 3, baseMs: 10, maxMs: 40 } });
};
const notes = `/projects/${enc(PROJECT_A)}/issues/1/notes`;

describe("creating POSTs after an unclear answer", () => {
  it("a 504 to a new note is not retried: the caller learns the outcome is unknown", async () => {
    const scope = nock(API).post(notes).reply(504, "<html>504 Gateway Time-out</html>", { "content-type": "text/html" });
    const error = await requester().api.post(`projects/${enc(PROJECT_A)}/issues/1/notes`, { body: { body: "hi" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UncertainWriteError);
    expect((error as UncertainWriteError).failure).toBeInstanceOf(GitLabApiError);
    expect((error as Error).message).toContain("may have carried the write out");
    expect(scope.isDone()).toBe(true);
  });

  it("a lost connection on a new issue is not retried either", async () => {
    const scope = nock(API).post(`/projects/${enc(PROJECT_A)}/issues`).replyWithError({ code: "ECONNRESET", message: "socket hang up" });
    await expect(requester().api.post(`projects/${enc(PROJECT_A)}/issues`, { body: { title: "t" } })).rejects.toBeInstanceOf(UncertainWriteError);
    expect(scope.isDone()).toBe(true);
  });

  it("a 429 on a new note is retried (GitLab did nothing), and so is a 502 on an update", async () => {
    const scope = nock(API)
      .post(notes)
      .reply(429, "slow down", { "Retry-After": "1" })
      .post(notes)
      .reply(201, { id: 9 })
      .put(`/projects/${enc(PROJECT_A)}/issues/1`)
      .reply(502, "bad gateway")
      .put(`/projects/${enc(PROJECT_A)}/issues/1`)
      .reply(200, { iid: 1 });
    const r = requester();
    expect((await r.api.post(`projects/${enc(PROJECT_A)}/issues/1/notes`, { body: { body: "hi" } })).body).toEqual({ id: 9 });
    expect((await r.api.put(`projects/${enc(PROJECT_A)}/issues/1`, { body: { title: "x" } })).body).toEqual({ iid: 1 });
    expect(scope.isDone()).toBe(true);
  });

  it("when the lookup finds nothing, the POST goes again after the requester's backoff", async () => {
    const time = fakeTime();
    const r = new GitLabRequester({ url: GITLAB, token: TOKEN, clock: time.clock, sleep: time.sleep, random: () => 0, retry: { attempts: 3, baseMs: 10, maxMs: 40 } });
    const scope = nock(API).post(notes).reply(502, "bad gateway").post(notes).reply(201, { id: 9 });
    const body = await postChecked(async () => (await r.api.post(`projects/${enc(PROJECT_A)}/issues/1/notes`, { body: { body: "hi" } })).body, async () => undefined);
    expect(body).toEqual({ id: 9 });
    expect(time.sleeps).toEqual([5]);
    expect(r.stats().retries).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it("postChecked: what the lookup finds is the answer; nothing found means send again, up to three times", async () => {
    const lost = () => new UncertainWriteError(new GitLabApiError({ status: 504, request: { method: "POST", route: "/projects/:id/issues", endpoint: "/projects/1/issues" }, gitlabMessage: "", attempts: 1 }));
    let posts = 0;
    const found = await postChecked(async () => {
      posts++;
      throw lost();
    }, async () => (posts === 2 ? { id: 7 } : undefined));
    expect(found).toEqual({ id: 7 });
    expect(posts).toBe(2);

    posts = 0;
    const error = await postChecked(async () => {
      posts++;
      throw lost();
    }, async () => undefined).catch((e: unknown) => e);
    expect(posts).toBe(3);
    expect(error).toBeInstanceOf(GitLabApiError);
  });
});
