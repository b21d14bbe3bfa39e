import { describe, expect, it } from "vitest";
import { scopedExclusivity } from "../../../src/rules/scopedExclusivity.js";
import { ctx, issue, labelEvent, testPolicy } from "../../support/builders.js";

const [rule] = scopedExclusivity.create(testPolicy());

describe("scoped-exclusivity", () => {
  it("needs nothing and does nothing when each set has one value", () => {
    const s = issue({ labels: ["MktgOps::04: In Progress", "MktgOpsPrio::00: Requested", "Marketo"] });
    expect(rule!.needs(s, ctx())).toEqual({});
    expect(rule!.evaluate(s, ctx())).toEqual([]);
  });

  it("asks for label events when two values of one set coexist, and decides nothing without them", () => {
    const s = issue({ labels: ["MktgOps::03: Assigned", "MktgOps::04: In Progress"] });
    expect(rule!.needs(s, ctx())).toEqual({ labelEvents: true });
    expect(rule!.evaluate(s, ctx())).toEqual([]);
  });

  it("keeps the value applied last and removes the others, with one explaining comment", () => {
    const s = issue({
      labels: ["MktgOps::04: In Progress", "MktgOps::03: Assigned", "MktgOps::00: Triage"],
      labelEvents: [
        labelEvent("MktgOps::00: Triage", "2026-11-02T14:00:00Z"),
        labelEvent("MktgOps::04: In Progress", "2026-11-05T10:00:00Z", "add", "alice"),
        labelEvent("MktgOps::03: Assigned", "2026-11-04T10:00:00Z"),
      ],
    });
    const actions = rule!.evaluate(s, ctx());
    const remove = actions.find((a) => a.type === "remove_labels");
    expect(remove).toMatchObject({ labels: ["MktgOps::00: Triage", "MktgOps::03: Assigned"], rule: "scoped-exclusivity" });
    const comment = actions.find((a) => a.type === "comment");
    expect(comment?.type === "comment" && comment.body).toContain('~"MktgOps::04: In Progress"');
    expect(comment?.type === "comment" && comment.body).toContain("by alice");
  });

  it("treats an alias as the value it stands for and never removes the winner's alias spelling", () => {
    const s = issue({
      labels: ["MtkgOpsPrio::04: Actioned", "MktgOpsPrio::03: In Queue - Systems"],
      labelEvents: [labelEvent("MktgOpsPrio::03: In Queue - Systems", "2026-11-04T10:00:00Z"), labelEvent("MtkgOpsPrio::04: Actioned", "2026-11-06T10:00:00Z")],
    });
    const remove = rule!.evaluate(s, ctx()).find((a) => a.type === "remove_labels");
    expect(remove).toMatchObject({ labels: ["MktgOpsPrio::03: In Queue - Systems"] });
  });

  it("counts a label with no add event as the oldest", () => {
    const s = issue({
      labels: ["MktgOps::02: Ready for Assignment", "MktgOps::01: Needs More Information"],
      labelEvents: [labelEvent("MktgOps::01: Needs More Information", "2026-11-04T10:00:00Z")],
    });
    const remove = rule!.evaluate(s, ctx()).find((a) => a.type === "remove_labels");
    expect(remove).toMatchObject({ labels: ["MktgOps::02: Ready for Assignment"] });
  });

  it("ignores scoped labels outside the taxonomy", () => {
    const s = issue({ labels: ["team::a", "team::b"] });
    expect(rule!.needs(s, ctx())).toEqual({});
  });
});
