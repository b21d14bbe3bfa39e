import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCalendarDate, parseGitLabTime } from "../../../src/gitlab/dates.js";
import { GitLabDataError } from "../../../src/gitlab/errors.js";
import {
  mapCurrentUser,
  mapIssue,
  mapLabelEvent,
  mapLabelEvents,
  mapMergeRequest,
  mapMilestone,
  mapNote,
} from "../../../src/gitlab/mapping.js";
import { routeTemplate } from "../../../src/gitlab/routes.js";
import { FIXTURES_DIR, fixture, PROJECT_A } from "./helpers.js";

const project = { path: PROJECT_A, roles: ["mops"] };

/** How each API fixture is read by the adapter; the hook-events list is not something the bot reads. */
const COVERED: Record<string, string> = {
  "api-project-issues-list.json": "issue",
  "api-project-issue-create.json": "issue",
  "api-project-issue-update-close.json": "issue",
  "api-merge-request-create.json": "merge request",
  "api-group-milestones-list.json": "milestone",
  "api-project-milestones-list.json": "milestone",
  "api-issue-notes-list.json": "note",
  "api-note-single-issue-note.json": "note",
  "api-note-single-merge-request-note.json": "note",
  "api-issue-note-create-with-quick-action-commands-changes.json": "note",
  "api-resource-label-events.json": "label event",
  "api-resource-label-events-merge-request.json": "label event",
  "api-group-hook-events-list-with-request-headers.json": "not read by the adapter (webhook delivery log)",
};

