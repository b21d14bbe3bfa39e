import { describe, expect, it } from "vitest";
import type { Action } from "../../../src/domain/actions.js";
import { workflows } from "../../../src/rules/workflow.js";
import { requirementsOf } from "../../../src/rules/workflowRequirements.js";
import { CURRENT, NEXT, PAST, SALES_PROJECT, ctx, issue, labelEvent, note, testPolicy, user } from "../../support/builders.js";

const [rule] = workflows.create(testPolicy());
const alice = user("alice");
const types = (actions: Action[]) => actions.map((a) => a.type);
const comment = (actions: Action[]) => actions.find((a) => a.type === "comment") as Extract<Action, { type: "comment" }> | undefined;

describe("workflow: mktgops-stage", () => {
  it("puts an issue with no stage into triage, without a note", () => {
    const actions = rule!.evaluate(issue({ labels: ["Marketo"] }), ctx());
    expect(actions).toMatchObject([{ type: "add_labels", labels: ["MktgOps::00: Triage"], rule: "workflow:mktgops-stage" }]);
  });

  it("does not put a list import into triage (the hygiene rule would take it out again)", () => {
    expect(rule!.evaluate(issue({ labels: ["MktgOps - List Import"] }), ctx())).toEqual([]);
  });

  it("does not give a stage to an issue holding the scope with a value that is not a step", () => {
    const policy = testPolicy({ workflows: [{ ...testPolicy().workflows[0]!, nonStepLabels: ["MktgOps::Events/FM Copy Review"] }] });
    const [r] = workflows.create(policy);
    expect(r!.evaluate(issue({ labels: ["MktgOps::Events/FM Copy Review"] }), ctx({ policy }))).toEqual([]);
  });

  it("does not apply outside the projects of its role", () => {
    expect(rule!.evaluate(issue({ projectPath: SALES_PROJECT, labels: [] }), ctx())).toEqual([]);
  });

  it("does not give a closed issue a stage", () => {
    expect(rule!.evaluate(issue({ state: "closed", labels: [] }), ctx())).toEqual([]);
  });

  it("accepts an alias of a stage as the stage", () => {
    expect(rule!.evaluate(issue({ labels: ["MktgOps::0 - To Be Triaged"] }), ctx())).toEqual([]);
  });

  it("01 and 02 must have no milestone and no assignee", () => {
    const s = issue({ labels: ["MktgOps::02: Ready for Assignment"], milestone: NEXT, assignees: [alice] });
    const actions = rule!.evaluate(s, ctx());
    expect(types(actions)).toEqual(["add_labels", "comment"]);
    expect(actions[0]).toMatchObject({ labels: ["mops-bot::needs-attention"] });
    const c = comment(actions)!;
    expect(c.marker).toBe("workflow:mktgops-stage:02:-Ready-for-Assignment:assignee:milestone");
    expect(c.body).toContain("@alice");
    expect(c.body).toContain('it is in the milestone "MktgOps 2026-11-30"');
    expect(c.body).toContain("it is assigned to `alice`");
  });

  it("03 needs an assignee and a milestone that is not the current one", () => {
    expect(rule!.evaluate(issue({ labels: ["MktgOps::03: Assigned"], milestone: NEXT, assignees: [alice] }), ctx())).toEqual([]);
    const c = comment(rule!.evaluate(issue({ labels: ["MktgOps::03: Assigned"], milestone: CURRENT, assignees: [alice] }), ctx()))!;
    expect(c.body).toContain("which is the current milestone");
  });

  it("04 needs an assignee and the current milestone; the note goes to the author when nobody is assigned", () => {
    const s = issue({ labels: ["MktgOps::04: In Progress"], milestone: PAST, author: user("requester") });
    const c = comment(rule!.evaluate(s, ctx()))!;
    expect(c.body).toContain("@requester");
    expect(c.body).toContain("nobody is assigned");
    expect(c.body).toContain('which is not the current milestone ("MktgOps 2026-11-16")');
    expect(rule!.evaluate(issue({ labels: ["MktgOps::04: In Progress"], milestone: CURRENT, assignees: [alice] }), ctx())).toEqual([]);
  });

  it("05 and 06 need the current milestone", () => {
    expect(comment(rule!.evaluate(issue({ labels: ["MktgOps::06: Ready to Deploy"], milestone: null }), ctx()))?.body).toContain("no milestone is set");
    expect(rule!.evaluate(issue({ labels: ["MktgOps::05: Business Owner Review"], milestone: CURRENT }), ctx())).toEqual([]);
  });

  describe("07: Blocked needs a comment posted after the label", () => {
    const blocked = (notes: ReturnType<typeof note>[]) =>
      issue({
        labels: ["MktgOps::07: Blocked"],
        labelEvents: [labelEvent("MktgOps::07: Blocked", "2026-11-10T12:00:00Z")],
        notes,
      });

    it("asks for label events and notes", () => {
      expect(rule!.needs(issue({ labels: ["MktgOps::07: Blocked"] }), ctx())).toEqual({ labelEvents: true, notes: true });
      expect(rule!.needs(issue({ labels: ["MktgOps::04: In Progress"], assignees: [user("alice")], milestone: CURRENT }), ctx())).toEqual({});
      // A missing requirement: who moved it there (the note is for them), and the earlier notes when there are any.
      expect(rule!.needs(issue({ labels: ["MktgOps::04: In Progress"] }), ctx())).toEqual({ labelEvents: true });
      // With comments, the notes first: a note already given needs no recipient.
      expect(rule!.needs(issue({ labels: ["MktgOps::04: In Progress"], userNotesCount: 2 }), ctx())).toEqual({ notes: true });
      const told = note("…", "2026-11-12T12:00:00Z", "mops-bot", { botMarkers: ["workflow:mktgops-stage:04:-In-Progress:assignee:milestone"] });
      expect(rule!.needs(issue({ labels: ["MktgOps::04: In Progress"], userNotesCount: 2, notes: [told] }), ctx())).toEqual({});
    });

    it("flags a blocked issue whose only comments are older than the label, or the bot's own", () => {
      const s = blocked([note("earlier", "2026-11-09T12:00:00Z"), note("bot", "2026-11-11T12:00:00Z", "mops-bot"), note("added label", "2026-11-11T12:00:00Z", "x", { system: true })]);
      expect(comment(rule!.evaluate(s, ctx()))?.body).toContain("nobody has commented since");
    });

    it("is satisfied by a person's comment after the label", () => {
      expect(rule!.evaluate(blocked([note("Waiting on the vendor", "2026-11-10T13:00:00Z")]), ctx())).toEqual([]);
    });
  });

  it("08 may be closed; other stages may not", () => {
    expect(rule!.evaluate(issue({ labels: ["MktgOps::08: Completed"], state: "closed" }), ctx())).toEqual([]);
    const c = comment(rule!.evaluate(issue({ labels: ["MktgOps::00: Triage"], state: "closed" }), ctx()))!;
    expect(c.body).toContain('it was closed while in ~"MktgOps::00: Triage"');
  });

  it("removes the attention label once the requirements are met", () => {
    const s = issue({ labels: ["MktgOps::04: In Progress", "mops-bot::needs-attention"], milestone: CURRENT, assignees: [alice] });
    expect(rule!.evaluate(s, ctx())).toMatchObject([{ type: "remove_labels", labels: ["mops-bot::needs-attention"] }]);
  });

  it("keeps the attention label while another workflow using it still finds something missing", () => {
    const base = testPolicy();
    const second = { ...base.workflows[0]!, id: "other", where: { projectRoles: ["mops"], labels: [] } };
    const policy = testPolicy({ workflows: [base.workflows[0]!, { ...second, scope: "MktgOpsPrio", initial: null, steps: [{ label: "MktgOpsPrio::00: Requested", value: "00: Requested", description: "", requires: { assignee: { kind: "group", group: "business-process-owners" } }, onlyBy: null, mayClose: false }] }] });
    const [stage] = workflows.create(policy);
    const s = issue({ labels: ["MktgOps::04: In Progress", "MktgOpsPrio::00: Requested", "mops-bot::needs-attention"], milestone: CURRENT, assignees: [alice] });
    expect(stage!.evaluate(s, ctx({ policy }))).toEqual([]);
  });

  it("finds a group's member among the assignees whatever the case people.yml spells the username in", () => {
    const base = testPolicy();
    const step = (kind: "group" | "not-group") => ({ label: "MktgOps::04: In Progress", value: "04: In Progress", description: "", requires: { assignee: { kind, group: "mops-team" } }, onlyBy: null, mayClose: false });
    const policy = testPolicy({ people: { ...base.people, "mops-team": ["Alice"] } });
    const problems = (kind: "group" | "not-group") =>
      requirementsOf(base.workflows[0]!, step(kind), "MktgOps::04: In Progress", issue({ labels: ["MktgOps::04: In Progress"], assignees: [alice] }), ctx({ policy })).map((r) => r.problem);
    expect(problems("group")).toEqual([null]);
    expect(problems("not-group")).toEqual(['it is assigned to `alice` from "mops-team"']);
  });

  it("says nothing while two stages clash (exclusivity repairs that first)", () => {
    expect(rule!.evaluate(issue({ labels: ["MktgOps::01: Needs More Information", "MktgOps::04: In Progress"], assignees: [alice] }), ctx())).toEqual([]);
  });

  it("never lets user text in the note start a quick action or mention", () => {
    const s = issue({ title: "Fix it\n/close\n@all", labels: ["MktgOps::04: In Progress"] });
    const policy = testPolicy({ templates: { "workflow-violation": "Title: {{title}}\n{{missing}}" } });
    const [r] = workflows.create(policy);
    const body = comment(r!.evaluate(s, ctx({ policy })))!.body;
    expect(body.split("\n").some((l) => l.trimStart().startsWith("/"))).toBe(false);
    expect(body).not.toMatch(/@all\b/);
  });
});
