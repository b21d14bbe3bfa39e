/**
 * The SLA rules with the shipped policies and a fixed clock: which labels and notes each clock
 * state gives, who the notes are for, history asked for only when an SLA can cover the issue, and
 * the ABM due-date move.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createBusinessCalendar, type BusinessCalendar } from "../../../src/domain/calendar.js";
import type { Action } from "../../../src/domain/actions.js";
import type { NoteInfo, ResourceSnapshot } from "../../../src/domain/snapshot.js";
import { loadPolicies } from "../../../src/policy/load.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { slas } from "../../../src/rules/sla.js";
import { evaluateSlas } from "../../../src/rules/sla/evaluate.js";
import type { Rule, RuleContext } from "../../../src/rules/types.js";
import { CURRENT, ctx, gitlabNote, issue, labelEvent, note, user } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

const URGENT = "MktgOpsPriority:: 00-Urgent";
const ABM_PROJECT = "gitlab-com/marketing/account-based-strategy/account-based-marketing";
const AT_RISK = "mops-bot-sla::at-risk";
const BREACHED = "mops-bot-sla::breached";
const CREATED = "2026-11-18T15:00:00Z"; // Wed 10:00 EST; urgent goal due 14:00 EST, at risk from 13:00

let policy: CompiledPolicy;
let calendar: BusinessCalendar;
let slaRule: Rule;
let dueRule: Rule;

beforeAll(async () => {
  policy = await loadPolicies(TEST_POLICIES_DIR);
  calendar = createBusinessCalendar(policy.calendar);
  [slaRule, dueRule] = slas.create(policy) as [Rule, Rule];
});

const at = (iso: string): RuleContext => ctx({ policy, calendar, now: new Date(iso) });

function urgent(over: Partial<ResourceSnapshot> = {}): ResourceSnapshot {
  return issue({
    createdAt: new Date(CREATED),
    labels: [URGENT],
    labelEvents: [labelEvent(URGENT, CREATED)],
    assignees: [user("mops.member2")],
    ...over,
  });
}

const types = (actions: Action[]) => actions.map((a) => a.type);
const comment = (actions: Action[]) => actions.find((a) => a.type === "comment") as Extract<Action, { type: "comment" }> | undefined;

describe("sla rule", () => {
  it("has the ids the sla job selects with --only sla", () => {
    expect([slaRule.id, dueRule.id]).toEqual(["sla", "sla:due-date"]);
  });

  it("asks for label history only when a priority an SLA covers is present, and not on closed issues", () => {
    const c = at(CREATED);
    expect(slaRule.needs(urgent({ labelEvents: undefined }), at("2026-11-18T18:30:00Z"))).toEqual({ labelEvents: true });
    // The label events first; the state events once the clock they give is at risk (13:30 EST: 3.5 of 4 hours).
    expect(slaRule.needs(urgent(), at("2026-11-18T18:30:00Z"))).toEqual({ labelEvents: true, stateEvents: true });
    // Prioritised at 12:00 EST, not at creation: 1.5 hours counted, so no state event can matter.
    expect(slaRule.needs(urgent({ labelEvents: [labelEvent(URGENT, "2026-11-18T17:00:00Z")] }), at("2026-11-18T18:30:00Z"))).toEqual({ labelEvents: true });
    expect(slaRule.needs(issue({ labels: ["MktgOps::00: Triage"] }), c)).toEqual({});
    expect(slaRule.needs(urgent({ labelEvents: undefined, state: "closed", closedAt: new Date(CREATED) }), c)).toEqual({});
    expect(slaRule.needs(urgent({ labelEvents: undefined, projectPath: "elsewhere/project", projectRoles: [] }), c)).toEqual({});
  });

  it("reads the state events when the label events' clock alarms: a reopening restarts the clock", () => {
    // Urgent since 10:00 EST; closed at 11:00, reopened at 13:00: at 14:30 the label events alone say
    // breached, the reopening says 1.5 hours of a new clock.
    const reopened = urgent({
      stateEvents: [
        { id: 1, state: "closed", user: user("mops.member2"), createdAt: new Date("2026-11-18T16:00:00Z") },
        { id: 2, state: "reopened", user: user("mops.member2"), createdAt: new Date("2026-11-18T18:00:00Z") },
      ],
    });
    const c = at("2026-11-18T19:30:00Z");
    expect(slaRule.needs({ ...reopened, stateEvents: undefined }, c)).toEqual({ labelEvents: true, stateEvents: true });
    expect(types(slaRule.evaluate({ ...reopened, stateEvents: undefined }, c))).toContain("add_labels");
    expect(slaRule.evaluate(reopened, c)).toEqual([]);
  });

  it("skips history when even a non-stop clock since creation cannot have reached the warning", () => {
    const medium = (createdAt: string, labels = ["MktgOpsPriority:: 02-Medium"]) => issue({ createdAt: new Date(createdAt), labels, labelEvents: undefined });
    // 15 business days, at risk from 75%: an issue created yesterday cannot be at risk yet.
    expect(slaRule.needs(medium("2026-11-17T15:00:00Z"), at(CREATED))).toEqual({});
    // Created two months ago: it might be, so the history is read.
    expect(slaRule.needs(medium("2026-09-15T15:00:00Z"), at(CREATED))).toEqual({ labelEvents: true });
    // Carrying an SLA label: the history decides whether it goes.
    expect(slaRule.needs(medium("2026-11-17T15:00:00Z", ["MktgOpsPriority:: 02-Medium", AT_RISK]), at(CREATED))).toEqual({ labelEvents: true, stateEvents: true });
    // A goal tied to the milestone's due date (2026-11-27) warns at 75% of the time from the clock's
    // start to it: a clock started yesterday cannot warn yet, one started in October can.
    const high = (createdAt: string) => ({ ...medium(createdAt, ["MktgOpsPriority:: 01-High"]), milestone: CURRENT });
    expect(slaRule.needs(high("2026-11-17T15:00:00Z"), at(CREATED))).toEqual({});
    expect(slaRule.needs(high("2026-10-01T15:00:00Z"), at(CREATED))).toEqual({ labelEvents: true });
    // Without a milestone due date, a milestone goal has no due moment and never warns.
    expect(slaRule.needs({ ...high("2026-10-01T15:00:00Z"), milestone: null }, at(CREATED))).toEqual({});
  });

  describe("counted from the adoption date (rollout.yml)", () => {
    const adopted = (date: string) => {
      const p: CompiledPolicy = { ...policy, rollout: { ...policy.rollout!, adoptedOn: date } };
      return { rule: slas.create(p)[0]!, at: (iso: string) => ctx({ policy: p, calendar, now: new Date(iso) }) };
    };
    const old = (priority: string, over: Partial<ResourceSnapshot> = {}) =>
      issue({ createdAt: new Date("2026-06-01T14:00:00Z"), labels: [priority], labelEvents: [labelEvent(priority, "2026-06-01T14:00:00Z")], assignees: [user("mops.member2")], ...over });
    const unread = (s: ResourceSnapshot): ResourceSnapshot => ({ ...s, labelEvents: undefined, stateEvents: undefined });

    it("before the adoption date no duration goal has counted: no history is read, and with it the answer is the same", () => {
      const { rule, at } = adopted("2026-11-30");
      for (const priority of [URGENT, "MktgOpsPriority:: 02-Medium"]) {
        expect(rule.needs(unread(old(priority)), at(CREATED))).toEqual({});
        expect(rule.evaluate(old(priority), at(CREATED))).toEqual([]);
      }
    });

    it("an urgent issue from June, adopted this morning: read once 3 business hours could have counted since the adoption, and then the history breaches it", () => {
      const { rule, at } = adopted("2026-11-18");
      // 10:00 EST: one business hour since the adoption day began.
      expect(rule.needs(unread(old(URGENT)), at(CREATED))).toEqual({});
      expect(rule.evaluate(old(URGENT), at(CREATED))).toEqual([]);
      // 14:30 EST: 5.5 hours could have counted; the history says they did, so the goal was missed.
      expect(rule.needs(unread(old(URGENT)), at("2026-11-18T19:30:00Z"))).toEqual({ labelEvents: true });
      expect(rule.needs({ ...old(URGENT), stateEvents: undefined }, at("2026-11-18T19:30:00Z"))).toEqual({ labelEvents: true, stateEvents: true });
      expect(rule.evaluate(old(URGENT), at("2026-11-18T19:30:00Z")).find((a) => a.type === "add_labels")).toMatchObject({ labels: [BREACHED] });
      // Without the history the rule would have said nothing: the read is what finds the breach.
      expect(rule.evaluate(unread(old(URGENT)), at("2026-11-18T19:30:00Z"))).toEqual([]);
    });

    it("a milestone goal warns at 75% of the time from the later of the clock's start and the adoption to the milestone's due date", () => {
      const high = unread(old("MktgOpsPriority:: 01-High", { milestone: CURRENT })); // due 2026-11-27
      // Adopted after the milestone is due, and not yet adopted now: nothing can be due.
      expect(adopted("2026-11-30").rule.needs(high, adopted("2026-11-30").at(CREATED))).toEqual({});
      // Adopted on 11-02: the warning falls around 11-21, so on 11-18 nothing is read; on 11-24 it is.
      const { rule, at } = adopted("2026-11-02");
      expect(rule.needs(high, at(CREATED))).toEqual({});
      expect(rule.needs(high, at("2026-11-24T15:00:00Z"))).toEqual({ labelEvents: true });
      expect(rule.needs({ ...old("MktgOpsPriority:: 01-High", { milestone: CURRENT }), stateEvents: undefined }, at("2026-11-24T15:00:00Z"))).toEqual({ labelEvents: true, stateEvents: true });
      expect(rule.evaluate(old("MktgOpsPriority:: 01-High", { milestone: CURRENT }), at("2026-11-24T15:00:00Z")).find((a) => a.type === "add_labels")).toMatchObject({ labels: [AT_RISK] });
    });
  });

  it("does nothing while the clock is well within its goal", () => {
    expect(slaRule.evaluate(urgent(), at("2026-11-18T16:00:00Z"))).toEqual([]);
  });

  it("at risk: adds the at-risk label and notes the assignee with the due moment in the team's zone", () => {
    const actions = slaRule.evaluate(urgent(), at("2026-11-18T18:30:00Z"));
    expect(types(actions)).toEqual(["add_labels", "comment"]);
    expect(actions[0]).toMatchObject({ labels: [AT_RISK] });
    const note = comment(actions)!;
    expect(note.body).toContain("@mops.member2");
    expect(note.body).toContain("Wed 18 Nov 2026, 14:00 EST");
    expect(note.marker).toBe("sla:mops-priority:warning:2026-11-18T15:00:00.000Z");
  });

  it("at risk and unassigned: the note goes to the triage group", () => {
    const note = comment(slaRule.evaluate(urgent({ assignees: [] }), at("2026-11-18T18:30:00Z")))!;
    expect(note.body).toContain("@mops.member1");
    expect(note.body).not.toContain("@mops.member2");
  });

  it("breached: swaps at-risk for breached and mentions the policy's group and the assignee", () => {
    const actions = slaRule.evaluate(urgent({ labels: [URGENT, AT_RISK] }), at("2026-11-18T19:30:00Z"));
    expect(types(actions)).toEqual(["add_labels", "remove_labels", "comment"]);
    expect(actions[0]).toMatchObject({ labels: [BREACHED] });
    expect(actions[1]).toMatchObject({ labels: [AT_RISK] });
    const note = comment(actions)!;
    expect(note.marker).toBe("sla:mops-priority:breach:2026-11-18T15:00:00.000Z");
    expect(note.body).toMatch(/@mops\.member1 @mops\.member2/);
  });

  it("breached: the assignee who is also in the policy's group is mentioned once, and the bot never", () => {
    const actions = slaRule.evaluate(urgent({ labels: [URGENT, AT_RISK], assignees: [user("mops.member1"), user("mops-bot")] }), at("2026-11-18T19:30:00Z"));
    const body = comment(actions)!.body;
    expect(body.match(/@mops\.member1\b/g)).toHaveLength(1);
    expect(body).not.toContain("@mops-bot");
  });

  it("keeps the same note marker for the whole episode, so the note is posted once", () => {
    const a = comment(slaRule.evaluate(urgent(), at("2026-11-18T19:30:00Z")))!.marker;
    const b = comment(slaRule.evaluate(urgent({ labels: [URGENT, BREACHED] }), at("2026-11-25T19:30:00Z")))!.marker;
    expect(a).toBe(b);
  });

  it("met: removes the SLA labels without a note", () => {
    const done = urgent({
      labels: [URGENT, "MktgOps::08: Completed", BREACHED],
      labelEvents: [labelEvent(URGENT, CREATED), labelEvent("MktgOps::08: Completed", "2026-11-18T21:00:00Z")],
    });
    const actions = slaRule.evaluate(done, at("2026-11-19T15:00:00Z"));
    expect(actions).toEqual([expect.objectContaining({ type: "remove_labels", labels: [BREACHED], reason: "The SLA was met." })]);
  });

  it("priority removed: the labels go even though no history was fetched", () => {
    const actions = slaRule.evaluate(issue({ labels: [AT_RISK] }), at("2026-11-19T15:00:00Z"));
    expect(actions).toEqual([expect.objectContaining({ type: "remove_labels", labels: [AT_RISK] })]);
  });

  it("closed issue with a breached label: removed, met by closing", () => {
    const closed = urgent({ labels: [URGENT, BREACHED], state: "closed", closedAt: new Date("2026-11-19T15:00:00Z"), labelEvents: undefined });
    expect(slaRule.evaluate(closed, at("2026-11-19T16:00:00Z"))).toEqual([expect.objectContaining({ type: "remove_labels", labels: [BREACHED] })]);
  });
});

describe("sla:due-date rule (ABM: 5 business days from complete details)", () => {
  const detailsComplete = "2026-11-18T15:00:00Z"; // Wed 18 Nov 10:00 EST -> earliest Wed 25 Nov
  function abm(over: Partial<ResourceSnapshot> = {}): ResourceSnapshot {
    return issue({
      projectPath: ABM_PROJECT,
      projectRoles: ["abm"],
      notes: [],
      createdAt: new Date("2026-11-16T14:00:00Z"),
      labels: ["mktg-status::triage", "ABM-Priority::High"],
      dueDate: "2026-11-20",
      labelEvents: [
        labelEvent("mktg-status::blocked", "2026-11-16T14:00:00Z"),
        labelEvent("ABM-Priority::High", "2026-11-16T14:00:00Z"),
        labelEvent("mktg-status::blocked", detailsComplete, "remove"),
        labelEvent("mktg-status::triage", detailsComplete),
      ],
      ...over,
    });
  }

  it("moves a due date the SLA cannot meet and says why in a note", () => {
    const actions = dueRule.evaluate(abm(), at("2026-11-18T16:00:00Z"));
    expect(actions[0]).toMatchObject({ type: "set_due_date", dueDate: "2026-11-25" });
    const note = comment(actions)!;
    expect(note.body).toContain("**2026-11-25**");
    expect(note.body).toContain("Wed 18 Nov 2026, 10:00 EST");
    expect(note.body).toContain("@requester");
    expect(note.marker).toBe("sla:abm-priority:due-date:2026-11-18T15:00:00.000Z");
  });

  it("leaves a due date that gives the SLA its time", () => {
    expect(dueRule.evaluate(abm({ dueDate: "2026-11-25" }), at("2026-11-18T16:00:00Z"))).toEqual([]);
  });

  it("waits while details are still missing", () => {
    const blocked = abm({ labels: ["mktg-status::blocked"], labelEvents: [labelEvent("mktg-status::blocked", "2026-11-16T14:00:00Z")] });
    expect(dueRule.evaluate(blocked, at("2026-11-18T16:00:00Z"))).toEqual([]);
  });

  it("counts the details as complete from a reopening: the state events decide, so the rule reads them itself", () => {
    // Closed on Tuesday, reopened on Wednesday 10:00 EST: complete details count from the reopening,
    // so 2026-11-24 is a day short; seen without the close and the reopening it would stand.
    const reopened = abm({
      dueDate: "2026-11-24",
      labelEvents: [labelEvent("mktg-status::triage", "2026-11-16T14:00:00Z"), labelEvent("ABM-Priority::High", "2026-11-16T14:00:00Z")],
      stateEvents: [
        { id: 1, state: "closed", user: user("someone"), createdAt: new Date("2026-11-17T15:00:00Z") },
        { id: 2, state: "reopened", user: user("someone"), createdAt: new Date(detailsComplete) },
      ],
    });
    const c = at("2026-11-18T16:00:00Z");
    expect(dueRule.evaluate(reopened, c)[0]).toMatchObject({ type: "set_due_date", dueDate: "2026-11-25" });
    expect(dueRule.evaluate({ ...reopened, stateEvents: undefined }, c)).toEqual([]);
    // The SLA rule does not read them for this young issue (its clock cannot warn yet): this rule must.
    expect(slaRule.needs({ ...reopened, labelEvents: undefined, stateEvents: undefined }, c)).toEqual({});
    expect(dueRule.needs({ ...reopened, labelEvents: undefined, stateEvents: undefined, notes: undefined }, c)).toMatchObject({ stateEvents: true });
  });

  it("asks for history only for covered open issues with a due date", () => {
    const c = at("2026-11-18T16:00:00Z");
    expect(dueRule.needs(abm({ labelEvents: undefined, notes: undefined }), c)).toEqual({ labelEvents: true, stateEvents: true, notes: true });
    expect(dueRule.needs(abm({ labelEvents: undefined, dueDate: null }), c)).toEqual({});
    // The ABM SLA covers the ABM project only.
    expect(dueRule.needs(abm({ labelEvents: undefined, projectPath: "mktg/marketing-operations", projectRoles: ["mops"] }), c)).toEqual({});
    expect(dueRule.needs(issue({ dueDate: "2026-11-20" }), c)).toEqual({});
  });
});

describe("sla:due-date rule: who may change the date after triage", () => {
  const detailsComplete = "2026-11-18T15:00:00Z"; // Wed 18 Nov 10:00 EST -> earliest Wed 25 Nov
  const marker = "sla:abm-priority:due-date:2026-11-18T15:00:00.000Z";
  const movedByBot = [
    gitlabNote("changed due date to November 25, 2026", "2026-11-18T15:05:00Z", "mops-bot", true),
    note(`Hi, I moved the due date. <!-- mops-bot:${marker} -->`, "2026-11-18T15:05:00Z", "mops-bot"),
  ];
  function abm(dueDate: string, notes: NoteInfo[]): ResourceSnapshot {
    return issue({
      projectPath: ABM_PROJECT,
      projectRoles: ["abm"],
      createdAt: new Date("2026-11-16T14:00:00Z"),
      labels: ["mktg-status::triage", "ABM-Priority::High"],
      assignees: [user("abm.member")],
      dueDate,
      notes,
      labelEvents: [
        labelEvent("mktg-status::blocked", "2026-11-16T14:00:00Z"),
        labelEvent("ABM-Priority::High", "2026-11-16T14:00:00Z"),
        labelEvent("mktg-status::blocked", detailsComplete, "remove"),
        labelEvent("mktg-status::triage", detailsComplete),
      ],
    });
  }
  const later = "2026-11-19T15:00:00Z";

  it("C11: a date the ABM manager sets after the bot moved it stands, even an earlier one", () => {
    const s = abm("2026-11-23", [...movedByBot, gitlabNote("changed due date to November 23, 2026", "2026-11-19T14:00:00Z", "abm.manager", true)]);
    expect(dueRule.evaluate(s, at(later))).toEqual([]);
  });

  it("a date the assignee sets after triage stands", () => {
    const s = abm("2026-11-24", [gitlabNote("changed due date to November 24, 2026", "2026-11-18T16:00:00Z", "abm.member", true)]);
    expect(dueRule.evaluate(s, at(later))).toEqual([]);
  });

  it("moves the date once: a moved date the bot finds again is not moved a second time", () => {
    // The date reads earlier than the SLA allows, yet the bot's note for this episode is there.
    expect(dueRule.evaluate(abm("2026-11-20", movedByBot.slice(1)), at(later))).toEqual([]);
  });

  it("puts back, with one note, a date someone else changed after triage", () => {
    const change = gitlabNote("changed due date to November 20, 2026", "2026-11-19T14:00:00Z", "requester", true);
    const actions = dueRule.evaluate(abm("2026-11-20", [...movedByBot, change]), at(later));
    expect(actions[0]).toMatchObject({ type: "set_due_date", dueDate: "2026-11-25" });
    const c = comment(actions)!;
    expect(c.marker).toBe(`sla:abm-priority:due-date-revert:${change.id}`);
    expect(c.body).toContain("back to **2026-11-25**");
    expect(c.body).toContain("@requester");
    expect(c.body).not.toContain("@abm.manager");
    expect(types(actions)).toEqual(["set_due_date", "comment"]);
  });

  it("leaves a date the requester changed before the details were complete to the SLA check", () => {
    const s = abm("2026-11-30", [gitlabNote("changed due date to November 30, 2026", "2026-11-17T14:00:00Z", "requester", true)]);
    expect(dueRule.evaluate(s, at(later))).toEqual([]);
  });

  it("a person typing the words is not a due-date change (only GitLab's system notes count)", () => {
    const typed = note("changed due date to November 20, 2026", "2026-11-19T14:00:00Z", "requester");
    expect(dueRule.evaluate(abm("2026-11-25", [...movedByBot, typed]), at(later))).toEqual([]);
  });
});

describe("mktg-status::plan (no specific request yet)", () => {
  it("runs no SLA clock and moves no due date", () => {
    const created = "2026-11-02T14:00:00Z";
    const s = issue({
      projectPath: ABM_PROJECT,
      projectRoles: ["abm"],
      createdAt: new Date(created),
      labels: ["mktg-status::plan", "ABM-Priority::Top"],
      labelEvents: [labelEvent("mktg-status::plan", created), labelEvent("ABM-Priority::Top", created)],
      dueDate: "2026-11-19",
      notes: [],
    });
    const c = at("2026-11-18T16:00:00Z");
    expect(evaluateSlas(s, policy, calendar, c.now)).toEqual([]);
    expect(slaRule.evaluate(s, c)).toEqual([]);
    expect(dueRule.evaluate(s, c)).toEqual([]);
  });

  it("holds the clock back: moved from plan to triage, it starts then", () => {
    const created = "2026-11-02T14:00:00Z";
    const s = issue({
      projectPath: ABM_PROJECT,
      projectRoles: ["abm"],
      createdAt: new Date(created),
      labels: ["mktg-status::triage", "ABM-Priority::Top"],
      labelEvents: [
        labelEvent("mktg-status::plan", created),
        labelEvent("ABM-Priority::Top", created),
        labelEvent("mktg-status::plan", "2026-11-17T15:00:00Z", "remove"),
        labelEvent("mktg-status::triage", "2026-11-17T15:00:00Z"),
      ],
    });
    const [o] = evaluateSlas(s, policy, calendar, new Date("2026-11-18T16:00:00Z"));
    expect(o!.clock.readyAt).toEqual(new Date("2026-11-17T15:00:00Z"));
    expect(o!.clock.state).not.toBe("breached");
  });
});

describe("an old priority label (older page's MktgOps-Priority)", () => {
  it("runs one SLA, the one of the label it is an alias of: the 90-day rule tells priority 2 from 3 and is no SLA", () => {
    const old = "MktgOps-Priority::2 - Action Needed";
    const created = "2026-06-01T14:00:00Z";
    const s = issue({ createdAt: new Date(created), labels: [old], labelEvents: [labelEvent(old, created)], assignees: [user("mops.member2")] });
    const ids = evaluateSlas(s, policy, calendar, new Date("2026-11-18T16:00:00Z")).map((o) => o.def.id);
    expect(ids).toEqual(["mops-priority"]);
    expect(policy.sla!.definitions.map((d) => d.id)).not.toContain("legacy-priority");
  });
});

describe("sla rule with state events", () => {
  it("replays a reopen from the state events: a new clock with the full goal", () => {
    const reopened = urgent({
      stateEvents: [
        { id: 1, state: "closed", user: null, createdAt: new Date("2026-11-18T16:00:00Z") },
        { id: 2, state: "reopened", user: null, createdAt: new Date("2026-11-19T15:00:00Z") },
      ],
    });
    // Without the reopen the clock would have run since Wednesday and be breached.
    expect(slaRule.evaluate(reopened, at("2026-11-19T16:00:00Z"))).toEqual([]);
    expect(types(slaRule.evaluate(urgent(), at("2026-11-19T16:00:00Z")))).toEqual(["add_labels", "comment"]);
  });
});
