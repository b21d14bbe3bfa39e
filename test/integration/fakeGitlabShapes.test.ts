/**
 * The fake GitLab answers with GitLab's shapes: for each documented REST response and webhook
 * payload in test/fixtures/gitlab (copied from GitLab's docs; SOURCES.md there), the fake's equivalent object has the same keys (top level and
 * nested objects) and the same JSON type per key. Where the fake differs from a fixture on
 * purpose, the difference is listed below with the reason; anything else fails.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitlab, type FakeGitlab } from "../support/fakeGitlab/index.js";

type Json = Record<string, unknown>;
const FIXTURES = fileURLToPath(new URL("../fixtures/gitlab/fixtures", import.meta.url));
const TOKEN = "bot-token";
const PROJECT = "my-group/my-project";
const P = encodeURIComponent(PROJECT);

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(`${FIXTURES}/${name}`, "utf8"));
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

interface Allowances {
  /** Dotted paths (`milestone.web_url`, `assignees[].id`) the fake has and the fixture lacks. */
  extra?: string[];
  /** Paths the fixture has and the fake leaves out. */
  missing?: string[];
  /** Paths where the fixture shows a value and the fake may answer null. */
  nullable?: string[];
}

/** Lists every difference in keys and JSON types between a fixture object and the fake's. */
function shapeDiff(expected: unknown, actual: unknown, allow: Allowances, path = ""): string[] {
  const problems: string[] = [];
  const here = path === "" ? "(root)" : path;
  if (expected === null) return problems; // the fixture shows no type to compare against
  if (actual === null && allow.nullable?.includes(path)) return problems;
  if (jsonType(expected) !== jsonType(actual)) return [`${here}: fixture ${jsonType(expected)}, fake ${jsonType(actual)}`];
  if (Array.isArray(expected)) {
    const [first] = expected;
    const [firstActual] = actual as unknown[];
    if (first !== undefined && firstActual !== undefined) problems.push(...shapeDiff(first, firstActual, allow, `${path}[]`));
    return problems;
  }
  if (typeof expected !== "object") return problems;
  const e = expected as Json;
  const a = actual as Json;
  const child = (key: string) => (path === "" ? key : `${path}.${key}`);
  for (const key of Object.keys(e)) {
    if (!(key in a)) {
      if (!allow.missing?.includes(child(key))) problems.push(`${child(key)}: missing in the fake`);
      continue;
    }
    problems.push(...shapeDiff(e[key], a[key], allow, child(key)));
  }
  for (const key of Object.keys(a)) {
    if (!(key in e) && !allow.extra?.includes(child(key))) problems.push(`${child(key)}: not in the fixture`);
  }
  return problems;
}

let fake: FakeGitlab;
let lennieId: number;
let receiver: Server;
const received: Array<{ headers: Record<string, string | string[] | undefined>; body: Json }> = [];

async function api(method: string, path: string, body?: Json): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${fake.apiUrl}${path}`, {
    method,
    headers: { "PRIVATE-TOKEN": TOKEN, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text === "" ? undefined : JSON.parse(text) };
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const port = (receiver.address() as AddressInfo).port;
  fake = await startFakeGitlab({ token: TOKEN, webhookUrl: `http://127.0.0.1:${port}/hook`, webhookToken: "secret" });
  lennieId = fake.addUser({ username: "lennie", name: "Dr. Luella Kovacek" }).id;
  fake.addProject(PROJECT);
  fake.addLabel({ group: "my-group", name: "foo" });
  fake.addLabel({ project: PROJECT, name: "bar", description: "Bar things" });
  fake.addMilestone({ project: PROJECT, title: "v3.0", dueDate: "2016-07-22", startDate: "2016-07-01" });
  fake.addMilestone({ group: "my-group", title: "10.0", dueDate: "2013-11-29", startDate: "2013-11-10" });
  fake.addIssue(PROJECT, {
    title: "Ut commodi ullam eos dolores perferendis nihil sunt.",
    description: "Omnis vero earum sunt corporis dolor et placeat.",
    labels: ["foo", "bar"],
    milestone: "v3.0",
    assignees: ["lennie"],
    dueDate: "2016-07-22",
    author: "lennie",
  });
  fake.updateIssue(PROJECT, 1, { stateEvent: "close" });
  fake.addNote(PROJECT, 1, { body: "closed", system: true });
  fake.addNote(PROJECT, 1, { body: "Text of the comment\r\n", author: "lennie" });
  fake.addMergeRequest(PROJECT, {
    title: "test1",
    description: "fixed login page css paddings",
    labels: ["foo", "bar"],
    milestone: "v3.0",
    assignees: ["lennie"],
    state: "merged",
    mergedBy: "lennie",
    sourceBranch: "test1",
  });
  fake.addNote(PROJECT, 1, { body: "Comment for MR" }, "merge_request");
  fake.setMergeRequestLabels(PROJECT, 1, ["foo"], { as: "lennie" });
  await fake.webhooksSettled();
  received.length = 0;
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

