/**
 * platform.applyScope against a strict GitLab mock: an ensure_issue action reads the bot's issues
 * by marker, then writes only what differs, in one request; in a dry run it reads and writes
 * nothing (nock fails on any request not mocked).
 */
import nock from "nock";
import { describe, expect, it } from "vitest";
import { markerComment } from "../../../src/domain/markers.js";
import type { ScopePlan } from "../../../src/engine/scopePlan.js";
import { API, enc, fakeTime, fixture, PROJECT_A, PROJECT_A_ID, pageHeaders, testPlatform, useStrictNock } from "./helpers.js";

useStrictNock();

const BOT = { id: 99, username: "mops-bot", name: "MOps bot", state: "active" };
const MARKER = "sla-report";
const issuesPath = `/projects/${enc(PROJECT_A)}/issues`;

function issueRow(iid: number, description: string, labels: string[]) {
  const [row] = fixture("api-project-issues-list.json");
  return { ...row, id: 7000 + iid, iid, project_id: PROJECT_A_ID, description, labels, author: BOT, state: "opened" };
}

function ensureReport(body: string, labels: string[]): ScopePlan {
  const issue = { project: { path: PROJECT_A, roles: ["mops"] }, marker: MARKER, title: "SLA report", body, labels };
  return { actions: [{ type: "ensure_issue", issue, lookup: { search: `mops-bot:${MARKER}` }, rule: "sla", reason: "test" }] };
}

describe("applyScope", () => {
  it("in a dry run reads the bot's issues by marker and sends no write, saying what it would create", async () => {
    const scope = nock(API).get("/user").reply(200, BOT).get(issuesPath).query(true).reply(200, [], pageHeaders(1, 1));
    const result = await testPlatform(fakeTime(), { dryRun: true }).applyScope(ensureReport("List", ["bug"]));
    expect(result).toMatchObject({ dryRun: true, writes: 0 });
    expect(result.outcomes[0]?.issue).toEqual({ status: "created", issue: null, duplicates: [] });
    expect(result.outcomes[0]?.requests).toEqual([
      { method: "POST", route: "POST /projects/:id/issues", body: { title: "SLA report", description: `List\n\n${markerComment(MARKER)}`, labels: "bug" } },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it("edits the oldest of the bot's issues with the marker in one PUT (new text, missing label), and returns the other as a duplicate", async () => {
    const old = `Old list\n\n${markerComment(MARKER)}`;
    const wanted = `New list\n\n${markerComment(MARKER)}`;
    const scope = nock(API)
      .get("/user")
      .reply(200, BOT)
      .get(issuesPath)
      .query(true)
      .reply(200, [issueRow(9, old, ["bug"]), issueRow(4, old, ["bug"])], pageHeaders(1, 1))
      .put(`${issuesPath}/4`, { description: wanted, add_labels: "mktgops-attention" })
      .reply(200, issueRow(4, wanted, ["bug", "mktgops-attention"]));
    const result = await testPlatform(fakeTime()).applyScope(ensureReport(wanted, ["bug", "mktgops-attention"]));
    expect(result.writes).toBe(1);
    const ensured = result.outcomes[0]?.issue;
    expect(ensured?.status).toBe("updated");
    expect(ensured?.issue?.iid).toBe(4);
    expect(ensured?.duplicates.map((d) => d.iid)).toEqual([9]);
    expect(scope.isDone()).toBe(true);
  });

  it("writes nothing when the issue already says it", async () => {
    const body = `List\n\n${markerComment(MARKER)}`;
    const scope = nock(API).get("/user").reply(200, BOT).get(issuesPath).query(true).reply(200, [issueRow(4, body, ["bug"])], pageHeaders(1, 1));
    const result = await testPlatform(fakeTime()).applyScope(ensureReport(body, ["bug"]));
    expect(result.writes).toBe(0);
    expect(result.outcomes[0]?.issue?.status).toBe("unchanged");
    expect(scope.isDone()).toBe(true);
  });
});
