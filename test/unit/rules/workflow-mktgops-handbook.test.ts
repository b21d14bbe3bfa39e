/**
 * The MktgOps stage workflow as the team's policy file writes it (test/fixtures/policies-mops,
 * a copy of policies/): each case is a sentence of the handbook's "Labeling > Stage" list
 * (000_3a3b18768e4599ed.txt lines 211-219), and what the bot does, or does not do, about it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Action } from "../../../src/domain/actions.js";
import type { Rule, RuleContext } from "../../../src/rules/types.js";
import { isTriageRule, type TriageRule } from "../../../src/rules/triage/rule.js";
import { CURRENT, NEXT, NOW, PAST, issue, labelEvent, milestone, note, user } from "../../support/builders.js";
import { mopsRuleSet } from "../../support/policies.js";

const ATTENTION = "mops-bot::needs-attention";
const member = user("mops.member1"); // in people.yml's mops-team
const requester = user("requester"); // not in mops-team
const UNDATED = milestone({ id: 503, title: "Someday", startDate: null, dueDate: null, timing: "undated" });

let rule: Rule;
let rules: Rule[];
let oldStages: TriageRule;
let context: RuleContext;
beforeAll(async () => {
  const set = await mopsRuleSet({ now: NOW, milestones: [PAST, CURRENT, NEXT, UNDATED], botUsername: "mops-bot" });
  rules = set.rules;
  rule = set.rules.find((r) => r.id === "workflow:mktgops-stage")!;
  oldStages = set.rules.find((r): r is TriageRule => r.id === "triage:unmapped-old-stage" && isTriageRule(r))!;
  context = set.context;
});

const comment = (actions: Action[]) => actions.find((a) => a.type === "comment") as Extract<Action, { type: "comment" }> | undefined;
const flagged = (actions: Action[]) => actions.some((a) => a.type === "add_labels" && a.labels.includes(ATTENTION));

describe("MktgOps stages, as the handbook writes them", () => {
  describe("closing (line 219: 08 is completed 'although the issue may not be closed'; no stage forbids closing)", () => {
    it.each(["MktgOps::00: Triage", "MktgOps::01: Needs More Information", "MktgOps::04: In Progress", "MktgOps::07: Blocked", "MktgOps::08: Completed"])(
      "an issue closed in %s is left alone",
      (stage) => {
        const closed = issue({ labels: [stage], state: "closed", closedBy: requester, closedAt: new Date("2026-11-17T10:00:00Z") });
        expect(rule.evaluate(closed, context)).toEqual([]);
      },
    );

    it("an attention label left from before the close goes, with no note", () => {
      const closed = issue({ labels: ["MktgOps::02: Ready for Assignment", ATTENTION], state: "closed", closedBy: requester });
      expect(rule.evaluate(closed, context)).toMatchObject([{ type: "remove_labels", labels: [ATTENTION] }]);
    });
  });

  describe("01 and 02 (lines 212-213: 'no milestone, and not assigned to MktgOps team member')", () => {
    it("a requester may be assigned", () => {
      expect(rule.evaluate(issue({ labels: ["MktgOps::01: Needs More Information"], assignees: [requester] }), context)).toEqual([]);
      expect(rule.evaluate(issue({ labels: ["MktgOps::02: Ready for Assignment"], assignees: [requester] }), context)).toEqual([]);
    });

    it("a MktgOps team member may not be assigned yet, and the note names only them", () => {
      const actions = rule.evaluate(issue({ labels: ["MktgOps::02: Ready for Assignment"], assignees: [requester, member] }), context);
      expect(flagged(actions)).toBe(true);
      const body = comment(actions)!.body;
      expect(body).toContain('it is assigned to `mops.member1` from "mops-team"');
      expect(body).not.toContain("`requester`");
    });

    it("a milestone is still too early", () => {
      expect(comment(rule.evaluate(issue({ labels: ["MktgOps::01: Needs More Information"], milestone: NEXT }), context))?.body).toContain(
        'it is in the milestone "MktgOps 2026-11-30"',
      );
    });
  });

  describe("03 (line 214: 'slotted to a milestone (not current), and assigned to MktgOps team member's queue')", () => {
    it("a future or undated milestone and a team member pass", () => {
      expect(rule.evaluate(issue({ labels: ["MktgOps::03: Assigned"], milestone: NEXT, assignees: [member] }), context)).toEqual([]);
      expect(rule.evaluate(issue({ labels: ["MktgOps::03: Assigned"], milestone: UNDATED, assignees: [member] }), context)).toEqual([]);
    });

    it("a past milestone slots nothing", () => {
      const body = comment(rule.evaluate(issue({ labels: ["MktgOps::03: Assigned"], milestone: PAST, assignees: [member] }), context))!.body;
      expect(body).toContain('it is in the milestone "MktgOps 2026-11-02", which is a past milestone');
    });

    it("an assignee from outside the team is not a team member's queue", () => {
      const body = comment(rule.evaluate(issue({ labels: ["MktgOps::03: Assigned"], milestone: NEXT, assignees: [requester] }), context))!.body;
      expect(body).toContain('`requester` is not in "mops-team"');
    });
  });

  describe("04 (line 215: 'in the current milestone, assigned to MktgOps team member')", () => {
    it("a team member passes; anyone else does not", () => {
      expect(rule.evaluate(issue({ labels: ["MktgOps::04: In Progress"], milestone: CURRENT, assignees: [member] }), context)).toEqual([]);
      const actions = rule.evaluate(issue({ labels: ["MktgOps::04: In Progress"], milestone: CURRENT, assignees: [requester] }), context);
      expect(flagged(actions)).toBe(true);
      expect(comment(actions)!.body).toContain('`requester` is not in "mops-team"');
    });
  });

  describe("07: Blocked (line 218 asks for nothing; a comment is the team's wish)", () => {
    const blocked = (over: Parameters<typeof issue>[0] = {}) =>
      issue({ labels: ["MktgOps::07: Blocked"], assignees: [member], labelEvents: [labelEvent("MktgOps::07: Blocked", "2026-11-10T12:00:00Z", "add", "mops.member1")], notes: [], ...over });

    it("reminds the assignee once, without the attention label", () => {
      const actions = rule.evaluate(blocked(), context);
      expect(flagged(actions)).toBe(false);
      expect(actions).toHaveLength(1);
      const c = comment(actions)!;
      expect(c.marker).toBe("workflow:mktgops-stage:07:-Blocked:reminder");
      expect(c.body).toContain("@mops.member1");
      expect(c.body).toContain("only reminder");
    });

    it("never twice", () => {
      const given = note("<!-- mops-bot:workflow:mktgops-stage:07:-Blocked:reminder --> reminder", "2026-11-10T13:00:00Z", "mops-bot");
      expect(rule.evaluate(blocked({ notes: [given] }), context)).toEqual([]);
    });

    it("not when someone already said what blocks it, nor when nobody is assigned", () => {
      expect(rule.evaluate(blocked({ notes: [note("Waiting on the vendor", "2026-11-10T13:00:00Z")] }), context)).toEqual([]);
      expect(rule.evaluate(blocked({ assignees: [] }), context)).toEqual([]);
    });

    it("reads the label events and comments only when a reminder can be given: open, with someone assigned", () => {
      // Someone has commented (a listing's user_notes_count of 0 answers without history: see below).
      const unread = (over: Parameters<typeof issue>[0] = {}) => ({ ...blocked({ userNotesCount: 1, ...over }), labelEvents: undefined, notes: undefined });
      expect(rule.needs(unread(), context)).toEqual({ labelEvents: true, notes: true });
      // Without the history, no reminder: the read is what lets one be given.
      expect(rule.evaluate(unread(), context)).toEqual([]);
      expect(rule.needs(unread({ assignees: [] }), context)).toEqual({});
      expect(rule.needs(unread({ state: "closed", closedAt: NOW }), context)).toEqual({});
      // With the history, the answer for those is the same nothing.
      expect(rule.evaluate(blocked({ assignees: [] }), context)).toEqual([]);
      expect(rule.evaluate(blocked({ state: "closed", closedAt: NOW }), context)).toEqual([]);
    });

    it("reads no history when the listing says nobody commented: the reminder is due whenever the label came", () => {
      const listed = (count: number) => ({ ...blocked(), labelEvents: undefined, notes: undefined, userNotesCount: count });
      expect(rule.needs(listed(0), context)).toEqual({});
      const c = comment(rule.evaluate(listed(0), context))!;
      expect(c.marker).toBe("workflow:mktgops-stage:07:-Blocked:reminder");
      expect(rule.evaluate(listed(0), context)).toEqual(rule.evaluate(blocked(), context));
      // With a comment, the history decides: one after the label says what blocks it, and no reminder is due.
      expect(rule.needs(listed(1), context)).toEqual({ labelEvents: true, notes: true });
      expect(rule.evaluate(listed(1), context)).toEqual([]);
      expect(rule.evaluate(blocked({ userNotesCount: 1, notes: [note("Waiting on the vendor", "2026-11-10T13:00:00Z")] }), context)).toEqual([]);
    });

    it("an attention label from the old requirement goes", () => {
      const actions = rule.evaluate(blocked({ labels: ["MktgOps::07: Blocked", ATTENTION], notes: [note("Waiting on legal", "2026-11-10T13:00:00Z")] }), context);
      expect(actions).toMatchObject([{ type: "remove_labels", labels: [ATTENTION] }]);
    });
  });

  describe("on the backlog (created before adopted_on), where rollout.yml lists the stage requirements", () => {
    const adopted = (date: string, mode = "list"): RuleContext => ({ ...context, policy: { ...context.policy, rollout: { ...context.policy.rollout!, adoptedOn: date, backlog: { ...context.policy.rollout!.backlog, workflow: mode as "list" } } } });
    const moved = (createdAt: string) =>
      issue({
        labels: ["MktgOps::04: In Progress"],
        milestone: NEXT,
        assignees: [member],
        createdAt: new Date(createdAt),
        userNotesCount: 0,
        labelEvents: [labelEvent("MktgOps::04: In Progress", "2026-11-17T12:00:00Z", "add", "mops.member2")],
      });
    const unread = (s: ReturnType<typeof issue>) => ({ ...s, labelEvents: undefined });

    it("reads no history: who moved it cannot change a listed problem or a label change without a note", () => {
      for (const mode of ["list", "repair"]) {
        const c = adopted("2026-11-16", mode);
        expect(rule.needs(unread(moved("2026-10-01T12:00:00Z")), c)).toEqual({});
        // The same decision with the history and without it.
        expect(rule.evaluate(unread(moved("2026-10-01T12:00:00Z")), c)).toEqual(rule.evaluate(moved("2026-10-01T12:00:00Z"), c));
      }
    });

    it("reads who moved it on an issue created since adoption, and on the backlog when rollout.yml announces: the note is for them", () => {
      for (const [c, createdAt] of [[adopted("2026-11-16"), "2026-11-16T15:00:00Z"], [adopted("2026-11-16", "announce"), "2026-10-01T12:00:00Z"]] as const) {
        expect(rule.needs(unread(moved(createdAt)), c)).toEqual({ labelEvents: true });
        expect(comment(rule.evaluate(moved(createdAt), c))!.body).toContain("@mops.member2 :wave: you moved this issue");
        expect(comment(rule.evaluate(unread(moved(createdAt)), c))!.body).not.toContain("you moved this issue");
      }
    });
  });

  describe("who the note is for, and what it says they did", () => {
    it("the person who moved the issue into the stage is told what they did", () => {
      const s = issue({
        labels: ["MktgOps::04: In Progress"],
        milestone: NEXT,
        assignees: [member],
        labelEvents: [labelEvent("MktgOps::04: In Progress", "2026-11-17T12:00:00Z", "add", "mops.member2")],
      });
      const body = comment(rule.evaluate(s, context))!.body;
      expect(body).toMatch(/^Hi @mops\.member2 :wave: you moved this issue to ~"MktgOps::04: In Progress"/);
      expect(body).not.toContain("@mops.member1");
    });

    it("a move by the bot is nobody's: the assignees are told where the issue is, each once", () => {
      const s = issue({
        labels: ["MktgOps::04: In Progress"],
        milestone: NEXT,
        assignees: [member, member],
        labelEvents: [labelEvent("MktgOps::04: In Progress", "2026-11-17T12:00:00Z", "add", "mops-bot")],
      });
      const body = comment(rule.evaluate(s, context))!.body;
      expect(body).toMatch(/^Hi @mops\.member1 :wave: this issue is in ~"MktgOps::04: In Progress"/);
      expect(body.match(/@mops\.member1/g)).toHaveLength(1);
      expect(body).not.toContain("@mops-bot");
    });
  });

  describe("an older stage no current stage means (001 page: 1 - Planning, 2 - On Deck, 5 - On Hold)", () => {
    const OLD = ["MktgOps::1 - Planning", "MktgOps::2 - On Deck", "MktgOps::5 - On Hold"];

    it.each(OLD)("%s: no rule writes on the issue, and it is listed for a person", (old) => {
      const s = issue({ labels: [old, "MktgOpsPriority:: 02-Medium"], assignees: [member] });
      expect(rules.flatMap((r) => (r.appliesTo.includes("issue") ? r.evaluate(s, context) : []))).toEqual([]);
      expect(oldStages.finding(s, context)).not.toBeNull();
    });

    it("an issue with a current stage, an older spelling of one, or the copy-review value is not listed", () => {
      for (const labels of [["MktgOps::04: In Progress"], ["MktgOps::0 - To Be Triaged"], ["MktgOps::Events/FM Copy Review"], ["MktgOps::1 - Planning", "MktgOps::03: Assigned"], []]) {
        expect(oldStages.finding(issue({ labels }), context), labels.join(", ")).toBeNull();
      }
      expect(oldStages.finding(issue({ labels: ["MktgOps::1 - Planning"], state: "closed" }), context)).toBeNull();
    });
  });
});
