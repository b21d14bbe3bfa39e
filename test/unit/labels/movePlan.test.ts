import { describe, expect, it } from "vitest";
import { issue } from "../../support/builders.js";
import { movePlan, planLabelMove } from "../../../src/labels/movePlan.js";
import { smallTaxonomy } from "./taxonomy.js";

const t = smallTaxonomy();

describe("planLabelMove", () => {
  it("replaces an alias with its canonical label", () => {
    expect(planLabelMove(["Stage::0 - Old Triage", "Marketo"], t)).toEqual({ add: ["Stage::00: Triage"], remove: ["Stage::0 - Old Triage"], superseded: [], untouched: [] });
  });

  it("moves several aliases in one update, and two aliases of one label add it once", () => {
    const move = planLabelMove(["Prio:: High", "Prio::1 - Top", "Stage::1 - Old Doing"], t);
    expect(move.add.sort()).toEqual(["Prio::High", "Stage::01: Doing"]);
    expect(move.remove.sort()).toEqual(["Prio:: High", "Prio::1 - Top", "Stage::1 - Old Doing"]);
  });

  it("only removes the alias when the canonical label is already there", () => {
    expect(planLabelMove(["Prio:: High", "Prio::High"], t)).toMatchObject({ add: [], remove: ["Prio:: High"] });
  });

  it("keeps a value of the scope a person set, rather than adding a second one", () => {
    expect(planLabelMove(["Stage::0 - Old Triage", "Stage::01: Doing"], t)).toEqual({
      add: [],
      remove: ["Stage::0 - Old Triage"],
      superseded: [{ alias: "Stage::0 - Old Triage", kept: "Stage::01: Doing" }],
      untouched: [],
    });
  });

  it("leaves aliases of two different values of one scope for a person", () => {
    const move = planLabelMove(["Stage::0 - Old Triage", "Stage::1 - Old Doing", "Prio:: High"], t);
    expect(move.add).toEqual(["Prio::High"]);
    expect(move.remove).toEqual(["Prio:: High"]);
    expect(move.untouched.map((u) => u.alias).sort()).toEqual(["Stage::0 - Old Triage", "Stage::1 - Old Doing"]);
    expect(move.untouched[0]!.reason).toContain("a person picks it");
  });

  it("has nothing to do without aliases (unknown labels are not its business)", () => {
    expect(planLabelMove(["Marketo", "Whatever::x", "stage::01: doing"], t)).toEqual({ add: [], remove: [], superseded: [], untouched: [] });
  });
});

describe("movePlan", () => {
  it("is one label-only update with add/remove lists and no note", () => {
    const s = issue({ labels: ["Prio:: High"] });
    const plan = movePlan(s, planLabelMove(s.labels, t));
    expect(plan.update).toEqual({ addLabels: ["Prio::High"], removeLabels: ["Prio:: High"] });
    expect(plan.note).toBeNull();
    expect(plan.actions.map((a) => a.type)).toEqual(["remove_labels", "add_labels"]);
  });
});