/** Real fields GitLab returns that these older doc examples do not show. */
const MILESTONE_EXTRAS = ["milestone.start_date", "milestone.expired", "milestone.web_url"];
/** GitLab links `closed_as_duplicate_of` only for issues closed as a duplicate. */
const NOT_DUPLICATE = ["_links.closed_as_duplicate_of"];
/**
 * A label belongs to a group or to a project, the other id being null, and a label without a
 * description has null there (webhook-note-issue.json shows both).
 */
const LABEL_OWNER = (path: string) => [`${path}[].group_id`, `${path}[].project_id`, `${path}[].description`];

describe("REST responses have the fixtures' shapes", () => {
  it("GET /projects/:id/issues items match api-project-issues-list.json", async () => {
    const { json } = await api("GET", `/projects/${P}/issues`);
    const [issue] = json as Json[];
    expect(shapeDiff((fixture("api-project-issues-list.json") as Json[])[0], issue, { extra: MILESTONE_EXTRAS, missing: NOT_DUPLICATE })).toEqual([]);
  });

  it("POST /projects/:id/issues matches api-project-issue-create.json", async () => {
    const { status, json } = await api("POST", `/projects/${P}/issues`, { title: "Issues with auth", labels: "bug" });
    expect(status).toBe(201);
    // GitLab has added `imported`, `imported_from`, `has_tasks` and `task_status` since this example was written.
    const extra = ["imported", "imported_from", "has_tasks", "task_status"];
    expect(shapeDiff(fixture("api-project-issue-create.json"), json, { extra, missing: NOT_DUPLICATE })).toEqual([]);
  });

  it("PUT /projects/:id/issues/:iid with state_event=close matches api-project-issue-update-close.json", async () => {
    await api("POST", `/projects/${P}/issues`, { title: "to close", due_date: "2016-07-22" });
    const { json } = await api("PUT", `/projects/${P}/issues/3`, { state_event: "close" });
    expect((json as Json).state).toBe("closed");
    // `type` too: the list and create examples show it, this one leaves it out.
    const extra = ["imported", "imported_from", "has_tasks", "task_status", "type"];
    expect(shapeDiff(fixture("api-project-issue-update-close.json"), json, { extra, missing: NOT_DUPLICATE })).toEqual([]);
  });

  it("GET /projects/:id/merge_requests/:iid matches api-merge-request-create.json, and POST answers the same entity", async () => {
    const { json } = await api("GET", `/projects/${P}/merge_requests/1`);
    const allow: Allowances = {
      // Present in every real response; the doc example leaves them out.
      extra: [
        "assignees", "reviewers", "squash_on_merge", "has_conflicts", "blocking_discussions_resolved", "head_pipeline",
        "first_contribution", "user", "milestone.expired",
      ],
      // No CI runs in the fake: no pipeline, no build times, no scheduled merge.
      nullable: ["pipeline", "latest_build_started_at", "latest_build_finished_at", "merge_after", "should_remove_source_branch"],
    };
    expect(shapeDiff(fixture("api-merge-request-create.json"), json, allow)).toEqual([]);

    await api("POST", `/projects/${P}/repository/branches`, { branch: "feature", ref: "main" });
    const created = await api("POST", `/projects/${P}/merge_requests`, {
      source_branch: "feature",
      target_branch: "main",
      title: "Draft: feature",
      assignee_ids: [lennieId],
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.json as Json).sort()).toEqual(Object.keys(json as Json).sort());
  });

  it("notes match api-note-single-issue-note.json, api-issue-notes-list.json and api-note-single-merge-request-note.json", async () => {
    // The doc examples show the author as an administrator sees it (email, created_at); GitLab
    // answers other callers with the basic user, as in every other fixture.
    const author = { missing: ["author.email", "author.created_at"], extra: ["author.avatar_url", "author.web_url", "type"] };
    const notes = (await api("GET", `/projects/${P}/issues/1/notes?sort=asc`)).json as Json[];
    expect(notes.map((n) => n.system)).toEqual([true, false]);
    expect(shapeDiff(fixture("api-note-single-issue-note.json"), notes[0], author)).toEqual([]);
    for (const example of fixture("api-issue-notes-list.json") as Json[]) expect(shapeDiff(example, notes[1], author)).toEqual([]);
    const single = (await api("GET", `/projects/${P}/issues/1/notes/${String(notes[1]!.id)}`)).json;
    expect(shapeDiff(fixture("api-note-single-issue-note.json"), single, author)).toEqual([]);
    const [mrNote] = (await api("GET", `/projects/${P}/merge_requests/1/notes`)).json as Json[];
    const mrAllow = { ...author, extra: [...author.extra, "imported", "imported_from"] };
    expect(shapeDiff(fixture("api-note-single-merge-request-note.json"), mrNote, mrAllow)).toEqual([]);
  });

  it("POST notes with a quick action matches api-issue-note-create-with-quick-action-commands-changes.json", async () => {
    const { status, json } = await api("POST", `/projects/${P}/issues/1/notes`, { body: "Lets promote this to an epic\n/promote" });
    expect(status).toBe(201);
    expect((json as Json).body).toBe("Lets promote this to an epic");
    expect((json as Json).commands_changes).toEqual({ promote_to_epic: true });
    const extra = ["project_id", "internal", "imported", "imported_from"];
    expect(shapeDiff(fixture("api-issue-note-create-with-quick-action-commands-changes.json"), json, { extra })).toEqual([]);
  });

  it("resource label events match api-resource-label-events.json and api-resource-label-events-merge-request.json", async () => {
    const issueEvents = (await api("GET", `/projects/${P}/issues/1/resource_label_events`)).json as Json[];
    for (const example of fixture("api-resource-label-events.json") as Json[]) expect(shapeDiff(example, issueEvents[0], {})).toEqual([]);
    const mrEvents = (await api("GET", `/projects/${P}/merge_requests/1/resource_label_events`)).json as Json[];
    expect(mrEvents.map((e) => e.action)).toEqual(["add", "add", "remove"]);
    for (const example of fixture("api-resource-label-events-merge-request.json") as Json[]) {
      expect(shapeDiff(example, mrEvents[2], {})).toEqual([]);
    }
  });

  it("milestones match api-project-milestones-list.json and api-group-milestones-list.json", async () => {
    const [projectMilestone] = (await api("GET", `/projects/${P}/milestones`)).json as Json[];
    // `web_url` is in real project milestone responses; this example predates it.
    expect(shapeDiff((fixture("api-project-milestones-list.json") as Json[])[0], projectMilestone, { extra: ["web_url"] })).toEqual([]);
    const [groupMilestone] = (await api("GET", "/groups/my-group/milestones")).json as Json[];
    expect(shapeDiff((fixture("api-group-milestones-list.json") as Json[])[0], groupMilestone, {})).toEqual([]);
  });
});

