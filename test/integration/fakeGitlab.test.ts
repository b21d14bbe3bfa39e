/**
 * Behaviour of the fake GitLab that tests of the bot rely on: authentication, errors, paging
 * (offset and keyset), filters, label events, on-the-fly label creation, quick actions, fault
 * injection, rate limits, latency, webhooks and the request log.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeGitlab, type FakeGitlab, type FakeGitlabOptions } from "../support/fakeGitlab/index.js";

type Json = Record<string, unknown>;
const TOKEN = "bot-token";
const PROJECT = "mops/campaigns";
const P = encodeURIComponent(PROJECT);

const started: FakeGitlab[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function start(options: Partial<FakeGitlabOptions> = {}): Promise<FakeGitlab> {
  const fake = await startFakeGitlab({ token: TOKEN, ...options });
  started.push(fake);
  fake.addUser({ username: "alice", token: "alice-token" });
  fake.addProject(PROJECT);
  fake.addLabel({ group: "mops", name: "bug" });
  fake.addLabel({ group: "mops", name: "MktgOps::00: Triage" });
  fake.addLabel({ group: "mops", name: "MktgOps::01: Planning" });
  fake.addMilestone({ group: "mops", title: "Temp Q1", startDate: "2026-01-01", dueDate: "2026-03-31" });
  return fake;
}

async function call(fake: FakeGitlab, method: string, path: string, body?: Json, token = TOKEN): Promise<Response> {
  return fetch(`${fake.apiUrl}${path}`, {
    method,
    headers: { "PRIVATE-TOKEN": token, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function json<T = Json>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** A local webhook receiver recording what arrives. */
async function receiver(status = 200): Promise<{ url: string; hits: Array<{ headers: IncomingHttpHeaders; body: Json }> }> {
  const hits: Array<{ headers: IncomingHttpHeaders; body: Json }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hits.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json });
      res.writeHead(status).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, hits };
}

