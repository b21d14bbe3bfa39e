import { describe, expect, it } from "vitest";
import { labelHygiene } from "../../../src/rules/labelHygiene.js";
import { ctx, issue, testPolicy } from "../../support/builders.js";

const [rule] = labelHygiene.create(testPolicy());

describe("label-hygiene", () => {
  it("replaces a misspelled alias with the canonical label and explains once", () => {
    const actions = rule!.evaluate(issue({ labels: ["MtkgOpsPrio::04: Actioned"] }), ctx());
    expect(actions.filter((a) => a.type !== "comment")).toMatchObject([
      { type: "remove_labels", labels: ["MtkgOpsPrio::04: Actioned"] },
      { type: "add_labels", labels: ["MktgOpsPrio::04: Actioned"] },
    ]);
    const comment = actions.find((a) => a.type === "comment");
    expect(comment).toMatchObject({ marker: "label-hygiene:alias:MtkgOpsPrio::04:-Actioned" });
  });

  it("repairs spacing and case slips of a defined label", () => {
    const actions = rule!.evaluate(issue({ labels: ["MktgOpsPriority::00-Urgent"] }), ctx());
    expect(actions.find((a) => a.type === "add_labels")).toMatchObject({ labels: ["MktgOpsPriority:: 00-Urgent"] });
  });

  it("leaves defined and unknown labels alone", () => {
    expect(rule!.evaluate(issue({ labels: ["Marketo", "something-else"] }), ctx())).toEqual([]);
  });

  it("removes triage from a list import", () => {
    const actions = rule!.evaluate(issue({ labels: ["MktgOps - List Import", "MktgOps::00: Triage"] }), ctx());
    expect(actions.find((a) => a.type === "remove_labels")).toMatchObject({ labels: ["MktgOps::00: Triage"] });
  });

  it("repairs without a note unless hygiene.yml asks to explain repairs", () => {
    const [quiet] = labelHygiene.create(testPolicy({ hygiene: { repairAliases: true, explainRepairs: false, conflicts: [{ whenPresent: "MktgOps - List Import", remove: ["MktgOps::00: Triage"], reason: "List imports skip triage." }] } }));
    const alias = quiet!.evaluate(issue({ labels: ["MtkgOpsPrio::04: Actioned"] }), ctx());
    expect(alias.map((a) => a.type).sort()).toEqual(["add_labels", "remove_labels"]);
    const conflict = quiet!.evaluate(issue({ labels: ["MktgOps - List Import", "MktgOps::00: Triage"] }), ctx());
    expect(conflict.map((a) => a.type)).toEqual(["remove_labels"]);
  });

  it("does nothing when alias repair is turned off", () => {
    const [off] = labelHygiene.create(testPolicy({ hygiene: { repairAliases: false, explainRepairs: true, conflicts: [] } }));
    expect(off!.evaluate(issue({ labels: ["MtkgOpsPrio::04: Actioned"] }), ctx())).toEqual([]);
  });
});
