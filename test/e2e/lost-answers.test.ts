/**
 * Creating writes whose answer is lost (a proxy answers 504 after GitLab made the write) against
 * the fake GitLab: the bot looks for what it created before sending the POST again, so a note, a
 * branch, a merge request or a milestone is made once. (Tool-audit issues: test/e2e/tools.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { markerComment } from "../../src/domain/markers.js";
import type { ResourcePlan } from "../../src/domain/plan.js";
import { createBranch, createMergeRequest } from "../../src/gitlab/mergeRequests.js";
import { createGroupMilestone } from "../../src/gitlab/milestones.js";
import type { GitLabPlatform } from "../../src/gitlab/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let gitlab: GitLabPlatform;
beforeEach(async () => {
  sb = await startSandbox();
  gitlab = (await sb.runtime()).platform as GitLabPlatform;
});
afterEach(async () => {
  await sb.close();
});

const bot = () => sb.policy.scope.botUsername;
const lost504s = () => sb.fake.requests.filter((r) => r.method === "POST" && r.status === 504).length;

async function newIssue() {
  const seeded = sb.fake.addIssue(sb.projects.mops, { title: "Webinar follow-up", description: "As a marketer, I would like X, so that Y.", author: "dan.fieldmktg" });
  const snapshot = await gitlab.get({ kind: "issue", path: sb.projects.mops, iid: seeded.iid });
  return snapshot!;
}

describe("a POST whose answer is lost is not made twice", () => {
  it("a plan's note", async () => {
    const s = await newIssue();
    const plan: ResourcePlan = {
      ref: s.ref, webUrl: s.webUrl, title: s.title, projectId: s.projectId, iid: s.iid, kind: "issue", actions: [],
      update: { addLabels: [], removeLabels: [] },
      note: { body: `Hello.\n\n${markerComment("lost:1")}`, markers: ["lost:1"] },
      conflicts: [],
    };
    sb.fake.faults.nextLostPosts = 2;
    await gitlab.apply(plan);
    expect(lost504s()).toBe(1);
    expect(sb.fake.issue(sb.projects.mops, s.iid).notes.filter((n) => n.author === bot())).toHaveLength(1);
  });

  it("a marked note", async () => {
    const s = await newIssue();
    sb.fake.faults.nextLostPosts = 1;
    const result = await gitlab.ensureNote(s, "lost:2", "Reminder.");
    expect(result.action).toBe("created");
    expect(lost504s()).toBe(1);
    const notes = sb.fake.issue(sb.projects.mops, s.iid).notes.filter((n) => n.author === bot());
    expect(notes.map((n) => n.id)).toEqual([result.noteId]);
  });

  it("the lookup takes only the bot's note, not a person's copy of its marker", async () => {
    const s = await newIssue();
    sb.fake.comment(sb.projects.mops, s.iid, `copied ${markerComment("lost:3")}`, { as: "mops.member1" });
    sb.fake.faults.nextLostPosts = 1;
    const result = await gitlab.ensureNote(s, "lost:3", "Once.");
    const notes = sb.fake.issue(sb.projects.mops, s.iid).notes.filter((n) => n.author === bot());
    expect(notes.map((n) => n.id)).toEqual([result.noteId]);
  });

  it("a branch and its merge request", async () => {
    const writer = { api: gitlab.requester.api, dryRun: false };
    const milestoneId = sb.fake.addMilestone({ project: sb.projects.mops, title: "Lost answers" }).id;
    sb.fake.faults.nextLostPosts = 2;
    await createBranch(writer, sb.projects.mops, "milestone/lost-answers", "main");
    await createMergeRequest(writer, {
      projectPath: sb.projects.mops, sourceBranch: "milestone/lost-answers", targetBranch: "main",
      title: "Milestone MR", description: "", labels: [], milestoneId,
    });
    expect(lost504s()).toBe(2);
    expect(sb.fake.mergeRequests(sb.projects.mops).filter((m) => m.title === "Milestone MR")).toHaveLength(1);
  });

  it("a group milestone", async () => {
    const writer = { api: gitlab.requester.api, dryRun: false };
    sb.fake.faults.nextLostPosts = 1;
    const outcome = await createGroupMilestone(writer, sb.policy.scope.group, { title: "MktgOps 2027-01-04", startDate: "2027-01-04", dueDate: "2027-01-15" });
    expect(lost504s()).toBe(1);
    expect(outcome.status === "written" && (outcome.body as { title: string }).title).toBe("MktgOps 2027-01-04");
    const rows = (await gitlab.requester.api.get(`groups/${encodeURIComponent(sb.policy.scope.group)}/milestones`, { searchParams: { title: "MktgOps 2027-01-04" } })).body as unknown[];
    expect(rows).toHaveLength(1);
  });
});