describe("mapping GitLab's API fixtures", () => {
  it("covers every API fixture", () => {
    const apiFixtures = readdirSync(FIXTURES_DIR).filter((f) => f.startsWith("api-") && f.endsWith(".json"));
    expect(apiFixtures.sort()).toEqual(Object.keys(COVERED).sort());
  });

  it("maps a listed issue with its milestone, assignees and dates", () => {
    const [raw] = fixture("api-project-issues-list.json");
    const s = mapIssue(raw, project, "2016-02-01");
    expect(s).toEqual({
      ref: { kind: "issue", path: PROJECT_A, iid: 1 },
      kind: "issue",
      id: 41,
      iid: 1,
      projectId: 4,
      projectPath: PROJECT_A,
      projectRoles: ["mops"],
      title: "Ut commodi ullam eos dolores perferendis nihil sunt.",
      description: "Omnis vero earum sunt corporis dolor et placeat.",
      state: "closed",
      labels: ["foo", "bar"],
      milestone: { id: 11, iid: 3, title: "v3.0", state: "closed", startDate: null, dueDate: null, timing: "past" },
      assignees: [{ id: 9, username: "lennie", name: "Dr. Luella Kovacek" }],
      author: { id: 1, username: "root", name: "Administrator" },
      createdAt: new Date("2016-01-04T15:31:46.176Z"),
      updatedAt: new Date("2016-01-04T15:31:46.176Z"),
      closedAt: new Date("2016-01-05T15:31:46.176Z"),
      // GitLab's closed_by (doc/api/issues.md): the stage workflow does not blame the bot's own close on a person.
      closedBy: { id: 1, username: "root", name: "Administrator" },
      dueDate: "2016-07-22",
      confidential: false,
      userNotesCount: 1,
      webUrl: "http://gitlab.example.com/my-group/my-project/issues/1",
    });
  });

  it("maps a created issue (no milestone, no description, no assignees)", () => {
    const s = mapIssue(fixture("api-project-issue-create.json"), project, "2016-02-01");
    expect(s).toMatchObject({ iid: 14, state: "opened", description: "", milestone: null, assignees: [], dueDate: null, closedAt: null, closedBy: null, labels: ["bug"] });
  });

  it("maps a closed issue", () => {
    const s = mapIssue(fixture("api-project-issue-update-close.json"), project, "2016-02-01");
    expect(s).toMatchObject({ iid: 15, state: "closed", dueDate: "2016-07-22", closedAt: new Date("2016-01-08T12:55:16.213Z") });
  });

  it("maps a merge request with draft, merge time and a closed milestone", () => {
    const s = mapMergeRequest(fixture("api-merge-request-create.json"), project, "2018-09-01");
    expect(s).toMatchObject({
      kind: "merge_request",
      ref: { kind: "merge_request", path: PROJECT_A, iid: 1 },
      state: "merged",
      draft: false,
      mergedAt: new Date("2018-09-07T11:16:17.520Z"),
      labels: ["Community contribution", "Manage"],
      assignees: [{ id: 1, username: "admin", name: "Administrator" }],
      milestone: { id: 5, title: "v2.0", state: "closed", startDate: "2018-08-08", dueDate: "2018-09-22", timing: "past" },
      confidential: false,
      dueDate: null,
    });
  });

  it("reads work_in_progress as draft on older GitLab", () => {
    const raw = fixture("api-merge-request-create.json");
    delete raw.draft;
    raw.work_in_progress = true;
    expect(mapMergeRequest(raw, project, "2018-09-01").draft).toBe(true);
  });

  it("classifies group and project milestones against the given day", () => {
    for (const name of ["api-group-milestones-list.json", "api-project-milestones-list.json"]) {
      const [raw] = fixture(name);
      expect(mapMilestone(raw, "2013-11-01").timing).toBe("future");
      expect(mapMilestone(raw, "2013-11-15").timing).toBe("current");
      expect(mapMilestone(raw, "2013-11-29").timing).toBe("current");
      expect(mapMilestone(raw, "2013-11-30").timing).toBe("past");
      expect(mapMilestone(raw, "2013-11-15")).toMatchObject({ id: 12, iid: 3, title: "10.0", state: "active", startDate: "2013-11-10", dueDate: "2013-11-29" });
    }
    expect(mapMilestone(fixture("api-group-milestones-list.json")[0], "2013-11-15").webUrl).toBe("https://gitlab.com/groups/gitlab-org/-/milestones/42");
  });

  it("maps notes, keeping system notes apart and finding the bot's markers", () => {
    const bot = { id: 1, username: "pipin" };
    const notes = fixture("api-issue-notes-list.json").map((n: unknown) => mapNote(n, bot));
    expect(notes.map((n: { id: number; system: boolean }) => [n.id, n.system])).toEqual([
      [302, true],
      [305, true],
    ]);
    expect(notes[1].body).toBe("Text of the comment\r\n");
    const mrNote = mapNote(fixture("api-note-single-merge-request-note.json"), bot);
    expect(mrNote).toEqual({
      id: 301,
      body: "Comment for MR",
      author: { id: 1, username: "pipin", name: "Pip" },
      createdAt: new Date("2013-10-02T08:57:14Z"),
      system: false,
      botMarkers: [],
    });
    expect(mapNote(fixture("api-note-single-issue-note.json"), bot).id).toBe(302);
    expect(mapNote(fixture("api-issue-note-create-with-quick-action-commands-changes.json"), bot).author.username).toBe("eileen.lowe");
    const marked = fixture("api-note-single-merge-request-note.json");
    marked.body = "Please add a milestone.\n\n<!-- mops-bot:workflow/sales:missing-milestone -->";
    expect(mapNote(marked, bot).botMarkers).toEqual(["workflow/sales:missing-milestone"]);
    // The same text in a note of another user, or in a system note, is not the bot's.
    expect(mapNote(marked, { id: 2, username: "mops-bot" }).botMarkers).toEqual([]);
    expect(mapNote({ ...marked, system: true }, bot).botMarkers).toEqual([]);
    // Known only by username (GitLab could not say who the token's user is): compared by name.
    expect(mapNote(marked, { username: "PIPIN" }).botMarkers).toEqual(["workflow/sales:missing-milestone"]);
  });

  it("maps label events for issues and merge requests", () => {
    expect(mapLabelEvents(fixture("api-resource-label-events.json"))).toEqual([
      { id: 142, action: "add", label: "a1", user: { id: 1, username: "root", name: "Administrator" }, createdAt: new Date("2018-08-20T13:38:20.077Z") },
      { id: 143, action: "remove", label: "p1", user: { id: 1, username: "root", name: "Administrator" }, createdAt: new Date("2018-08-20T13:38:20.077Z") },
    ]);
    expect(mapLabelEvents(fixture("api-resource-label-events-merge-request.json")).map((e) => e.label)).toEqual(["p1", "project"]);
  });

  it("skips label events whose label was deleted, and orders the rest by time", () => {
    const [first, second] = fixture("api-resource-label-events.json");
    first.created_at = "2018-08-21T00:00:00Z";
    second.label = null;
    const third = { ...fixture("api-resource-label-events.json")[0], id: 150, created_at: "2018-08-19 10:00:00 UTC" };
    expect(mapLabelEvent(second)).toBeNull();
    expect(mapLabelEvents([first, second, third]).map((e) => e.id)).toEqual([150, 142]);
  });

  it("maps the current user", () => {
    expect(mapCurrentUser({ id: 7, username: "mops-bot", name: "MOps Bot", state: "active" })).toEqual({ id: 7, username: "mops-bot", name: "MOps Bot" });
  });
});

