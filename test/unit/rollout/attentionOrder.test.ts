/** Which notes the day's budget goes to: the most important ones, in the same order every time. */
import { describe, expect, it } from "vitest";
import type { Action } from "../../../src/domain/actions.js";
import { AttentionBudget, noteImportance } from "../../../src/engine/attention.js";
import { AttentionOrder } from "../../../src/engine/attentionOrder.js";
import type { ResourceSnapshot } from "../../../src/domain/snapshot.js";
import { BOT, issue } from "../../support/builders.js";

const comment = (rule: string, marker: string, body: string): Action => ({ type: "comment", rule, reason: `${rule} says so.`, body, marker });
const TODAY = "2026-11-18";
const BREACH = comment("sla", "sla:mops-priority:breach:2026-11-09T14:00:00.000Z", "@mops.member1 the goal was missed");
const AT_RISK = comment("sla", "sla:mops-priority:warning:2026-11-09T14:00:00.000Z", "@mops.member1 the goal is at risk");
const REQUIREMENT = comment("workflow:mktgops-stage", "workflow:mktgops-stage:04:-In-Progress:milestone", "@mops.member1 the stage needs a milestone");
const REMINDER = comment("workflow:mktgops-stage", "workflow:mktgops-stage:07:-Blocked:reminder", "@mops.member1 what blocks it?");
const DRI_PING = comment("triage:triage-dri-ping", "triage:triage-dri-ping", "@mops.member1 please triage");

describe("note importance", () => {
  it("puts an SLA breach first, then the other SLA notes, stage requirements, the rest, and reminders last", () => {
    const notes = [REMINDER, DRI_PING, REQUIREMENT, AT_RISK, BREACH] as { rule: string; marker: string }[];
    const dueDate = { rule: "sla:due-date", marker: "sla:mops-priority:due-date:2026-11-09T14:00:00.000Z" };
    expect([...notes, dueDate].sort((a, b) => noteImportance(a) - noteImportance(b))).toEqual([BREACH, AT_RISK, dueDate, REQUIREMENT, DRI_PING, REMINDER]);
  });
});

describe("attention order", () => {
  /** One sweep's two passes over `plans`, the first pass finishing in `order`; what went out, by iid. */
  function sweep(plans: [ResourceSnapshot, Action[]][], order: number[]): { sent: number[]; held: number[] } {
    const budget = new AttentionBudget(1, TODAY, new Map(), BOT.username);
    const first = new AttentionOrder(budget);
    for (const i of order) expect(first.defers(plans[i]![0], plans[i]![1])).toBe(true);
    const second = first.grantAndRelease();
    const sent = second.flatMap((ref) => {
      const [s, actions] = plans.find(([p]) => p.ref.iid === ref.iid)!;
      return budget.admit(s, actions).length > 0 ? [ref.iid] : [];
    });
    return { sent, held: budget.heldItems().get("mops.member1")!.map((i) => Number(i.ref.split("#")[1])) };
  }

  it("gives the one mention to the breach note, whichever resource finishes first", () => {
    const plans: [ResourceSnapshot, Action[]][] = [
      [issue({ iid: 1 }), [REMINDER]],
      [issue({ iid: 2 }), [DRI_PING]],
      [issue({ iid: 3 }), [BREACH]],
      [issue({ iid: 4 }), [AT_RISK]],
    ];
    for (const order of [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]]) {
      expect(sweep(plans, order)).toEqual({ sent: [3], held: [1, 2, 4] });
    }
  });

  it("within one importance, gives it to the first resource by reference", () => {
    const plans: [ResourceSnapshot, Action[]][] = [
      [issue({ iid: 10 }), [AT_RISK]],
      [issue({ iid: 9 }), [AT_RISK]],
    ];
    expect(sweep(plans, [0, 1])).toEqual({ sent: [9], held: [10] });
    expect(sweep(plans, [1, 0])).toEqual({ sent: [9], held: [10] });
  });

  it("does not defer a resource whose notes mention nobody: it is reconciled once", () => {
    const first = new AttentionOrder(new AttentionBudget(1, TODAY, new Map(), BOT.username));
    expect(first.defers(issue({ iid: 1 }), [comment("label-hygiene", "label-hygiene", "I replaced a label."), { type: "add_labels", labels: ["x"], rule: "r", reason: "r" }])).toBe(false);
    expect(first.grantAndRelease()).toEqual([]);
  });

  it("does not defer a note to someone already mentioned today by an earlier run: it is held whatever the order", () => {
    const budget = new AttentionBudget(1, TODAY, new Map([["mops.member1", 1]]), BOT.username);
    const first = new AttentionOrder(budget);
    expect(first.defers(issue({ iid: 1 }), [BREACH])).toBe(false);
    expect(first.admit(issue({ iid: 1 }), [BREACH])).toEqual([]);
    expect(budget.heldItems().get("mops.member1")!.map((i) => i.ref)).toEqual([`${issue({ iid: 1 }).projectPath}#1`]);
  });
});
