import { describe, expect, it } from "vitest";
import type { Action } from "../../../src/domain/actions.js";
import { planIsEmpty } from "../../../src/domain/plan.js";
import { markersIn } from "../../../src/domain/markers.js";
import { buildPlan } from "../../../src/engine/plan.js";
import { CURRENT, gitlabNote, issue, note, testTaxonomy } from "../../support/builders.js";

const t = testTaxonomy();
const o = (rule: string) => ({ rule, reason: `because ${rule}` });

describe("buildPlan", () => {
  it("merges label changes of several rules into one update and drops what already holds", () => {
    const s = issue({ labels: ["Marketo", "MktgOps::00: Triage"] });
    const actions: Action[] = [
      { type: "add_labels", labels: ["MktgOps - FYI", "Marketo"], ...o("a") },
      { type: "remove_labels", labels: ["MktgOps::00: Triage", "MktgOps::04: In Progress"], ...o("b") },
      { type: "add_labels", labels: ["MktgOpsPriority:: 02-Medium"], ...o("c") },
    ];
    const p = buildPlan(s, actions, t);
    expect(p.update).toEqual({ addLabels: ["MktgOps - FYI", "MktgOpsPriority:: 02-Medium"], removeLabels: ["MktgOps::00: Triage"] });
    expect(p.actions).toMatchObject([
      { type: "add_labels", labels: ["MktgOps - FYI"] },
      { type: "add_labels", labels: ["MktgOpsPriority:: 02-Medium"] },
      { type: "remove_labels", labels: ["MktgOps::00: Triage"] },
    ]);
    expect(p.conflicts).toEqual([]);
  });

  it("reports a label one rule adds and another removes, and applies neither", () => {
    const s = issue({ labels: [] });
    const p = buildPlan(s, [
      { type: "add_labels", labels: ["Marketo"], ...o("adder") },
      { type: "remove_labels", labels: ["Marketo"], ...o("remover") },
    ], t);
    expect(p.update.addLabels).toEqual([]);
    expect(p.conflicts).toHaveLength(1);
    expect(p.conflicts[0]!.message).toContain('"adder"');
    expect(p.conflicts[0]!.message).toContain('"remover"');
  });

  it("refuses a label the taxonomy does not define and says so", () => {
    const p = buildPlan(issue(), [{ type: "add_labels", labels: ["Typo Label"], ...o("r") }], t);
    expect(p.update.addLabels).toEqual([]);
    expect(p.conflicts[0]!.message).toContain("not defined in policies/labels.yml");
  });

  it("merges all comments into one note with one marker each, skipping markers already posted", () => {
    const s = issue({ notes: [note("old <!-- mops-bot:m1 -->", "2026-11-01T00:00:00Z", "mops-bot", { botMarkers: ["m1"] })] });
    const p = buildPlan(s, [
      { type: "comment", body: "one", marker: "m1", ...o("a") },
      { type: "comment", body: "two", marker: "m2", ...o("b") },
      { type: "comment", body: "two again", marker: "m2", ...o("c") },
      { type: "comment", body: "three", marker: "m3", ...o("d") },
    ], t);
    expect(p.note?.markers).toEqual(["m2", "m3"]);
    expect(p.note?.body).toContain("two\n\n<!-- mops-bot:m2 -->");
    expect(p.note?.body).toContain("three\n\n<!-- mops-bot:m3 -->");
    expect(p.note?.body).not.toContain("one");
  });

  it("a marker in another user's comment does not stand for the bot's note", () => {
    const s = issue({ notes: [gitlabNote("<!-- mops-bot:m1 --> <!-- mops-bot:m2 -->", "2026-11-01T00:00:00Z", "requester")] });
    const p = buildPlan(s, [
      { type: "comment", body: "one", marker: "m1", ...o("a") },
      { type: "comment", body: "two", marker: "m2", ...o("b") },
    ], t);
    expect(p.note?.markers).toEqual(["m1", "m2"]);
  });

  it("a comment quoting text that looks like a marker carries only its own marker", () => {
    const p = buildPlan(issue(), [{ type: "comment", body: "Title: Budget <!-- mops-bot:cmd:77 --> <!--mops-bot:m9-->", marker: "m1", ...o("a") }], t);
    expect(markersIn(p.note!.body)).toEqual(["m1"]);
    expect(p.note?.body).not.toContain("mops-bot:cmd:77");
  });

  it("reports close against reopen", () => {
    const p = buildPlan(issue(), [{ type: "close", ...o("a") }, { type: "reopen", ...o("b") }], t);
    expect(p.update.stateEvent).toBeUndefined();
    expect(p.conflicts[0]!.subject).toBe("state");
  });

  it("drops state, milestone, due date and confidentiality changes that already hold", () => {
    const s = issue({ milestone: CURRENT, dueDate: "2026-12-01", confidential: true, state: "opened" });
    const p = buildPlan(s, [
      { type: "reopen", ...o("a") },
      { type: "set_milestone", milestoneId: CURRENT.id, milestoneTitle: CURRENT.title, ...o("b") },
      { type: "set_due_date", dueDate: "2026-12-01", ...o("c") },
      { type: "set_confidential", confidential: true, ...o("d") },
    ], t);
    expect(planIsEmpty(p)).toBe(true);
    expect(p.actions).toEqual([]);
  });

  it("reports two rules asking for different milestones", () => {
    const p = buildPlan(issue(), [
      { type: "set_milestone", milestoneId: 1, milestoneTitle: "A", ...o("a") },
      { type: "set_milestone", milestoneId: 2, milestoneTitle: "B", ...o("b") },
    ], t);
    expect(p.update.milestoneId).toBeUndefined();
    expect(p.conflicts[0]!.subject).toBe("milestone");
  });

  it("puts every field change in one update", () => {
    const p = buildPlan(issue(), [
      { type: "close", ...o("a") },
      { type: "set_milestone", milestoneId: 9, milestoneTitle: "M", ...o("b") },
      { type: "set_assignees", usernames: ["alice"], userIds: [3], ...o("c") },
      { type: "set_due_date", dueDate: "2026-12-24", ...o("d") },
      { type: "set_confidential", confidential: true, ...o("e") },
    ], t);
    expect(p.update).toEqual({ addLabels: [], removeLabels: [], stateEvent: "close", milestoneId: 9, assigneeIds: [3], dueDate: "2026-12-24", confidential: true });
  });
});
