import nock from "nock";
import { describe, expect, it } from "vitest";
import { RefusedWriteError } from "../../../src/gitlab/errors.js";
import { API, enc, fakeTime, fixture, GROUP, pageHeaders, PROJECT_A, testPlatform, testPolicy, useStrictNock } from "./helpers.js";

useStrictNock();

/** A scope project outside the group: group listings do not hold it. */
const OUTSIDE = "content-sites/handbook";

function policyWithOutsideProject() {
  const policy = testPolicy();
  return { ...policy, scope: { ...policy.scope, projects: [...policy.scope.projects, { path: OUTSIDE, roles: ["handbook"] }] } };
}

function row(id: number, iid: number, path: string): Record<string, unknown> {
  const [base] = fixture("api-project-issues-list.json");
  return { ...base, id, iid, state: "closed", references: { short: `#${iid}`, relative: `#${iid}`, full: `${path}#${iid}` }, web_url: `https://gitlab.example.com/${path}/-/issues/${iid}` };
}

const LISTING = { scope: "all", order_by: "created_at", sort: "asc", per_page: "100", page: "1" };

describe("reads across the scope", () => {
  it("finds closed issues in the group listing and in the scope's projects outside the group, each once, leaving out projects not in scope", async () => {
    const time = fakeTime();
    const since = new Date("2026-02-01T00:00:00.000Z");
    const scope = nock(API)
      .get(`/groups/${GROUP}/issues`)
      .query({ ...LISTING, state: "closed", updated_after: since.toISOString() })
      .reply(200, [row(1, 1, PROJECT_A), row(2, 1, "mktg/not-in-scope")], pageHeaders(1, 1))
      .get(`/projects/${enc(OUTSIDE)}/issues`)
      .query({ ...LISTING, state: "closed", updated_after: since.toISOString() })
      .reply(200, [row(3, 7, OUTSIDE), row(1, 1, PROJECT_A)], pageHeaders(1, 1));
    const found = await testPlatform(time, { policy: policyWithOutsideProject() }).findIssues({ state: "closed", updatedAfter: since });
    expect(found.map((s) => [s.projectPath, s.iid, s.projectRoles])).toEqual([
      [PROJECT_A, 1, ["mops"]],
      [OUTSIDE, 7, ["handbook"]],
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it("reads a milestone's issues from the group listing alone (group milestones belong to the group's projects)", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get(`/groups/${GROUP}/issues`)
      .query({ ...LISTING, state: "closed", milestone: "Sprint 47" })
      .reply(200, [row(1, 1, PROJECT_A)], pageHeaders(1, 1));
    const found = await testPlatform(time, { policy: policyWithOutsideProject() }).findIssues({ state: "closed", milestone: "Sprint 47" });
    expect(found.map((s) => s.iid)).toEqual([1]);
    expect(scope.isDone()).toBe(true);
  });

  it("lists labelled merge requests updated since a moment", async () => {
    const time = fakeTime();
    const since = new Date("2026-03-01T12:00:00.000Z");
    const mr = { ...row(50, 4, PROJECT_A), state: "merged", web_url: `https://gitlab.example.com/${PROJECT_A}/-/merge_requests/4`, references: { full: `${PROJECT_A}!4` } };
    const scope = nock(API)
      .get(`/groups/${GROUP}/merge_requests`)
      .query({ labels: "MktgOps - HB Update", state: "all", updated_after: since.toISOString(), scope: "all", order_by: "created_at", sort: "asc", per_page: "100", page: "1" })
      .reply(200, [mr], pageHeaders(1, 1));
    const found: { kind: string; iid: number }[] = [];
    for await (const s of testPlatform(time).labelledMergeRequests({ label: "MktgOps - HB Update", state: "all", updatedAfter: since })) found.push({ kind: s.kind, iid: s.iid });
    expect(found).toEqual([{ kind: "merge_request", iid: 4 }]);
    expect(scope.isDone()).toBe(true);
  });
});

describe("a read-only GitLab connection", () => {
  it("reads, and refuses every other request before it leaves", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/user").reply(200, { id: 9, username: "mops-bot", name: "MOps Bot" });
    const platform = testPlatform(time, { readOnlyFor: "mops-bot plan" });
    expect((await platform.currentUser()).username).toBe("mops-bot");
    await expect(platform.requester.api.post(`projects/${enc(PROJECT_A)}/issues`, { body: { title: "x" } })).rejects.toThrow(RefusedWriteError);
    await expect(platform.requester.api.put(`projects/${enc(PROJECT_A)}/issues/1`, {})).rejects.toThrow("mops-bot plan only reads GitLab; a job tried to send PUT. Nothing was written.");
    await expect(platform.requester.api.delete(`projects/${enc(PROJECT_A)}/labels/1`)).rejects.toThrow(RefusedWriteError);
    expect(platform.requestStats().total).toBe(1);
    expect(scope.isDone()).toBe(true);
  });
});