describe("webhooks have the fixtures' shapes and GitLab's headers", () => {
  async function deliveries(event: string): Promise<Array<{ headers: Record<string, string | string[] | undefined>; body: Json }>> {
    await fake.webhooksSettled();
    return received.filter((r) => r.headers["x-gitlab-event"] === event);
  }

  it("sends the headers GitLab sends (api-group-hook-events-list-with-request-headers.json)", async () => {
    fake.updateIssue(PROJECT, 1, { title: "renamed" }, { as: "lennie" });
    const [delivery] = await deliveries("Issue Hook");
    const documented = (fixture("api-group-hook-events-list-with-request-headers.json") as Json[])[0]!.request_headers as Record<string, string>;
    for (const name of Object.keys(documented)) expect(delivery!.headers[name.toLowerCase()], name).toEqual(expect.any(String));
    expect(delivery!.headers["x-gitlab-token"]).toBe("secret");
    expect(delivery!.headers["user-agent"]).toMatch(/^GitLab\/18\./);
    expect(delivery!.headers["x-gitlab-instance"]).toBe(fake.url);
  });

  it("Issue Hook matches webhook-issue-open-with-label-changes.json", async () => {
    received.length = 0;
    fake.setIssueLabels(PROJECT, 1, ["bar"], { as: "lennie" });
    const [delivery] = await deliveries("Issue Hook");
    const body = delivery!.body;
    expect((body.object_attributes as Json).action).toBe("update");
    expect((body.user as Json).username).toBe("lennie");
    expect(((body.changes as Json).labels as Json).previous).toHaveLength(2);
    // Escalation fields exist only on incidents.
    const allow = {
      missing: ["object_attributes.escalation_status", "object_attributes.escalation_policy"],
      // No health status set; GitLab sends null then.
      nullable: ["object_attributes.health_status", ...LABEL_OWNER("object_attributes.labels"), ...LABEL_OWNER("labels"),
        ...LABEL_OWNER("changes.labels.previous"), ...LABEL_OWNER("changes.labels.current")],
      // Hook user objects carry the id (the merge request example shows it).
      extra: ["assignees[].id", "assignee.id"],
    };
    expect(shapeDiff(fixture("webhook-issue-open-with-label-changes.json"), body, allow)).toEqual([]);
  });

  it("Merge Request Hook matches webhook-merge-request-open-draft-and-label-changes.json", async () => {
    await api("PUT", `/projects/${P}/merge_requests/2`, { title: "feature", add_labels: "bar" });
    const [delivery] = await deliveries("Merge Request Hook");
    const body = delivery!.body;
    expect((body.changes as Json).draft).toEqual({ previous: true, current: false });
    const allow: Allowances = {
      // GitLab sends the title change too when a title changes; the example shows only the draft flag.
      extra: ["changes.title"],
      nullable: [
        ...LABEL_OWNER("object_attributes.labels"),
        ...LABEL_OWNER("labels"),
        ...LABEL_OWNER("changes.labels.previous"),
        ...LABEL_OWNER("changes.labels.current"),
        // No time tracking in the fake.
        "object_attributes.human_total_time_spent",
        "object_attributes.human_time_change",
        "object_attributes.human_time_estimate",
      ],
    };
    expect(shapeDiff(fixture("webhook-merge-request-open-draft-and-label-changes.json"), body, allow)).toEqual([]);
  });

  it("Note Hooks match webhook-note-issue.json and webhook-note-merge-request.json", async () => {
    await api("POST", `/projects/${P}/issues/1/notes`, { body: "Hello world" });
    await api("POST", `/projects/${P}/merge_requests/1/notes`, { body: "This MR needs work." });
    const [issueNote, mrNote] = await deliveries("Note Hook");
    // Newer GitLab sends the whole issue/MR hook attributes and `internal`; the examples are older.
    const issueAllow = {
      extra: ["object_attributes.internal", "project.ci_config_path", ...ISSUE_ATTRIBUTE_EXTRAS.map((k) => `issue.${k}`)],
      nullable: LABEL_OWNER("issue.labels"),
    };
    expect(shapeDiff(fixture("webhook-note-issue.json"), issueNote!.body, issueAllow)).toEqual([]);
    const mrAllow = {
      extra: [
        "object_attributes.internal", "project.ci_config_path", ...MR_ATTRIBUTE_EXTRAS.map((k) => `merge_request.${k}`),
        // The merge request hook example shows these; this older one does not.
        "merge_request.last_commit.title", "merge_request.assignee.id",
      ],
      nullable: LABEL_OWNER("merge_request.labels"),
    };
    expect(shapeDiff(fixture("webhook-note-merge-request.json"), mrNote!.body, mrAllow)).toEqual([]);
  });

  it("Milestone Hook matches webhook-milestone-create.json", async () => {
    await api("POST", `/projects/${P}/milestones`, { title: "v1.0", description: "First stable release", due_date: "2025-06-30", start_date: "2025-06-16" });
    const [delivery] = await deliveries("Milestone Hook");
    expect(delivery!.body.action).toBe("create");
    // The example is a project milestone: group_id is null there, so its type is not compared.
    expect(shapeDiff(fixture("webhook-milestone-create.json"), delivery!.body, {})).toEqual([]);
  });
});

const ISSUE_ATTRIBUTE_EXTRAS = [
  "updated_by_id", "last_edited_at", "last_edited_by_id", "relative_position", "confidential", "discussion_locked",
  "due_date", "moved_to_id", "duplicated_to_id", "time_estimate", "total_time_spent", "time_change",
  "human_total_time_spent", "human_time_estimate", "human_time_change", "weight", "health_status", "type", "url",
  "severity", "state_id",
];
const MR_ATTRIBUTE_EXTRAS = [
  "assignee_ids", "reviewer_ids", "last_edited_at", "last_edited_by_id", "state_id", "blocking_discussions_resolved",
  "first_contribution", "prepared_at", "total_time_spent", "time_change", "human_total_time_spent", "human_time_change",
  "human_time_estimate", "url",
];
