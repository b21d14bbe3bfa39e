/**
 * Finding the bot's issues by the marker in their description (GET /projects/:id/issues, as in
 * GitLab's docs: doc/api/issues.md, `search` with `in=description`): only the bot's own issues,
 * and only markers on a line of their own, where the bot writes them.
 */
import nock from "nock";
import { describe, expect, it } from "vitest";
import { markerComment } from "../../../src/domain/markers.js";
import { findIssuesByMarker } from "../../../src/gitlab/issuesByMarker.js";
import { API, enc, fakeTime, fixture, PROJECT_A, PROJECT_A_ID, pageHeaders, testPlatform, useStrictNock } from "./helpers.js";

useStrictNock();

const BOT = { id: 99, username: "mops-bot", name: "MOps bot", state: "active" };

function issueRow(iid: number, description: string, author: Record<string, unknown>) {
  const [row] = fixture("api-project-issues-list.json");
  return { ...row, id: 7000 + iid, iid, project_id: PROJECT_A_ID, description, author };
}

describe("findIssuesByMarker", () => {
  it("takes the bot's issue with the marker on its own line; not a title quoted in a bot report, nor a person's copy", async () => {
    const report = issueRow(1, `Stale issues\n\n- [Budget ${markerComment("sla-report")}](https://x/-/issues/9) x#9\n\n${markerComment("triage-summary:stale")}`, BOT);
    const copy = issueRow(2, `notes\n${markerComment("sla-report")}`, { id: 5, username: "amy.owner", name: "Amy", state: "active" });
    const real = issueRow(3, `SLA clocks\n\n${markerComment("sla-report")}`, BOT);
    const scope = nock(API)
      .get("/user")
      .reply(200, BOT)
      .get(`/projects/${enc(PROJECT_A)}/issues`)
      .query(true)
      .reply(200, [report, copy, real], pageHeaders(1, 1));
    const platform = testPlatform(fakeTime());
    const found = await findIssuesByMarker(
      { api: platform.requester.api, me: () => platform.currentUser(), today: "2026-03-02" },
      { project: { path: PROJECT_A, roles: ["mops"] }, search: "mops-bot:sla-report" },
      (m) => m === "sla-report",
    );
    expect(found.get("sla-report")?.map((i) => i.iid)).toEqual([3]);
    expect(scope.isDone()).toBe(true);
  });
});
