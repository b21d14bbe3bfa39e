/**
 * The platform against the project's fake GitLab over loopback: real HTTP, GitLab's paging and
 * rate-limit headers, injected 429/502 faults, and state that can be checked after the writes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResourcePlan } from "../../../src/domain/plan.js";
import { createGitLabPlatform, type GitLabPlatform } from "../../../src/gitlab/platform.js";
import { startFakeGitlab, type FakeGitlab } from "../../support/fakeGitlab/index.js";
import { fakeTime, GROUP, PROJECT_A, PROJECT_B, testPolicy } from "./helpers.js";

const BOT_TOKEN = "glpat-fake-bot-token-0123456789";

let fake: FakeGitlab;
let platform: GitLabPlatform;

beforeEach(async () => {
  fake = await startFakeGitlab({ token: BOT_TOKEN, now: () => new Date("2026-03-02T12:00:00Z") });
  fake.addUser({ username: "alice", name: "Alice" });
  fake.addGroup(GROUP);
  fake.addProject(PROJECT_A);
  fake.addProject(PROJECT_B);
  fake.addProject(`${GROUP}/not-in-scope`);
  for (const name of ["MktgOps::00: Triage", "MktgOps::01: To Do", "MktgOps::02: In Progress", "bug"]) fake.addLabel({ group: GROUP, name });
  fake.addMilestone({ group: GROUP, title: "Temp: March", startDate: "2026-03-01", dueDate: "2026-03-31" });
  for (let i = 0; i < 130; i++) {
    const project = i % 3 === 0 ? PROJECT_A : i % 3 === 1 ? PROJECT_B : `${GROUP}/not-in-scope`;
    fake.addIssue(project, { title: `Issue ${i}`, labels: ["MktgOps::00: Triage"], author: "alice", createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)) });
  }
  const time = fakeTime("2026-03-02T12:00:00Z");
  platform = createGitLabPlatform({
    url: fake.url,
    token: BOT_TOKEN,
    policy: testPolicy(),
    dryRun: false,
    clock: time.clock,
    today: (now) => now.toISOString().slice(0, 10),
    sleep: time.sleep,
    retry: { attempts: 4, baseMs: 1, maxMs: 2 },
  });
});

afterEach(async () => {
  await fake.close();
});

describe("platform against the fake GitLab", () => {
  it("lists the scope's open issues across pages, through injected 429 and 502 answers", async () => {
    fake.faults.next = [429, 502];
    const listed = [];
    for await (const s of platform.list({ kind: "issue", state: "opened" })) listed.push(s);
    const expected = fake.issues().filter((i) => i.project !== `${GROUP}/not-in-scope`);
    expect(listed).toHaveLength(expected.length);
    expect(new Set(listed.map((s) => `${s.projectPath}#${s.iid}`))).toEqual(new Set(expected.map((i) => i.ref)));
    expect(platform.requestStats().retries).toBe(2);
    expect(platform.requestStats().byRoute["GET /projects/:id/issues"]).toBeGreaterThanOrEqual(2);
  });

  it("applies a plan with add/remove labels and a note, creating no label and recording label events", async () => {
    const before = fake.issue(PROJECT_A, 1);
    const plan: ResourcePlan = {
      ref: { kind: "issue", path: PROJECT_A, iid: 1 },
      webUrl: "",
      title: before.title,
      projectId: before.id,
      iid: 1,
      kind: "issue",
      actions: [],
      update: { addLabels: ["MktgOps::01: To Do"], removeLabels: ["MktgOps::00: Triage"] },
      note: { body: "Triaged.\n\n<!-- mops-bot:triage -->", markers: ["triage"] },
      conflicts: [],
    };
    await expect(platform.apply(plan)).resolves.toMatchObject({ writes: 2 });
    const after = fake.issue(PROJECT_A, 1);
    expect(after.labels).toEqual(["MktgOps::01: To Do"]);
    expect(fake.createdLabels).toEqual([]);
    expect(fake.quickActionsExecuted).toEqual([]);

    const snapshot = await platform.get(plan.ref);
    expect(snapshot).not.toBeNull();
    const events = await platform.labelEvents(snapshot!);
    expect(events.slice(-2).map((e) => [e.action, e.label])).toEqual(
      expect.arrayContaining([
        ["add", "MktgOps::01: To Do"],
        ["remove", "MktgOps::00: Triage"],
      ]),
    );
    const notes = await platform.notes(snapshot!);
    expect(notes.some((n) => n.botMarkers.includes("triage"))).toBe(true);

    // ensureNote finds that note by its marker and leaves it alone when the text is the same.
    await expect(platform.ensureNote(snapshot!, "triage", "Triaged.")).resolves.toMatchObject({ action: "unchanged" });
    await expect(platform.ensureNote(snapshot!, "triage", "Triaged again.")).resolves.toMatchObject({ action: "updated" });
  });

  it("reads the group's milestones with their timing", async () => {
    const milestones = await platform.milestones();
    expect(milestones.map((m) => [m.title, m.timing])).toEqual([["Temp: March", "current"]]);
  });
});