describe("authentication and errors", () => {
  it("answers 401 without the right token and knows the bot as the current user", async () => {
    const fake = await start();
    const missing = await fetch(`${fake.apiUrl}/user`);
    expect(missing.status).toBe(401);
    expect(await json(missing)).toEqual({ message: "401 Unauthorized" });
    expect((await call(fake, "GET", "/user", undefined, "wrong")).status).toBe(401);
    const bearer = await fetch(`${fake.apiUrl}/user`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect((await json(bearer)).username).toBe("mops-bot");
    expect((await json(await call(fake, "GET", "/user", undefined, "alice-token"))).username).toBe("alice");
  });

  it("finds users by username without regard to case, and answers an empty list for nobody", async () => {
    const fake = await start();
    const found = await json<Json[]>(await call(fake, "GET", "/users?username=ALICE"));
    expect(found.map((u) => u.username)).toEqual(["alice"]);
    expect(found[0]).toMatchObject({ id: expect.any(Number), state: "active" });
    expect(await json(await call(fake, "GET", "/users?username=nobody"))).toEqual([]);
  });

  it("answers GitLab's 404 bodies", async () => {
    const fake = await start();
    expect(await json(await call(fake, "GET", "/projects/nope%2Fnope/issues"))).toEqual({ message: "404 Project Not Found" });
    expect(await json(await call(fake, "GET", `/projects/${P}/issues/99`))).toEqual({ message: "404 Issue Not Found" });
    expect(await json(await call(fake, "GET", `/projects/${P}/merge_requests/99`))).toEqual({ message: "404 Merge Request Not Found" });
    expect(await json(await call(fake, "GET", "/groups/nope"))).toEqual({ message: "404 Group Not Found" });
    const unknown = await call(fake, "GET", "/nothing/here");
    expect(unknown.status).toBe(404);
    expect(fake.requests.at(-1)).toMatchObject({ route: "GET <unmatched>", status: 404 });
  });

  it("finds projects and groups by numeric id or URL-encoded full path", async () => {
    const fake = await start();
    const byPath = await json(await call(fake, "GET", `/projects/${P}`));
    const byId = await json(await call(fake, "GET", `/projects/${String(byPath.id)}`));
    expect(byId.path_with_namespace).toBe(PROJECT);
    expect((await json(await call(fake, "GET", "/groups/mops"))).full_path).toBe("mops");
  });
});

describe("paging", () => {
  it("sets x-* headers and a Link header, and walking rel=next yields every issue once", async () => {
    const fake = await start();
    for (let i = 1; i <= 45; i++) fake.addIssue(PROJECT, { title: `issue ${i}` });
    const first = await call(fake, "GET", `/projects/${P}/issues?per_page=20`);
    expect(first.headers.get("x-total")).toBe("45");
    expect(first.headers.get("x-total-pages")).toBe("3");
    expect(first.headers.get("x-page")).toBe("1");
    expect(first.headers.get("x-per-page")).toBe("20");
    expect(first.headers.get("x-next-page")).toBe("2");
    expect(first.headers.get("x-prev-page")).toBe("");
    expect(first.headers.get("link")).toMatch(/rel="next".*rel="first".*rel="last"/);

    const seen: number[] = [];
    let next: string | undefined = `${fake.apiUrl}/projects/${P}/issues?per_page=20`;
    while (next) {
      const response = await fetch(next, { headers: { "PRIVATE-TOKEN": TOKEN } });
      seen.push(...(await json<Json[]>(response)).map((i) => i.iid as number));
      next = /<([^>]+)>; rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
    }
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    // Newest first by default.
    expect(seen[0]).toBe(45);
  });

  it("caps per_page at the maximum", async () => {
    const fake = await start({ perPageMax: 100 });
    for (let i = 1; i <= 120; i++) fake.addIssue(PROJECT, { title: `issue ${i}` });
    const response = await call(fake, "GET", `/projects/${P}/issues?per_page=500`);
    expect(await json<Json[]>(response)).toHaveLength(100);
    expect(response.headers.get("x-per-page")).toBe("100");
  });

  it("walks keyset pages through Link rel=next without totals", async () => {
    const fake = await start();
    for (let i = 1; i <= 25; i++) fake.addIssue(PROJECT, { title: `issue ${i}`, createdAt: new Date(Date.UTC(2026, 0, i)) });
    const seen: number[] = [];
    let next: string | undefined = `${fake.apiUrl}/projects/${P}/issues?pagination=keyset&per_page=10&order_by=created_at&sort=asc`;
    while (next) {
      const response = await fetch(next, { headers: { "PRIVATE-TOKEN": TOKEN } });
      expect(response.headers.get("x-total")).toBeNull();
      seen.push(...(await json<Json[]>(response)).map((i) => i.iid as number));
      next = /<([^>]+)>; rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it("leaves totals out past 10,000 rows, as GitLab does", async () => {
    const fake = await start();
    for (let i = 1; i <= 10_001; i++) fake.addIssue(PROJECT, { title: `issue ${i}` });
    const response = await call(fake, "GET", `/projects/${P}/issues?per_page=100&page=101`);
    expect(await json<Json[]>(response)).toHaveLength(1);
    expect(response.headers.get("x-total")).toBeNull();
    expect(response.headers.get("x-next-page")).toBe("");
    expect(response.headers.get("link")).not.toContain('rel="last"');
  });
});

describe("list filters", () => {
  it("filters by labels, not[labels], milestone, iids, state, confidential and updated_after", async () => {
    let now = new Date("2026-02-01T10:00:00Z");
    const fake = await start({ now: () => now });
    fake.addIssue(PROJECT, { title: "a", labels: ["bug", "MktgOps::00: Triage"], milestone: "Temp Q1" });
    fake.addIssue(PROJECT, { title: "b", labels: ["bug"] });
    fake.addIssue(PROJECT, { title: "c", confidential: true });
    fake.addIssue(PROJECT, { title: "d", state: "closed" });
    now = new Date("2026-02-02T10:00:00Z");
    fake.updateIssue(PROJECT, 2, { title: "b2" });
    const iids = async (query: string) =>
      (await json<Json[]>(await call(fake, "GET", `/projects/${P}/issues?${query}`))).map((i) => i.iid as number).sort();
    expect(await iids("labels=bug,MktgOps::00:%20Triage")).toEqual([1]);
    expect(await iids("labels=bug")).toEqual([1, 2]);
    expect(await iids("labels=None")).toEqual([3, 4]);
    expect(await iids("labels=Any")).toEqual([1, 2]);
    expect(await iids("not[labels]=MktgOps::00:%20Triage")).toEqual([2, 3, 4]);
    expect(await iids("milestone=Temp%20Q1")).toEqual([1]);
    expect(await iids("milestone=None")).toEqual([2, 3, 4]);
    expect(await iids("milestone=Any")).toEqual([1]);
    expect(await iids("iids[]=2&iids[]=4")).toEqual([2, 4]);
    expect(await iids("state=opened")).toEqual([1, 2, 3]);
    expect(await iids("state=closed")).toEqual([4]);
    expect(await iids("confidential=true")).toEqual([3]);
    expect(await iids("updated_after=2026-02-01T12:00:00Z")).toEqual([2]);
    expect((await call(fake, "GET", `/projects/${P}/issues?state=bogus`)).status).toBe(400);
  });

  it("lists a group's issues across its subgroups' projects", async () => {
    const fake = await start();
    fake.addProject("mops/sub/other");
    fake.addIssue(PROJECT, { title: "top" });
    fake.addIssue("mops/sub/other", { title: "nested" });
    const titles = (await json<Json[]>(await call(fake, "GET", "/groups/mops/issues"))).map((i) => i.title);
    expect(titles.sort()).toEqual(["nested", "top"]);
    expect(await json<Json[]>(await call(fake, "GET", "/groups/mops%2Fsub/issues"))).toHaveLength(1);
  });
});

describe("issue updates", () => {
  it("records a label event for every label added or removed, with the acting user and the clock's time", async () => {
    let now = new Date("2026-03-01T09:00:00Z");
    const fake = await start({ now: () => now });
    fake.addIssue(PROJECT, { title: "x", labels: ["MktgOps::00: Triage"], author: "alice" });
    now = new Date("2026-03-02T09:00:00Z");
    const response = await call(fake, "PUT", `/projects/${P}/issues/1`, {
      add_labels: "MktgOps::01: Planning",
      remove_labels: "MktgOps::00: Triage",
    });
    expect((await json(response)).labels).toEqual(["MktgOps::01: Planning"]);
    const events = await json<Json[]>(await call(fake, "GET", `/projects/${P}/issues/1/resource_label_events`));
    expect(events.map((e) => [e.action, (e.label as Json).name, (e.user as Json).username, e.created_at])).toEqual([
      ["add", "MktgOps::00: Triage", "alice", "2026-03-01T09:00:00.000Z"],
      ["add", "MktgOps::01: Planning", "mops-bot", "2026-03-02T09:00:00.000Z"],
      ["remove", "MktgOps::00: Triage", "mops-bot", "2026-03-02T09:00:00.000Z"],
    ]);
    fake.setIssueLabels(PROJECT, 1, [], { as: "alice" });
    expect(fake.issue(PROJECT, 1).labelEvents.at(-1)).toMatchObject({ action: "remove", label: "MktgOps::01: Planning", user: "alice" });
  });

  it("creates unknown label names given to add_labels or labels, and records each one", async () => {
    const fake = await start();
    fake.addIssue(PROJECT, { title: "x" });
    await call(fake, "PUT", `/projects/${P}/issues/1`, { add_labels: ["bug", "MtkgOps::typo"] });
    await call(fake, "PUT", `/projects/${P}/issues/1`, { remove_labels: "never-existed" });
    expect(fake.createdLabels).toEqual([
      expect.objectContaining({ name: "MtkgOps::typo", project: PROJECT, by: "mops-bot", via: "PUT /projects/:id/issues/:iid" }),
    ]);
    const projectLabels = await json<Json[]>(await call(fake, "GET", `/projects/${P}/labels?include_ancestor_groups=false`));
    expect(projectLabels.map((l) => l.name)).toEqual(["MtkgOps::typo"]);
    await call(fake, "PUT", `/projects/${P}/issues/1`, { labels: "bug,brand new" });
    expect(fake.issue(PROJECT, 1).labels).toEqual(["brand new", "bug"]);
    expect(fake.createdLabels.map((l) => l.name)).toEqual(["MtkgOps::typo", "brand new"]);
  });

  it("accepts parameters as a form body or a query string, and applies state, milestone, assignees, due date and confidentiality", async () => {
    const fake = await start();
    fake.addIssue(PROJECT, { title: "x" });
    const milestoneId = fake.milestones()[0]!.id;
    const alice = (await json(await call(fake, "GET", "/user", undefined, "alice-token"))).id as number;
    const form = await fetch(`${fake.apiUrl}/projects/${P}/issues/1`, {
      method: "PUT",
      headers: { "PRIVATE-TOKEN": TOKEN, "content-type": "application/x-www-form-urlencoded" },
      body: `state_event=close&milestone_id=${milestoneId}&assignee_ids[]=${alice}&due_date=2026-04-01&confidential=true`,
    });
    expect(form.status).toBe(200);
    expect(fake.issue(PROJECT, 1)).toMatchObject({ state: "closed", milestone: "Temp Q1", assignees: ["alice"], dueDate: "2026-04-01", confidential: true });
    await call(fake, "PUT", `/projects/${P}/issues/1?state_event=reopen&milestone_id=0&assignee_ids=0&due_date=`);
    expect(fake.issue(PROJECT, 1)).toMatchObject({ state: "opened", milestone: null, assignees: [], dueDate: null });
    await call(fake, "PUT", `/projects/${P}/issues/1`, { due_date: "2026-05-01" });
    await call(fake, "PUT", `/projects/${P}/issues/1`, { due_date: null, milestone_id: null, assignee_ids: [] });
    expect(fake.issue(PROJECT, 1)).toMatchObject({ milestone: null, assignees: [], dueDate: null });
    const empty = await call(fake, "PUT", `/projects/${P}/issues/1`, {});
    expect(empty.status).toBe(400);
  });

  it("removes the other label of a scope only when scoped labels are exclusive (Premium)", async () => {
    const free = await start();
    free.addIssue(PROJECT, { title: "x", labels: ["MktgOps::00: Triage"] });
    await call(free, "PUT", `/projects/${P}/issues/1`, { add_labels: "MktgOps::01: Planning" });
    expect(free.issue(PROJECT, 1).labels).toEqual(["MktgOps::00: Triage", "MktgOps::01: Planning"]);
    const premium = await start({ scopedLabelsExclusive: true });
    premium.addIssue(PROJECT, { title: "x", labels: ["MktgOps::00: Triage"] });
    await call(premium, "PUT", `/projects/${P}/issues/1`, { add_labels: "MktgOps::01: Planning" });
    expect(premium.issue(PROJECT, 1).labels).toEqual(["MktgOps::01: Planning"]);
  });
});

describe("notes and quick actions", () => {
  it("executes quick actions in a note, records them, and stores nothing when the note is only commands", async () => {
    const fake = await start();
    fake.addIssue(PROJECT, { title: "x" });
    const response = await call(fake, "POST", `/projects/${P}/issues/1/notes`, { body: "/label ~bug\n/close" });
    expect(response.status).toBe(202);
    expect(await json(response)).toMatchObject({ commands_changes: { state_event: "close" } });
    expect(fake.issue(PROJECT, 1)).toMatchObject({ state: "closed", labels: ["bug"], notes: [] });
    expect(fake.quickActionsExecuted.map((q) => [q.command, q.args, q.by, q.resource])).toEqual([
      ["label", "~bug", "mops-bot", `${PROJECT}#1`],
      ["close", "", "mops-bot", `${PROJECT}#1`],
    ]);
  });

  it("does not execute commands inside code fences, >>> quotes, mid-line or unknown words", async () => {
    const fake = await start();
    fake.addIssue(PROJECT, { title: "x" });
    const body = "Example:\n```\n/close\n```\n>>>\n/close\n>>>\nplease do not /close\n/notacommand here";
    const response = await call(fake, "POST", `/projects/${P}/issues/1/notes`, { body });
    expect(response.status).toBe(201);
    expect((await json(response)).body).toBe(body);
    expect(fake.quickActionsExecuted).toEqual([]);
    expect(fake.issue(PROJECT, 1).state).toBe("opened");
  });

  it("keeps the text of a note that mixes text and commands, and runs /reopen and /unlabel", async () => {
    const fake = await start();
    fake.addIssue(PROJECT, { title: "x", labels: ["bug"], state: "closed" });
    const response = await call(fake, "POST", `/projects/${P}/issues/1/notes`, { body: "Back again\n/reopen\n/unlabel ~bug" });
    expect(response.status).toBe(201);
    expect((await json(response)).body).toBe("Back again");
    expect(fake.issue(PROJECT, 1)).toMatchObject({ state: "opened", labels: [] });
  });

  it("edits only the author's own notes", async () => {
    const fake = await start();
    fake.addIssue(PROJECT, { title: "x" });
    const own = await json(await call(fake, "POST", `/projects/${P}/issues/1/notes`, { body: "first" }));
    const edited = await call(fake, "PUT", `/projects/${P}/issues/1/notes/${String(own.id)}`, { body: "second" });
    expect((await json(edited)).body).toBe("second");
    const theirs = fake.addNote(PROJECT, 1, { body: "alice's", author: "alice" });
    expect((await call(fake, "PUT", `/projects/${P}/issues/1/notes/${theirs}`, { body: "hijack" })).status).toBe(403);
  });
});

describe("milestones, labels, branches and merge requests", () => {
  it("creates, closes and lists milestones and the issues in them", async () => {
    const fake = await start();
    const created = await json(await call(fake, "POST", "/groups/mops/milestones", { title: "Temp Q2", due_date: "2026-06-30" }));
    expect(created).toMatchObject({ title: "Temp Q2", state: "active", group_id: expect.any(Number) });
    fake.addIssue(PROJECT, { title: "in q2", milestone: "Temp Q2" });
    const closed = await json(await call(fake, "PUT", `/groups/mops/milestones/${String(created.id)}`, { state_event: "close" }));
    expect(closed.state).toBe("closed");
    const active = await json<Json[]>(await call(fake, "GET", "/groups/mops/milestones?state=active"));
    expect(active.map((m) => m.title)).toEqual(["Temp Q1"]);
    const issues = await json<Json[]>(await call(fake, "GET", `/groups/mops/milestones/${String(created.id)}/issues`));
    expect(issues.map((i) => i.title)).toEqual(["in q2"]);
    expect((await call(fake, "POST", "/groups/mops/milestones", { title: "Temp Q2" })).status).toBe(400);
  });

  it("creates, renames (by name) and deletes labels", async () => {
    const fake = await start();
    const created = await call(fake, "POST", "/groups/mops/labels", { name: "Ops", color: "#FF0000" });
    expect(created.status).toBe(201);
    expect((await call(fake, "POST", "/groups/mops/labels", { name: "Ops", color: "#FF0000" })).status).toBe(409);
    expect((await call(fake, "POST", "/groups/mops/labels", { name: "Bad", color: "red-ish" })).status).toBe(400);
    fake.addIssue(PROJECT, { title: "x", labels: ["Ops"] });
    await call(fake, "PUT", `/groups/mops/labels/${encodeURIComponent("Ops")}`, { new_name: "Operations" });
    expect(fake.issue(PROJECT, 1).labels).toEqual(["Operations"]);
    expect((await call(fake, "DELETE", "/groups/mops/labels/Operations")).status).toBe(204);
    expect(fake.issue(PROJECT, 1).labels).toEqual([]);
  });

  it("keeps label priorities per project, set only on the project's own labels, as GitLab's label API does", async () => {
    // lib/api/helpers/label_helpers.rb: create_label prioritises a new project label; update_label
    // finds the label with include_ancestor_groups: false, so a group label is 404 through a project.
    const fake = await start();
    const P = encodeURIComponent(PROJECT);
    const bug = fake.labels().find((l) => l.name === "bug")!;
    const viaProject = await call(fake, "PUT", `/projects/${P}/labels/${bug.id}`, { priority: 1 });
    expect(viaProject.status).toBe(404);
    expect(await json(viaProject)).toEqual({ message: "404 Label Not Found" });
    // Reading it through the project works: get_label includes the ancestors' labels.
    expect(await json(await call(fake, "GET", `/projects/${P}/labels/${bug.id}`))).toMatchObject({ name: "bug", is_project_label: false });
    expect((await call(fake, "PUT", `/groups/mops/labels/${bug.id}`, { priority: 1 })).status).toBe(400);

    const own = await call(fake, "POST", `/projects/${P}/labels`, { name: "Own", color: "#00FF00", priority: 3 });
    expect(await json(own)).toMatchObject({ name: "Own", priority: 3, is_project_label: true });
    const ownId = (await json<Json>(await call(fake, "GET", `/projects/${P}/labels/Own`))).id as number;
    expect(await json(await call(fake, "PUT", `/projects/${P}/labels/${ownId}`, { priority: 1 }))).toMatchObject({ priority: 1 });

    fake.prioritiseLabel(PROJECT, "bug", 2);
    const listed = await json<Json[]>(await call(fake, "GET", `/projects/${P}/labels`));
    expect(listed.map((l) => [l.name, l.priority, l.is_project_label])).toEqual(
      expect.arrayContaining([
        ["Own", 1, true],
        ["bug", 2, false],
        ["MktgOps::00: Triage", null, false],
      ]),
    );
    // A group's own listing (Entities::GroupLabel) has no per-project priority.
    const groupListed = await json<Json[]>(await call(fake, "GET", "/groups/mops/labels"));
    expect(groupListed.every((l) => !("priority" in l))).toBe(true);
    expect((await json<Json>(await call(fake, "PUT", `/projects/${P}/labels/${ownId}`, { priority: null }))).priority).toBeNull();
  });

  it("creates a branch and a merge request from it, refusing a duplicate or a missing branch", async () => {
    const fake = await start();
    const branch = await call(fake, "POST", `/projects/${P}/repository/branches`, { branch: "audit-2026-q1", ref: "main" });
    expect(branch.status).toBe(201);
    expect((await json(await call(fake, "GET", `/projects/${P}/repository/branches/audit-2026-q1`))).name).toBe("audit-2026-q1");
    expect((await call(fake, "GET", `/projects/${P}/repository/branches/nope`)).status).toBe(404);
    const mr = { source_branch: "audit-2026-q1", target_branch: "main", title: "Draft: Q1 audit", labels: "bug" };
    const created = await json(await call(fake, "POST", `/projects/${P}/merge_requests`, mr));
    expect(created).toMatchObject({ iid: 1, draft: true, work_in_progress: true, labels: ["bug"], state: "opened" });
    expect((await call(fake, "POST", `/projects/${P}/merge_requests`, mr)).status).toBe(409);
    expect((await call(fake, "POST", `/projects/${P}/merge_requests`, { ...mr, source_branch: "ghost" })).status).toBe(422);
    const ready = await json(await call(fake, "PUT", `/projects/${P}/merge_requests/1`, { title: "Q1 audit" }));
    expect(ready.draft).toBe(false);
    const events = await json<Json[]>(await call(fake, "GET", `/projects/${P}/merge_requests/1/resource_label_events`));
    expect(events.map((e) => e.action)).toEqual(["add"]);
  });
});

describe("faults, rate limits and latency", () => {
  it("answers injected 429s with Retry-After and 502s, and then serves normally", async () => {
    const fake = await start();
    fake.faults = { next: [429, 502], retryAfterSeconds: 7 };
    const limited = await call(fake, "GET", "/user");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.headers.get("ratelimit-limit")).toBe("2000");
    expect((await call(fake, "GET", "/user")).status).toBe(502);
    expect((await call(fake, "GET", "/user")).status).toBe(200);
    fake.faults = { rate502: 1 };
    expect((await call(fake, "GET", "/user")).status).toBe(502);
    fake.faults = { rate429: 1 };
    expect((await call(fake, "PUT", `/projects/${P}/issues/1`, { title: "never" })).status).toBe(429);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 502, 200, 502, 429]);
  });

  it("reports RateLimit-* headers and enforces the limit per minute when asked", async () => {
    let now = new Date("2026-05-01T12:00:30Z");
    const fake = await start({ rateLimit: { perMinute: 3, enforce: true }, now: () => now });
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 3; i++) remaining.push((await call(fake, "GET", "/user")).headers.get("ratelimit-remaining"));
    expect(remaining).toEqual(["2", "1", "0"]);
    const over = await call(fake, "GET", "/user");
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe("30");
    expect(over.headers.get("ratelimit-reset")).toBe(String(Date.parse("2026-05-01T12:01:00Z") / 1000));
    expect(over.headers.get("ratelimit-resettime")).toBe("Fri, 01 May 2026 12:01:00 GMT");
    now = new Date("2026-05-01T12:01:00Z");
    const next = await call(fake, "GET", "/user");
    expect(next.status).toBe(200);
    // Unthrottled answers carry the common headers only (lib/gitlab/middleware/rack_attack_headers.rb).
    expect([next.headers.get("ratelimit-remaining"), next.headers.get("ratelimit-resettime"), next.headers.get("retry-after")]).toEqual(["2", null, null]);
  });

  it("counts the limit's windows on their own clock when given one", async () => {
    let windowNow = new Date("2026-05-01T12:00:59Z");
    const fake = await start({ rateLimit: { perMinute: 1, enforce: true, clock: () => windowNow }, now: () => new Date("2026-05-01T09:00:00Z") });
    expect((await call(fake, "GET", "/user")).status).toBe(200);
    expect((await call(fake, "GET", "/user")).headers.get("retry-after")).toBe("1");
    windowNow = new Date("2026-05-01T12:01:00Z");
    expect((await call(fake, "GET", "/user")).status).toBe(200);
  });

  it("delays every answer by the configured latency, changeable at runtime", async () => {
    const fake = await start({ latencyMs: 60 });
    let started = performance.now();
    await call(fake, "GET", "/user");
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    fake.setLatency(150);
    started = performance.now();
    await call(fake, "GET", "/user");
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });
});

