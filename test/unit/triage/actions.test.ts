import { describe, expect, it } from "vitest";
import { buildPlan } from "../../../src/engine/plan.js";
import { noteMarker } from "../../../src/rules/triage/actions.js";
import { createRunBudget } from "../../../src/triage/sweepSupport.js";
import { CURRENT, gitlabNote, issue, NEXT, note, PAST, user } from "../../support/builders.js";
import { rule, tctx } from "./helpers.js";

const act = (then: string, s = issue(), ctx = tctx()) => rule("state: opened", then, "    applies_to: [issues]\n").evaluate(s, ctx);

describe("triage actions", () => {
  it("add and remove labels, with scoped wildcards, only when they change something", () => {
    expect(act('add_labels: ["MktgOpsPriority:: 02-Medium"]')).toMatchObject([{ type: "add_labels", labels: ["MktgOpsPriority:: 02-Medium"], rule: "triage:test-rule" }]);
    expect(act('add_labels: ["MktgOpsPriority:: 02-Medium"]', issue({ labels: ["MktgOpsPriority:: 02-Medium"] }))).toEqual([]);
    expect(act('remove_labels: ["MktgOpsPriority::*"]', issue({ labels: ["MktgOpsPriority:: 01-High", "Marketo"] }))).toMatchObject([{ type: "remove_labels", labels: ["MktgOpsPriority:: 01-High"] }]);
    expect(act('remove_labels: ["MktgOpsPriority::*"]', issue({ labels: ["Marketo"] }))).toEqual([]);
  });

  it("a note from a template mentions the group, neutralises the title and carries the rule's marker", () => {
    const s = issue({ title: "Ping @all\n/close" });
    const [a] = act("note: { template: ping, to: { group: triage-dri } }", s);
    expect(a).toMatchObject({ type: "comment", marker: noteMarker("test-rule") });
    const body = (a as { body: string }).body;
    expect(body).toContain("@dri.person please look: A test rule.");
    expect(body).not.toMatch(/@all\b/);
    expect(body.split("\n").some((l) => l.startsWith("/"))).toBe(false);
    expect(body).toContain(`mktg/marketing-operations#${s.iid}`);
  });

  it("the note is posted once per marker: a rerun with the note present writes nothing", () => {
    const s = issue({ userNotesCount: 1, notes: [note(`x\n<!-- mops-bot:${noteMarker("test-rule")} -->`, "2026-11-17T00:00:00Z", "mops-bot", { botMarkers: [noteMarker("test-rule")] })] });
    expect(act("note: { template: ping, to: author }", s)).toEqual([]);
    const planned = buildPlan(issue({ notes: s.notes }), act("note: { template: ping, to: author }", issue()), tctx().policy.taxonomy);
    expect(planned.note).toBeNull();
  });

  it("the rule's marker in someone else's comment does not stop the note", () => {
    const s = issue({ userNotesCount: 1, notes: [gitlabNote(`<!-- mops-bot:${noteMarker("test-rule")} -->`, "2026-11-17T00:00:00Z", "requester")] });
    expect(act("note: { template: ping, to: author }", s)).toMatchObject([{ type: "comment", marker: noteMarker("test-rule") }]);
  });

  it("a marker in the title is not copied into the bot's note", () => {
    const s = issue({ title: "Budget <!-- mops-bot:cmd:4242 --> question" });
    const [a] = act("note: { template: ping, to: { group: triage-dri } }", s);
    expect((a as { body: string }).body).not.toContain("mops-bot:cmd:4242");
  });

  it("close and reopen", () => {
    expect(act("close: true")).toMatchObject([{ type: "close" }]);
    expect(rule("state: closed", "reopen: true").evaluate(issue({ state: "closed" }), tctx())).toMatchObject([{ type: "reopen" }]);
  });

  it("milestone current, next and none", () => {
    expect(act("milestone: current")).toMatchObject([{ type: "set_milestone", milestoneId: CURRENT.id }]);
    expect(act("milestone: next", issue({ milestone: PAST }))).toMatchObject([{ type: "set_milestone", milestoneId: NEXT.id, milestoneTitle: NEXT.title }]);
    expect(act("milestone: next", issue({ milestone: NEXT }))).toEqual([]);
    expect(act("milestone: none", issue({ milestone: PAST }))).toMatchObject([{ type: "set_milestone", milestoneId: null }]);
    expect(act("milestone: current", issue(), tctx({ milestones: [PAST] }))).toEqual([]);
  });

  it("round-robin assignment is by iid over the group, stable across runs, and keeps a member already assigned", () => {
    const ctx = tctx({ userIds: { alice: 1, bob: 2 } });
    expect(act("assign: { group: mops-team }", issue({ iid: 10 }), ctx)).toMatchObject([{ type: "set_assignees", usernames: ["alice"], userIds: [1] }]);
    expect(act("assign: { group: mops-team }", issue({ iid: 11 }), ctx)).toMatchObject([{ type: "set_assignees", usernames: ["bob"], userIds: [2] }]);
    expect(act("assign: { group: mops-team }", issue({ iid: 11 }), ctx)).toEqual(act("assign: { group: mops-team }", issue({ iid: 11 }), ctx));
    expect(act("assign: { group: mops-team }", issue({ iid: 11, assignees: [user("alice", 1)] }), ctx)).toEqual([]);
    // A member GitLab spells otherwise than people.yml is still the member: nobody else is added.
    expect(act("assign: { group: mops-team }", issue({ iid: 11, assignees: [user("Alice", 1)] }), ctx)).toEqual([]);
    expect(act("assign: { user: bob }", issue({ assignees: [user("Bob", 2)] }), ctx)).toEqual([]);
    expect(act("assign: { user: bob }", issue({ assignees: [user("zed", 9)] }), ctx)).toMatchObject([{ usernames: ["zed", "bob"], userIds: [9, 2] }]);
    // Without the GitLab ids (e.g. not resolved in this run) nothing is assigned.
    expect(act("assign: { group: mops-team }", issue({ iid: 10 }))).toEqual([]);
  });

  it("due date N business days from now, only when there is none; none clears it", () => {
    expect(act("due_date: { business_days: 5 }")).toMatchObject([{ type: "set_due_date", dueDate: "2026-11-25" }]);
    expect(act("due_date: { days: 2 }")).toMatchObject([{ type: "set_due_date", dueDate: "2026-11-20" }]);
    expect(act("due_date: { business_days: 5 }", issue({ dueDate: "2026-12-01" }))).toEqual([]);
    expect(act("due_date: none", issue({ dueDate: "2026-12-01" }))).toMatchObject([{ type: "set_due_date", dueDate: null }]);
  });

  it("make confidential", () => {
    expect(act("confidential: true")).toMatchObject([{ type: "set_confidential", confidential: true }]);
    expect(act("confidential: true", issue({ confidential: true }))).toEqual([]);
  });

  it("a rule that does not select the resource proposes nothing", () => {
    expect(rule("state: closed", "close: true").evaluate(issue(), tctx())).toEqual([]);
  });

  it("limit: at most N resources per run share the run's budget", () => {
    const r = rule("state: opened", 'add_labels: ["Marketo"]', "    limit: 2\n");
    const ctx = tctx({ budget: createRunBudget() });
    const acted = [1, 2, 3, 4].map((iid) => r.evaluate(issue({ iid }), ctx).length);
    expect(acted).toEqual([1, 1, 0, 0]);
    // Resources whose actions already hold do not use the budget.
    const ctx2 = tctx({ budget: createRunBudget() });
    expect(r.evaluate(issue({ labels: ["Marketo"] }), ctx2)).toEqual([]);
    expect([1, 2].map((iid) => r.evaluate(issue({ iid }), ctx2).length)).toEqual([1, 1]);
  });
});
