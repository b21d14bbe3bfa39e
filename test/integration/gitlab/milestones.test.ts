/**
 * The milestone reads the milestones job relies on, against GitLab-shaped payloads:
 * - the group's milestones with its ancestors' (`include_ancestors`, doc/api/group_milestones.md),
 *   each knowing the group that owns it from its web_url (GitLab's JSON names it only by id);
 * - a milestone's merge requests, including those on the milestone MR's branch (`source_branch`,
 *   doc/api/merge_requests.md), each mapped with its source branch.
 */
import nock from "nock";
import { describe, expect, it } from "vitest";
import { listMilestonesFrom, mergeRequestsInMilestone } from "../../../src/gitlab/index.js";
import { API, enc, fakeTime, fixture, GROUP, PROJECT_A, PROJECT_A_ID, pageHeaders, testPlatform, useStrictNock } from "./helpers.js";

useStrictNock();

describe("milestones of the group and the groups above it", () => {
  it("lists them with include_ancestors and says which group owns each", async () => {
    const [mine] = fixture("api-group-milestones-list.json");
    const top = { ...mine, id: 40, iid: 7, group_id: 1, title: "Sprint 49", web_url: "https://gitlab.example.com/groups/top%20co/-/milestones/7" };
    const own = { ...mine, web_url: `https://gitlab.example.com/groups/${GROUP}/-/milestones/3` };
    const noUrl = { ...mine, id: 41, title: "no web_url" };
    delete (noUrl as { web_url?: string }).web_url;
    const scope = nock(API)
      .get(`/groups/${enc(GROUP)}/milestones`)
      .query({ include_ancestors: "true", per_page: "100", page: "1" })
      .reply(200, [own, top, noUrl], pageHeaders(1, 1));
    const platform = testPlatform(fakeTime());
    const rows = await listMilestonesFrom({ api: platform.requester.api, dryRun: false }, GROUP, "2013-11-15");
    expect(rows.map((m) => [m.title, m.group, m.description])).toEqual([
      ["10.0", GROUP, "Version"],
      ["Sprint 49", "top co", "Version"],
      ["no web_url", GROUP, "Version"],
    ]);
    expect(scope.isDone()).toBe(true);
  });
});

describe("merge requests of a milestone", () => {
  it("adds those on the milestone MR's branch, once each, with their source branch", async () => {
    const row = { ...fixture("api-merge-request-create.json"), project_id: PROJECT_A_ID, web_url: `https://gitlab.example.com/${PROJECT_A}/-/merge_requests/1` };
    const onBranch = { ...row, id: 2, iid: 2, title: "Handbook changes, Sprint 49", source_branch: "mktgops-milestone-sprint-49", state: "opened", draft: true };
    const endpoint = `/projects/${enc(PROJECT_A)}/merge_requests`;
    const scope = nock(API)
      .get(endpoint)
      .query({ milestone: "Sprint 49", state: "all", per_page: "100", page: "1" })
      .reply(200, [row, onBranch], pageHeaders(1, 1))
      .get(endpoint)
      .query({ search: "Sprint 49", in: "title,description", state: "all", per_page: "100", page: "1" })
      .reply(200, [], pageHeaders(1, 1))
      .get(endpoint)
      .query({ source_branch: "mktgops-milestone-sprint-49", state: "all", per_page: "100", page: "1" })
      .reply(200, [onBranch], pageHeaders(1, 1));
    const platform = testPlatform(fakeTime());
    const writer = { api: platform.requester.api, dryRun: false };
    const mrs = await mergeRequestsInMilestone(writer, { path: PROJECT_A, roles: ["handbook"] }, "Sprint 49", "2026-03-02", "mktgops-milestone-sprint-49");
    expect(mrs.map((m) => [m.iid, m.sourceBranch, m.draft])).toEqual([
      [1, "test1", false],
      [2, "mktgops-milestone-sprint-49", true],
    ]);
    expect(scope.isDone()).toBe(true);
  });
});