describe("webhooks", () => {
  it("delivers Issue, Note and Milestone Hooks with GitLab's headers and the acting user", async () => {
    const hook = await receiver();
    const fake = await start({ webhookUrl: hook.url, webhookToken: "s3cret" });
    await call(fake, "POST", `/projects/${P}/issues`, { title: "new", labels: "bug" }, "alice-token");
    await call(fake, "PUT", `/projects/${P}/issues/1`, { add_labels: "MktgOps::00: Triage" });
    await call(fake, "POST", `/projects/${P}/issues/1/notes`, { body: "Thanks!" });
    await call(fake, "PUT", `/groups/mops/milestones/${fake.milestones()[0]!.id}`, { state_event: "close" });
    await fake.webhooksSettled();
    expect(hook.hits.map((h) => h.headers["x-gitlab-event"])).toEqual(["Issue Hook", "Issue Hook", "Note Hook", "Milestone Hook"]);
    for (const { headers } of hook.hits) {
      expect(headers["x-gitlab-token"]).toBe("s3cret");
      expect(headers["user-agent"]).toMatch(/^GitLab\/18\./);
      expect(headers["x-gitlab-instance"]).toBe(fake.url);
      for (const name of ["x-gitlab-event-uuid", "x-gitlab-webhook-uuid", "idempotency-key"]) expect(headers[name]).toMatch(/^[0-9a-f-]{36}$/);
    }
    const [opened, labelled, note, milestone] = hook.hits.map((h) => h.body);
    expect(opened).toMatchObject({ object_kind: "issue", user: { username: "alice" }, object_attributes: { action: "open", iid: 1 } });
    expect(labelled).toMatchObject({ user: { username: "mops-bot" }, object_attributes: { action: "update" } });
    const labels = (labelled!.changes as Json).labels as { previous: Json[]; current: Json[] };
    expect(labels.previous.map((l) => l.title)).toEqual(["bug"]);
    expect(labels.current.map((l) => l.title)).toEqual(["bug", "MktgOps::00: Triage"]);
    expect(note).toMatchObject({ object_kind: "note", object_attributes: { note: "Thanks!", noteable_type: "Issue" }, issue: { iid: 1 } });
    expect(milestone).toMatchObject({ action: "close", project: null, group: { full_path: "mops" }, object_attributes: { state: "closed" } });
    expect(fake.webhookDeliveries.every((d) => d.ok)).toBe(true);
  });

  it("sends close/reopen actions with state changes, and Confidential Issue Hook for confidential issues", async () => {
    const hook = await receiver();
    const fake = await start({ webhookUrl: hook.url });
    fake.addIssue(PROJECT, { title: "secret", confidential: true });
    await call(fake, "PUT", `/projects/${P}/issues/1`, { state_event: "close" });
    await fake.webhooksSettled();
    const [hit] = hook.hits;
    expect(hit!.headers["x-gitlab-event"]).toBe("Confidential Issue Hook");
    expect(hit!.headers["x-gitlab-token"]).toBeUndefined();
    expect(hit!.body).toMatchObject({ event_type: "confidential_issue", object_attributes: { action: "close", state: "closed" } });
    expect((hit!.body.changes as Json).state_id).toEqual({ previous: 1, current: 2 });
  });

  it("sends nothing when nothing changed, and counts failed deliveries without failing the request", async () => {
    const hook = await receiver(500);
    const fake = await start({ webhookUrl: hook.url });
    fake.addIssue(PROJECT, { title: "x", labels: ["bug"] });
    await call(fake, "PUT", `/projects/${P}/issues/1`, { add_labels: "bug" });
    await fake.webhooksSettled();
    expect(fake.webhookDeliveries).toHaveLength(0);
    const response = await call(fake, "PUT", `/projects/${P}/issues/1`, { remove_labels: "bug" });
    expect(response.status).toBe(200);
    await fake.webhooksSettled();
    expect(fake.webhookDeliveries.map((d) => d.status)).toEqual([500]);
    expect(fake.webhookFailures).toBe(1);
    fake.setWebhook("http://127.0.0.1:1/unreachable");
    await call(fake, "PUT", `/projects/${P}/issues/1`, { add_labels: "bug" });
    await fake.webhooksSettled();
    expect(fake.webhookFailures).toBe(2);
    expect(fake.webhookDeliveries.at(-1)!.error).toBeDefined();
  });
});

