/**
 * One failing history read degrades only the rules that need it: the engine with an in-memory
 * platform whose history endpoints can fail, and rules that need (or do not need) that history.
 */
import { describe, expect, it } from "vitest";
import type { Action } from "../../../src/domain/actions.js";
import type { ResourcePlan } from "../../../src/domain/plan.js";
import type { ResourceSnapshot, SnapshotNeeds } from "../../../src/domain/snapshot.js";
import type { Platform } from "../../../src/engine/platform.js";
import { fetchHistory, reconcileSnapshot } from "../../../src/engine/reconcile.js";
import type { Rule } from "../../../src/rules/types.js";
import { ctx, issue, labelEvent } from "../../support/builders.js";

type History = "labelEvents" | "notes" | "stateEvents";

function platform(failing: Partial<Record<History, string>>): Platform & { applied: ResourcePlan[]; reads: History[] } {
  const applied: ResourcePlan[] = [];
  const reads: History[] = [];
  const read = async <T>(kind: History, value: T): Promise<T> => {
    reads.push(kind);
    if (failing[kind] !== undefined) throw new Error(failing[kind]);
    return value;
  };
  return {
    applied,
    reads,
    list: async function* () {},
    get: async () => null,
    labelEvents: () => read("labelEvents", [labelEvent("MktgOps::00: Triage", "2026-11-03T10:00:00Z")]),
    notes: () => read("notes", []),
    stateEvents: () => read("stateEvents", []),
    milestones: async () => [],
    apply: async (plan) => {
      applied.push(plan);
      return { writes: 1 };
    },
    requestStats: () => ({ total: 0, byRoute: {}, retries: 0 }),
  };
}

function rule(id: string, needs: SnapshotNeeds, act: (s: ResourceSnapshot) => Action[]): Rule {
  return { id, description: id, appliesTo: ["issue"], needs: () => needs, evaluate: act };
}

const labels = (id: string, label: string) => rule(id, {}, () => [{ type: "add_labels", labels: [label], rule: id, reason: `${id} says so` }]);
const needsStates = rule("reopen-check", { stateEvents: true }, (s) => (s.stateEvents === undefined ? [] : [{ type: "add_labels", labels: ["Marketo"], rule: "reopen-check", reason: "reopened" }]));
const speaker = rule("speaker", {}, () => [
  { type: "comment", body: "Hello there", marker: "speaker:1", rule: "speaker", reason: "greets" },
  { type: "add_labels", labels: ["Marketo"], rule: "speaker", reason: "labels too" },
]);

const STATE_404 = "GitLab answered 404 Not Found for GET /projects/:id/issues/:iid/resource_state_events (project mktg/ops): this GitLab does not offer resource_state_events";

describe("a failing history read", () => {
  it("leaves out only the rules that need that history, and says which and why", async () => {
    const p = platform({ stateEvents: STATE_404 });
    const outcome = await reconcileSnapshot(issue({ labels: [] }), { platform: p, rules: [labels("hygiene", "MktgOps - FYI"), needsStates], ctx: ctx() });
    expect(outcome.plan.update.addLabels).toEqual(["MktgOps - FYI"]);
    expect(outcome.undecided).toEqual([{ history: "stateEvents", reason: STATE_404, rules: ["reopen-check"] }]);
    expect(p.applied).toHaveLength(1);
  });

  it("is asked once per reconcile, not again in the next round of history reads", async () => {
    const p = platform({ stateEvents: STATE_404 });
    const alsoLabels = rule("label-history", { labelEvents: true, stateEvents: true }, () => []);
    await reconcileSnapshot(issue(), { platform: p, rules: [needsStates, alsoLabels], ctx: ctx() });
    expect(p.reads.filter((r) => r === "stateEvents")).toHaveLength(1);
  });

  it("without the comments, says nothing (it cannot tell what it said before) but still makes its label changes", async () => {
    const p = platform({ notes: "GitLab answered 500 Internal Server Error for GET /projects/:id/issues/:iid/notes" });
    const outcome = await reconcileSnapshot(issue({ userNotesCount: 3 }), { platform: p, rules: [speaker], ctx: ctx() });
    expect(outcome.plan.note).toBeNull();
    expect(outcome.plan.update.addLabels).toEqual(["Marketo"]);
    expect(outcome.undecided).toEqual([{ history: "notes", reason: expect.stringContaining("500"), rules: ["speaker"] }]);
  });

  it("reports nothing when every read succeeds", async () => {
    const outcome = await reconcileSnapshot(issue(), { platform: platform({}), rules: [needsStates], ctx: ctx() });
    expect(outcome.undecided).toBeUndefined();
    expect(outcome.plan.update.addLabels).toEqual(["Marketo"]);
  });

  it("still fails fetchHistory's callers that need all of it (rules explain), naming the history and the resource", async () => {
    await expect(fetchHistory(issue({ iid: 7 }), [needsStates], ctx(), platform({ stateEvents: STATE_404 }))).rejects.toThrow(/could not read the stateEvents of mktg\/marketing-operations#7: GitLab answered 404/);
  });
});