describe("defensive parsing", () => {
  it("reads GitLab's time formats, including its own malformed example", () => {
    expect(parseGitLabTime("2016-01-04T15:31:46.176Z")).toEqual(new Date("2016-01-04T15:31:46.176Z"));
    expect(parseGitLabTime("2017-06-19T14:39:53-07:00")).toEqual(new Date("2017-06-19T21:39:53Z"));
    expect(parseGitLabTime("2015-05-17 18:08:09 UTC")).toEqual(new Date("2015-05-17T18:08:09Z"));
    expect(parseGitLabTime("2015-05-17 18:08:09 +0200")).toEqual(new Date("2015-05-17T16:08:09Z"));
    expect(parseGitLabTime("2015-04-08T21: 00:25-07:00")).toEqual(new Date("2015-04-09T04:00:25Z"));
    expect(parseGitLabTime("yesterday")).toBeNull();
    expect(parseGitLabTime("2015-13-45T99:00:00Z")).toBeNull();
    expect(parseGitLabTime(null)).toBeNull();
    expect(parseGitLabTime(12)).toBeNull();
  });

  it("reads calendar dates and rejects impossible ones", () => {
    expect(parseCalendarDate("2016-07-22")).toBe("2016-07-22");
    expect(parseCalendarDate("2016-07-22T00:00:00Z")).toBe("2016-07-22");
    expect(parseCalendarDate("2016-13-01")).toBeNull();
    expect(parseCalendarDate("")).toBeNull();
    expect(parseCalendarDate(null)).toBeNull();
  });

  it("falls back when a timestamp is malformed instead of crashing", () => {
    const raw = fixture("api-project-issue-create.json");
    raw.created_at = "2015-04-08T21: 00:25-07:00";
    raw.updated_at = "not a time";
    raw.closed_at = "garbage";
    raw.due_date = "someday";
    const s = mapIssue(raw, project, "2016-02-01");
    expect(s.createdAt).toEqual(new Date("2015-04-09T04:00:25Z"));
    expect(s.updatedAt).toEqual(s.createdAt);
    expect(s.closedAt).toBeNull();
    expect(s.dueDate).toBeNull();

    const onlyUpdated = fixture("api-project-issue-create.json");
    onlyUpdated.created_at = "???";
    expect(mapIssue(onlyUpdated, project, "2016-02-01").createdAt).toEqual(new Date("2016-01-07T12:44:33.959Z"));
  });

  it("names the resource and the field when something the bot relies on is missing", () => {
    const raw = fixture("api-project-issue-create.json");
    delete raw.title;
    raw.labels = "bug";
    expect(() => mapIssue(raw, project, "2016-02-01")).toThrow(GitLabDataError);
    expect(() => mapIssue(raw, project, "2016-02-01")).toThrow(/an issue \(mktg\/marketing-operations#14\) the bot cannot read: title: .*; labels: /);

    const noTimes = fixture("api-project-issue-create.json");
    noTimes.created_at = "x";
    noTimes.updated_at = null;
    expect(() => mapIssue(noTimes, project, "2016-02-01")).toThrow(/created_at cannot be read as a time \("x"\)/);

    const badState = fixture("api-project-issue-create.json");
    badState.state = "merged";
    expect(() => mapIssue(badState, project, "2016-02-01")).toThrow(/unknown state "merged"/);
  });

  it("keeps fields it does not know about out of the way (GitLab adding fields breaks nothing)", () => {
    const raw = { ...fixture("api-project-issue-create.json"), brand_new_field: { nested: true } };
    expect(mapIssue(raw, project, "2016-02-01").iid).toBe(14);
  });
});

describe("route templates", () => {
  it("replaces ids and encoded paths with named placeholders", () => {
    expect(routeTemplate("https://gitlab.example.com/api/v4/projects/mktg%2Fops/issues/12/resource_label_events?per_page=100")).toBe(
      "/projects/:id/issues/:iid/resource_label_events",
    );
    expect(routeTemplate("projects/4/merge_requests/3/notes/99")).toBe("/projects/:id/merge_requests/:iid/notes/:note_id");
    expect(routeTemplate("/groups/mktg/issues")).toBe("/groups/:id/issues");
    expect(routeTemplate("groups/mktg/milestones/12")).toBe("/groups/:id/milestones/:milestone_id");
    expect(routeTemplate("user")).toBe("/user");
  });
});