describe("request log", () => {
  it("counts requests by route template, lists writes and resets counters", async () => {
    const fake = await start();
    fake.addIssue(PROJECT, { title: "x" });
    await call(fake, "GET", `/projects/${P}/issues`);
    await call(fake, "GET", `/projects/${P}/issues/1`);
    await call(fake, "PUT", `/projects/${P}/issues/1`, { add_labels: "bug" });
    await call(fake, "POST", `/projects/${P}/issues/1/notes`, { body: "hi" });
    expect(fake.countsByRoute()).toEqual({
      "GET /projects/:id/issues": 1,
      "GET /projects/:id/issues/:iid": 1,
      "PUT /projects/:id/issues/:iid": 1,
      "POST /projects/:id/issues/:iid/notes": 1,
    });
    expect(fake.writes().map((w) => `${w.route} ${w.status} ${w.user}`)).toEqual([
      "PUT /projects/:id/issues/:iid 200 mops-bot",
      "POST /projects/:id/issues/:iid/notes 201 mops-bot",
    ]);
    fake.resetCounters();
    expect(fake.requests).toEqual([]);
    expect(fake.issue(PROJECT, 1).labels).toEqual(["bug"]);
    expect(fake.errors).toEqual([]);
  });
});

describe("comments touch their issue", () => {
  it("moves the issue's updated_at to the comment's time, as GitLab does", async () => {
    const fake = await startFakeGitlab({ token: "t", now: () => new Date("2026-11-18T15:00:00Z") });
    try {
      fake.addUser({ username: "alice" });
      fake.addGroup("g");
      fake.addProject("g/p");
      const issue = fake.addIssue("g/p", { title: "x", author: "alice", createdAt: "2026-10-01T00:00:00Z", updatedAt: "2026-10-01T00:00:00Z" });
      fake.comment("g/p", issue.iid, "any news?", { as: "alice", at: "2026-11-10T00:00:00Z" });
      expect(fake.issue("g/p", issue.iid).updatedAt).toBe("2026-11-10T00:00:00.000Z");
    } finally {
      await fake.close();
    }
  });
});
