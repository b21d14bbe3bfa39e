import nock from "nock";
import { describe, expect, it } from "vitest";
import type { ResourcePlan, ResourceUpdate } from "../../../src/domain/plan.js";
import type { ResourceSnapshot } from "../../../src/domain/snapshot.js";
import { RefusedWriteError } from "../../../src/gitlab/errors.js";
import { mapIssue } from "../../../src/gitlab/mapping.js";
import {
  API,
  enc,
  fakeTime,
  fixture,
  GROUP,
  pageHeaders,
  PROJECT_A,
  PROJECT_A_ID,
  PROJECT_B,
  PROJECT_B_ID,
  testPlatform,
  useStrictNock,
} from "./helpers.js";

useStrictNock();

type Json = Record<string, unknown>;

function issueRow(id: number, iid: number, projectId: number): Json {
  const [row] = fixture("api-project-issues-list.json");
  return { ...row, id, iid, project_id: projectId, state: "opened", closed_at: null, closed_by: null };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function snapshotA(iid = 12): ResourceSnapshot {
  return mapIssue({ ...issueRow(5000 + iid, iid, PROJECT_A_ID) }, { path: PROJECT_A, roles: ["mops"] }, "2026-03-02");
}

function plan(update: Partial<ResourceUpdate>, note: string | null = null, kind: "issue" | "merge_request" = "issue"): ResourcePlan {
  return {
    ref: { kind, path: PROJECT_A, iid: 12 },
    webUrl: "https://gitlab.example.com/mktg/marketing-operations/-/issues/12",
    title: "Launch webinar",
    projectId: PROJECT_A_ID,
    iid: 12,
    kind,
    actions: [],
    update: { addLabels: [], removeLabels: [], ...update },
    note: note === null ? null : { body: note, markers: [] },
    conflicts: [],
  };
}

const issueEndpoint = `/projects/${enc(PROJECT_A)}/issues/12`;

describe("list", () => {
  it("lists each scope project on its own (not the whole group), fetches known pages together, and keeps each project's roles", async () => {
    const time = fakeTime();
    const endpointA = `/projects/${enc(PROJECT_A)}/issues`;
    const endpointB = `/projects/${enc(PROJECT_B)}/issues`;
    const q = (page: number) => ({ order_by: "created_at", sort: "asc", state: "opened", labels: "MktgOps::01: To Do", per_page: "100", page: String(page) });
    const scope = nock(API)
      .get(endpointA)
      .query(q(1))
      .reply(200, [issueRow(1, 1, PROJECT_A_ID), issueRow(2, 2, PROJECT_A_ID)], pageHeaders(1, 2))
      .get(endpointA)
      .query(q(2))
      // Offset pages can repeat a row when something is created mid-sweep.
      .reply(200, [issueRow(2, 2, PROJECT_A_ID), issueRow(4, 3, PROJECT_A_ID)], pageHeaders(2, 2))
      .get(endpointB)
      .query(q(1))
      .reply(200, [issueRow(3, 2, PROJECT_B_ID)], pageHeaders(1, 1));
    const platform = testPlatform(time);
    const snapshots = await collect(platform.list({ kind: "issue", state: "opened", labels: ["MktgOps::01: To Do"] }));
    expect(snapshots.map((s) => [s.projectPath, s.iid, s.projectRoles])).toEqual([
      [PROJECT_A, 1, ["mops"]],
      [PROJECT_A, 2, ["mops"]],
      [PROJECT_A, 3, ["mops"]],
      [PROJECT_B, 2, ["sales-systems"]],
    ]);
    expect(snapshots[0]!.labelEvents).toBeUndefined();
    expect(platform.requestStats().byRoute).toEqual({ "GET /projects/:id/issues": 3 });
    expect(scope.isDone()).toBe(true);
  });

  it("follows x-next-page when GitLab omits the total", async () => {
    const time = fakeTime();
    const mr = { ...fixture("api-merge-request-create.json"), project_id: PROJECT_B_ID, state: "opened" };
    const scope = nock(API)
      .get(`/projects/${enc(PROJECT_A)}/merge_requests`)
      .query(true)
      .reply(200, [], pageHeaders(1, 1))
      .get(`/projects/${enc(PROJECT_B)}/merge_requests`)
      .query((q) => q.page === "1" && q.state === undefined)
      .reply(200, [{ ...mr, id: 1, iid: 1 }], pageHeaders(1, undefined, 2))
      .get(`/projects/${enc(PROJECT_B)}/merge_requests`)
      .query((q) => q.page === "2")
      .reply(200, [{ ...mr, id: 2, iid: 2 }], pageHeaders(2, undefined));
    const snapshots = await collect(testPlatform(time).list({ kind: "merge_request", state: "all" }));
    expect(snapshots.map((s) => [s.kind, s.iid, s.projectPath])).toEqual([
      ["merge_request", 1, PROJECT_B],
      ["merge_request", 2, PROJECT_B],
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it("skips a resource it cannot read and goes on with the others", async () => {
    const time = fakeTime();
    const broken = { ...issueRow(1, 1, PROJECT_A_ID), title: undefined };
    const scope = nock(API)
      .get(`/projects/${enc(PROJECT_A)}/issues`)
      .query(true)
      .reply(200, [broken, issueRow(2, 2, PROJECT_A_ID)], pageHeaders(1, 1))
      .get(`/projects/${enc(PROJECT_B)}/issues`)
      .query(true)
      .reply(200, [], pageHeaders(1, 1));
    const snapshots = await collect(testPlatform(time).list({ kind: "issue", state: "opened" }));
    expect(snapshots.map((s) => s.iid)).toEqual([2]);
    expect(scope.isDone()).toBe(true);
  });

  it("says which scope.yml project GitLab does not know", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get(`/projects/${enc(PROJECT_A)}/issues`)
      .query(true)
      .reply(200, [], pageHeaders(1, 1))
      .get(`/projects/${enc(PROJECT_B)}/issues`)
      .query(true)
      .reply(404, { message: "404 Project Not Found" });
    await expect(collect(testPlatform(time).list({ kind: "issue", state: "opened" }))).rejects.toThrow(
      `policies/scope.yml lists the project "${PROJECT_B}", but GitLab has no such project or the bot's user cannot see it.`,
    );
    expect(scope.isDone()).toBe(true);
  });
});

describe("reading one resource and its history", () => {
  it("gets an issue, and null when it is gone or out of scope", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get(issueEndpoint)
      .reply(200, issueRow(77, 12, PROJECT_A_ID))
      .get(`/projects/${enc(PROJECT_A)}/merge_requests/3`)
      .reply(404, { message: "404 Not found" });
    const platform = testPlatform(time);
    const s = await platform.get({ kind: "issue", path: PROJECT_A, iid: 12 });
    expect(s).toMatchObject({ id: 77, iid: 12, projectPath: PROJECT_A, projectRoles: ["mops"] });
    expect(await platform.get({ kind: "merge_request", path: PROJECT_A, iid: 3 })).toBeNull();
    // Not in scope.yml: no request at all.
    expect(await platform.get({ kind: "issue", path: "someone-else/project", iid: 1 })).toBeNull();
    expect(platform.requestStats().total).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it("reads every page of label events and every note", async () => {
    const time = fakeTime();
    const [e1, e2] = fixture("api-resource-label-events.json");
    const notes = fixture("api-issue-notes-list.json");
    const scope = nock(API)
      .get(`${issueEndpoint}/resource_label_events`)
      .query({ per_page: "100", page: "1" })
      .reply(200, [e1], pageHeaders(1, undefined, 2))
      .get(`${issueEndpoint}/resource_label_events`)
      .query({ per_page: "100", page: "2" })
      .reply(200, [e2], pageHeaders(2, undefined))
      .get(`${issueEndpoint}/notes`)
      .query({ sort: "asc", order_by: "created_at", per_page: "100", page: "1" })
      .reply(200, notes, pageHeaders(1, 1))
      // Whose notes carry the bot's markers: the token's user.
      .get("/user")
      .reply(200, { id: 99, username: "mops-bot", name: "MOps bot", state: "active" });
    const platform = testPlatform(time);
    const snapshot = snapshotA();
    expect((await platform.labelEvents(snapshot)).map((e) => [e.action, e.label])).toEqual([
      ["add", "a1"],
      ["remove", "p1"],
    ]);
    expect((await platform.notes(snapshot)).map((n) => n.id)).toEqual([302, 305]);
    expect(scope.isDone()).toBe(true);
  });

  it("lists active and recently closed group milestones, its ancestors' included, timed against the injected day", async () => {
    const time = fakeTime("2013-11-15T12:00:00.000Z");
    const [active] = fixture("api-group-milestones-list.json");
    const closed = { ...active, id: 13, title: "9.0", state: "closed" };
    const scope = nock(API)
      .get(`/groups/${GROUP}/milestones`)
      .query({ state: "active", include_ancestors: "true", per_page: "100", page: "1" })
      .reply(200, [active], pageHeaders(1, 1))
      .get(`/groups/${GROUP}/milestones`)
      .query({ state: "closed", updated_after: "2013-10-16T12:00:00.000Z", include_ancestors: "true", per_page: "100", page: "1" })
      .reply(200, [closed], pageHeaders(1, 1));
    const milestones = await testPlatform(time, { recentlyClosedMilestoneDays: 30 }).milestones();
    expect(milestones.map((m) => [m.title, m.state, m.timing])).toEqual([
      ["10.0", "active", "current"],
      ["9.0", "closed", "past"],
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it("reads the current user once", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/user").once().reply(200, { id: 9, username: "mops-bot", name: "MOps Bot" });
    const platform = testPlatform(time);
    expect(await platform.currentUser()).toEqual({ id: 9, username: "mops-bot", name: "MOps Bot" });
    expect(await platform.currentUser()).toEqual({ id: 9, username: "mops-bot", name: "MOps Bot" });
    expect(scope.isDone()).toBe(true);
  });
});

describe("apply", () => {
  it("sends one PUT with add_labels/remove_labels (never labels), then one note", async () => {
    const time = fakeTime();
    const bodies: Json[] = [];
    const scope = nock(API)
      .put(issueEndpoint, (body: Json) => {
        bodies.push(body);
        return true;
      })
      .reply(200, fixture("api-project-issue-update-close.json"))
      .post(`${issueEndpoint}/notes`, (body: Json) => {
        bodies.push(body);
        return true;
      })
      .reply(201, fixture("api-note-single-issue-note.json"));
    const platform = testPlatform(time);
    const result = await platform.apply(
      plan(
        { addLabels: ["MktgOps::02: In Progress", "mktgops-attention"], removeLabels: ["MktgOps::01: To Do", "MktgOps::In Progress"], stateEvent: "reopen" },
        "Moved to In Progress.\n<!-- mops-bot:stage -->",
      ),
    );
    expect(bodies).toEqual([
      {
        add_labels: "MktgOps::02: In Progress,mktgops-attention",
        remove_labels: "MktgOps::01: To Do,MktgOps::In Progress",
        state_event: "reopen",
      },
      { body: "Moved to In Progress.\n<!-- mops-bot:stage -->" },
    ]);
    expect(bodies[0]).not.toHaveProperty("labels");
    expect(result).toMatchObject({ writes: 2, dryRun: false });
    expect(result.requests.map((r) => r.route)).toEqual(["PUT /projects/:id/issues/:iid", "POST /projects/:id/issues/:iid/notes"]);
    expect(scope.isDone()).toBe(true);
  });

  it("clears milestone and assignees the way GitLab documents (0 and [0]) and sends only the fields set", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .put(issueEndpoint, { milestone_id: 0, assignee_ids: [0], due_date: null, confidential: true })
      .reply(200, fixture("api-project-issue-update-close.json"))
      .put(`/projects/${enc(PROJECT_A)}/merge_requests/12`, { milestone_id: 42, assignee_ids: [7, 9] })
      .reply(200, fixture("api-merge-request-create.json"));
    const platform = testPlatform(time);
    await platform.apply(plan({ milestoneId: null, assigneeIds: [], dueDate: null, confidential: true }));
    await platform.apply(plan({ milestoneId: 42, assigneeIds: [7, 9] }, null, "merge_request"));
    expect(scope.isDone()).toBe(true);
  });

  it("skips the PUT when the update is empty and only posts the note", async () => {
    const time = fakeTime();
    const scope = nock(API).post(`${issueEndpoint}/notes`, { body: "Reminder" }).reply(201, fixture("api-note-single-issue-note.json"));
    const result = await testPlatform(time).apply(plan({}, "Reminder"));
    expect(result.writes).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it("does nothing for an empty plan", async () => {
    const time = fakeTime();
    const platform = testPlatform(time);
    expect(await platform.apply(plan({}))).toEqual({ writes: 0, dryRun: false, requests: [] });
    expect(platform.requestStats().total).toBe(0);
  });

  it("refuses a label the taxonomy does not define, and sends nothing", async () => {
    const time = fakeTime();
    const platform = testPlatform(time);
    const attempt = platform.apply(plan({ addLabels: ["MktgOps::02: In Progress", "MktgOps::02: In Progres"] }, "note"));
    await expect(attempt).rejects.toThrow(RefusedWriteError);
    await expect(platform.apply(plan({ addLabels: ["MktgOps::02: In Progres"] }))).rejects.toThrow(
      `Refusing to change ${PROJECT_A}#12: "MktgOps::02: In Progres" is not defined in policies/labels.yml, and GitLab would create it as a new label. Add it to labels.yml or correct the policy that asks for it. Nothing was written.`,
    );
    expect(platform.requestStats().total).toBe(0);
  });

  it("refuses due dates and confidentiality on merge requests", async () => {
    const time = fakeTime();
    await expect(testPlatform(time).apply(plan({ dueDate: "2026-04-01" }, null, "merge_request"))).rejects.toThrow(
      /merge requests have no due date or confidentiality/,
    );
  });

  it("writes nothing in dry-run and reports what it would send", async () => {
    const time = fakeTime();
    const platform = testPlatform(time, { dryRun: true });
    const result = await platform.apply(plan({ addLabels: ["bug"], milestoneId: 5 }, "Hello"));
    expect(result).toEqual({
      writes: 0,
      dryRun: true,
      requests: [
        { method: "PUT", endpoint: `projects/${enc(PROJECT_A)}/issues/12`, route: "PUT /projects/:id/issues/:iid", body: { add_labels: "bug", milestone_id: 5 } },
        { method: "POST", endpoint: `projects/${enc(PROJECT_A)}/issues/12/notes`, route: "POST /projects/:id/issues/:iid/notes", body: { body: "Hello" } },
      ],
    });
    expect(platform.requestStats().total).toBe(0);
  });

  it("tells a MOps user what access the bot lacks when GitLab answers 403", async () => {
    const time = fakeTime();
    const scope = nock(API).put(issueEndpoint).reply(403, { message: "403 Forbidden" });
    await expect(testPlatform(time).apply(plan({ addLabels: ["bug"] }, "note"))).rejects.toThrow(
      `GitLab answered 403 Forbidden for PUT /projects/:id/issues/:iid (project ${PROJECT_A}): the token's user needs at least Reporter access to project ${PROJECT_A}`,
    );
    // The note was not posted after the update failed (nock would report an unused or unmatched call).
    expect(scope.isDone()).toBe(true);
  });
});

describe("writes for scheduled jobs", () => {
  it("creates an issue with defined labels, or only reports it in dry-run", async () => {
    const time = fakeTime();
    const created = { ...fixture("api-project-issue-create.json"), project_id: PROJECT_B_ID };
    const scope = nock(API)
      .post(`/projects/${enc(PROJECT_B)}/issues`, { title: "Q2 tool audit", description: "Audit\n<!-- mops-bot:audit:2026-Q2 -->", labels: "bug,mktgops-attention" })
      .reply(201, created);
    const input = { projectPath: PROJECT_B, title: "Q2 tool audit", description: "Audit\n<!-- mops-bot:audit:2026-Q2 -->", labels: ["bug", "mktgops-attention"] };
    const outcome = await testPlatform(time).createIssue(input);
    expect(outcome.status).toBe("written");
    expect(outcome.status === "written" && outcome.result).toMatchObject({ iid: 14, projectPath: PROJECT_B, projectRoles: ["sales-systems"] });
    expect(scope.isDone()).toBe(true);

    const dry = await testPlatform(time, { dryRun: true }).createIssue(input);
    expect(dry).toMatchObject({ status: "dry-run", request: { route: "POST /projects/:id/issues" } });
    await expect(testPlatform(time).createIssue({ ...input, labels: ["junk"] })).rejects.toThrow(/"junk" is not defined/);
    await expect(testPlatform(time).createIssue({ ...input, projectPath: "elsewhere/p" })).rejects.toThrow(/not in policies\/scope.yml/);
  });

  it("updates an issue description only when it changed", async () => {
    const time = fakeTime();
    const snapshot = snapshotA();
    const scope = nock(API).put(issueEndpoint, { description: "New text" }).reply(200, issueRow(5012, 12, PROJECT_A_ID));
    const platform = testPlatform(time);
    expect(await platform.updateIssueDescription(snapshot, snapshot.description)).toEqual({ status: "unchanged" });
    expect((await platform.updateIssueDescription(snapshot, "New text")).status).toBe("written");
    expect(scope.isDone()).toBe(true);
  });

  it("does not rewrite a description that differs from GitLab's copy only in what GitLab strips", async () => {
    // GitLab stores descriptions without carriage returns and trailing whitespace
    // (lib/gitlab/quick_actions/extractor.rb); nock fails on any PUT, as none is expected.
    const stored = { ...snapshotA(), description: "List\n\n- one\n- two\n\n<!-- mops-bot:sla-report -->" };
    const platform = testPlatform(fakeTime());
    expect(await platform.updateIssueDescription(stored, "List\r\n\r\n- one\r\n- two\r\n\r\n<!-- mops-bot:sla-report -->\n\n")).toEqual({ status: "unchanged" });
    expect(await platform.updateIssueDescription(stored, `${stored.description}  \n`)).toEqual({ status: "unchanged" });
    // Leading whitespace is kept by GitLab, so it is a change.
    const scope = nock(API).put(issueEndpoint, { description: `  ${stored.description}` }).reply(200, issueRow(5012, 12, PROJECT_A_ID));
    expect((await platform.updateIssueDescription(stored, `  ${stored.description}`)).status).toBe("written");
    expect(scope.isDone()).toBe(true);
  });

  it("ensureNote creates a missing note, edits a changed one and leaves an identical one alone", async () => {
    const time = fakeTime();
    const me = { id: 9, username: "mops-bot", name: "MOps Bot" };
    const someoneElse = { id: 1, username: "pipin", name: "Pip" };
    const base = fixture("api-note-single-issue-note.json");
    const note = (id: number, body: string, author: Json, system = false) => ({ ...base, id, body, author, system });
    const marker = "sla:first-response";
    const wanted = `Still waiting for a first response.\n\n<!-- mops-bot:${marker} -->`;
    const notesPath = `${issueEndpoint}/notes`;
    const scope = nock(API)
      .get("/user")
      .reply(200, me)
      // 1st call: only a person quoting the marker -> create.
      .get(notesPath)
      .query(true)
      .reply(200, [note(1, `quoting <!-- mops-bot:${marker} -->`, someoneElse)], pageHeaders(1, 1))
      .post(notesPath, { body: wanted })
      .reply(201, note(50, wanted, me))
      // 2nd call: the bot's note says something else -> edit it.
      .get(notesPath)
      .query(true)
      .reply(200, [note(50, `Old text\n<!-- mops-bot:${marker} -->`, me)], pageHeaders(1, 1))
      .put(`${notesPath}/50`, { body: wanted })
      .reply(200, note(50, wanted, me))
      // 3rd call: identical -> nothing.
      .get(notesPath)
      .query(true)
      .reply(200, [note(50, wanted.replace(/\n/g, "\r\n"), me)], pageHeaders(1, 1));
    const platform = testPlatform(time);
    const snapshot = snapshotA();
    expect(await platform.ensureNote(snapshot, marker, "Still waiting for a first response.")).toMatchObject({ action: "created", noteId: 50 });
    expect(await platform.ensureNote(snapshot, marker, wanted)).toMatchObject({ action: "updated", noteId: 50 });
    expect(await platform.ensureNote(snapshot, marker, wanted)).toEqual({ action: "unchanged", noteId: 50, dryRun: false });
    expect(platform.requestStats().byRoute).toEqual({
      "GET /user": 1,
      "GET /projects/:id/issues/:iid/notes": 3,
      "POST /projects/:id/issues/:iid/notes": 1,
      "PUT /projects/:id/issues/:iid/notes/:note_id": 1,
    });
    expect(scope.isDone()).toBe(true);
  });
});
