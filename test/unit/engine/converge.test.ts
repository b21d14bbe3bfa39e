/**
 * Converge, then speak: the cases seen on a realistic board where the bot contradicted itself.
 * Each reconciles one issue with the test policy set and a fixed clock, applies the plan as GitLab
 * would (test/support/memoryPlatform.ts), and reconciles again: the second run must find nothing
 * to do, and no note may state a reason the same plan makes false.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ResourcePlan } from "../../../src/domain/plan.js";
import type { ResourceSnapshot } from "../../../src/domain/snapshot.js";
import { reconcileSnapshot } from "../../../src/engine/reconcile.js";
import { renderConvergence, summariseConvergence } from "../../../src/engine/rounds.js";
import type { Rule, RuleContext } from "../../../src/rules/types.js";
import { CURRENT, NEXT, NOW, PAST, issue, labelEvent, user } from "../../support/builders.js";
import { type MemoryPlatform, memoryPlatform } from "../../support/memoryPlatform.js";
import { mopsRuleSet } from "../../support/policies.js";
import { evaluateSlas } from "../../../src/rules/sla/evaluate.js";

const BOT = user("mops-bot", 1);
const TRIAGE = "MktgOps::00: Triage";
const NEEDS_INFO = "MktgOps::01: Needs More Information";
const ASSIGNED = "MktgOps::03: Assigned";
const IN_PROGRESS = "MktgOps::04: In Progress";
const MEDIUM = "MktgOpsPriority:: 02-Medium";

let rules: Rule[];
let context: RuleContext;
beforeAll(async () => {
  ({ rules, context } = await mopsRuleSet({ now: NOW, milestones: [PAST, CURRENT, NEXT], botUsername: "mops-bot" }));
});

function gitlab(s: ResourceSnapshot): MemoryPlatform {
  return memoryPlatform(s, { bot: BOT, now: NOW, milestones: [PAST, CURRENT, NEXT] });
}

/** Reconciles the issue as it is now on `platform`, applying the plan. */
async function run(platform: MemoryPlatform) {
  return reconcileSnapshot(platform.current(), { platform, rules, ctx: context });
}

const noteOf = (plan: ResourcePlan) => plan.note?.body ?? "";
const stages = (labels: string[]) => labels.filter((l) => l.startsWith("MktgOps::"));

/** Reconciles twice; the second run must change and say nothing. */
async function twice(platform: MemoryPlatform) {
  const first = await run(platform);
  const second = await run(platform);
  expect(second.plan.update).toEqual({ addLabels: [], removeLabels: [] });
  expect(second.plan.note).toBeNull();
  return { first, second };
}

describe("converge, then speak", () => {
  it("C1: a list import leaves triage without a ping about how long it waited in triage", async () => {
    const p = gitlab(
      issue({
        labels: ["MktgOps - List Import", TRIAGE, MEDIUM],
        createdAt: new Date("2026-10-20T14:00:00Z"),
        labelEvents: [labelEvent(TRIAGE, "2026-10-20T14:00:00Z"), labelEvent("MktgOps - List Import", "2026-10-20T14:00:00Z"), labelEvent(MEDIUM, "2026-10-20T14:00:00Z")],
      }),
    );
    const { first } = await twice(p);
    expect(first.plan.update.removeLabels).toEqual([TRIAGE]);
    expect(noteOf(first.plan)).toContain("List imports skip triage");
    expect(noteOf(first.plan)).not.toContain("waiting in triage");
    expect(first.convergence?.dropped).toContainEqual(expect.objectContaining({ rule: "triage:triage-dri-ping" }));
  });

  it("C2: a new unlabelled issue without a user story gets one stage in one write, and the next run has nothing to add", async () => {
    const p = gitlab(issue({ labels: [], description: "Send the invite on Thursday.", createdAt: new Date(NOW.getTime() - 86_400_000) }));
    const { first } = await twice(p);
    expect(stages(first.plan.update.addLabels)).toEqual([NEEDS_INFO]);
    expect(first.plan.conflicts).toEqual([]);
    expect(stages(p.current().labels)).toEqual([NEEDS_INFO]);
    expect(noteOf(first.plan)).toContain("As a **(your role)**");
    expect(noteOf(first.plan)).not.toContain("exclusive");
  });

  it("C3: intake does not move an assigned issue into a stage that forbids assignees, and nobody is scolded for it", async () => {
    const p = gitlab(issue({ labels: [TRIAGE, MEDIUM], assignees: [user("mops.member1")], description: "Send the invite on Thursday.", createdAt: new Date(NOW.getTime() - 86_400_000) }));
    const { first, second } = await twice(p);
    expect(first.plan.update.addLabels).not.toContain(NEEDS_INFO);
    expect(noteOf(first.plan)).not.toContain("@mops.member1");
    expect(first.plan.conflicts.map((c) => c.subject)).toContainEqual("rules intake:user-story and workflow:mktgops-stage");
    // The disagreement stays visible to the policy owners on every run until the policies agree.
    expect(second.plan.conflicts).toHaveLength(1);
  });

  it("C5: an FYI issue (no action items) is not given a priority whose note says it has a specific action item", async () => {
    const p = gitlab(issue({ labels: ["MktgOps - FYI", TRIAGE], createdAt: new Date("2026-11-16T14:00:00Z"), labelEvents: [labelEvent(TRIAGE, "2026-11-16T14:00:00Z")] }));
    const { first } = await twice(p);
    expect(first.plan.update.addLabels).not.toContain(MEDIUM);
    expect(noteOf(first.plan)).not.toContain("specific action item");
  });

  it("C10: an old stage label nobody mapped is not replaced by triage through GitLab's scoped-label rule", async () => {
    const p = gitlab(issue({ labels: ["MktgOps::1 - Planning", MEDIUM], createdAt: new Date("2026-10-01T14:00:00Z") }));
    const { first } = await twice(p);
    expect(first.plan.update.addLabels).not.toContain(TRIAGE);
    expect(p.current().labels).toContain("MktgOps::1 - Planning");
  });

  it("C6: an old priority label is replaced, and no breach note names the label the same note replaces", async () => {
    const legacy = "MktgOps-Priority::2 - Action Needed";
    const created = "2026-06-01T14:00:00Z";
    const p = gitlab(issue({ labels: [legacy, "MktgOps::04: In Progress"], assignees: [user("mops.member2")], milestone: CURRENT, createdAt: new Date(created), labelEvents: [labelEvent(legacy, created), labelEvent(IN_PROGRESS, created)] }));
    const { first } = await twice(p);
    expect(first.plan.update.removeLabels).toContain(legacy);
    expect(first.plan.update.addLabels).toContain(MEDIUM);
    const body = noteOf(first.plan);
    expect(body).toContain("I replaced");
    // The note replaces the old label: a breach of the old label's SLA is no longer true.
    const breaches = first.plan.note?.markers.filter((m) => m.startsWith("sla:")) ?? [];
    expect(breaches).toEqual([expect.stringMatching(/^sla:mops-priority:breach:/)]);
    expect(body.match(/missed its SLA/g)).toHaveLength(1);
    expect(body).toContain(`Priority: ${MEDIUM}`);
  });

  it("C12: an ABM request in the MOps project gets neither the user-story bounce nor the MOps or ABM SLA", async () => {
    const created = "2026-11-16T14:00:00Z";
    const abmLabels = ["mktg-status::triage", "ABM-Priority::Top", "MktgOpsPriority:: 00-Urgent"];
    const s = issue({ labels: abmLabels, description: "Please build the target account list.", createdAt: new Date(created), labelEvents: abmLabels.map((l) => labelEvent(l, created)) });
    const p = gitlab(s);
    const { first } = await twice(p);
    expect(first.plan.update.addLabels).not.toContain(NEEDS_INFO);
    expect(first.plan.note?.markers.filter((m) => m.startsWith("sla:") || m.includes("user-story")) ?? []).toEqual([]);
    expect(evaluateSlas(s, context.policy, context.calendar, NOW)).toEqual([]);
  });

  it("C7: a rollover of an issue in 03 whose milestone ended is made, and the stage note speaks of the milestone the plan leaves", async () => {
    // 03 asks for a milestone "(not current)" and not an ended one: the issue breaks it before the
    // rollover (a past milestone) and after (the current one), so the rollover is no objection.
    const p = gitlab(issue({ labels: [ASSIGNED, MEDIUM], assignees: [user("mops.member1")], milestone: PAST, createdAt: new Date("2026-11-02T14:00:00Z") }));
    const rollover = [{ type: "set_milestone" as const, milestoneId: CURRENT.id, milestoneTitle: CURRENT.title, rule: "milestones", reason: "Its milestone ended." }];
    const first = await reconcileSnapshot(p.current(), { platform: p, rules, ctx: context }, { external: rollover });
    expect(first.plan.update.milestoneId).toBe(CURRENT.id);
    expect(first.plan.conflicts).toEqual([]);
    expect(noteOf(first.plan)).toContain(`it is in the milestone "${CURRENT.title}", which is the current milestone`);
    expect(noteOf(first.plan)).not.toContain(PAST.title);
    const sweep = await run(p);
    expect(sweep.plan.note).toBeNull();
  });

  it("a rollover that leaves a stage complaint shorter (one requirement fixed, one still missing) is made, not taken for an objection", async () => {
    const p = gitlab(issue({ labels: [IN_PROGRESS, MEDIUM], assignees: [], milestone: PAST, createdAt: new Date("2026-11-02T14:00:00Z"), labelEvents: [labelEvent(IN_PROGRESS, "2026-11-05T10:00:00Z")] }));
    const rollover = [{ type: "set_milestone" as const, milestoneId: CURRENT.id, milestoneTitle: CURRENT.title, rule: "milestones", reason: "Its milestone ended." }];
    const first = await reconcileSnapshot(p.current(), { platform: p, rules, ctx: context }, { external: rollover });
    expect(first.plan.update.milestoneId).toBe(CURRENT.id);
    expect(first.plan.conflicts).toEqual([]);
    expect(noteOf(first.plan)).toContain("nobody is assigned");
    expect(noteOf(first.plan)).not.toContain("no milestone");
  });

  it("C8: the reopen guard closes again without asking for a milestone, and its own close is not blamed on anyone", async () => {
    const reopened = { id: 77, state: "reopened" as const, user: user("requester"), createdAt: new Date("2026-11-17T10:00:00Z") };
    const closed = { id: 76, state: "closed" as const, user: user("mops.member1"), createdAt: new Date("2026-11-12T10:00:00Z") };
    const p = gitlab(
      issue({ labels: [IN_PROGRESS, MEDIUM], assignees: [user("mops.member1")], milestone: PAST, createdAt: new Date("2026-11-03T14:00:00Z"), stateEvents: [closed, reopened] }),
    );
    const { first } = await twice(p);
    expect(first.plan.update.stateEvent).toBe("close");
    expect(noteOf(first.plan)).toContain("so I closed it again");
    expect(noteOf(first.plan)).not.toContain("Still missing");
    expect(noteOf(first.plan)).not.toContain("was closed while in");
    expect(p.current().state).toBe("closed");
  });
});

describe("the right recipient", () => {
  it("a person who moves an issue to 04 without a milestone is told, not the requester; adding the assignee a minute later brings no second note", async () => {
    const p = gitlab(
      issue({
        labels: [IN_PROGRESS, MEDIUM],
        author: user("requester"),
        createdAt: new Date("2026-11-16T14:00:00Z"),
        labelEvents: [labelEvent(MEDIUM, "2026-11-16T14:00:00Z", "add", "requester"), labelEvent(IN_PROGRESS, "2026-11-18T14:55:00Z", "add", "mops.member2")],
      }),
    );
    const first = await run(p);
    const body = noteOf(first.plan);
    expect(body).toContain("@mops.member2");
    expect(body).not.toContain("@requester");
    expect(first.plan.update.addLabels).toEqual(["mops-bot::needs-attention"]);

    // A minute later the mover assigns themself: the milestone is still missing, which the note said.
    p.resource.listed.assignees = [user("mops.member2")];
    const second = await run(p);
    expect(second.plan.note).toBeNull();
    expect(second.plan.update).toEqual({ addLabels: [], removeLabels: [] });
  });

  it("never addresses the bot, and each person once", async () => {
    const p = gitlab(issue({ labels: [IN_PROGRESS, MEDIUM], assignees: [BOT, user("mops.member1")], author: user("mops.member1"), labelEvents: [labelEvent(IN_PROGRESS, "2026-11-10T14:00:00Z", "add", "mops-bot")] }));
    const body = noteOf((await run(p)).plan);
    expect(body).not.toContain("@mops-bot");
    expect(body.match(/@mops\.member1/g)).toHaveLength(1);
  });
});

describe("documents the bot made", () => {
  it("C9: a tool audit the bot opened gets no stage, priority, ping or SLA note; the same issue by a person does", async () => {
    const audit = (author: string) =>
      issue({
        author: user(author),
        title: "Tool user audit: ZoomInfo — 2026-10",
        labels: ["Mktg Tool Audit", "ZoomInfo"],
        assignees: [user("mops.member2")],
        description: "Please review the seats.\n\n<!-- mops-bot:tool-audit:ZoomInfo:2026-10 -->",
        createdAt: new Date("2026-10-01T14:00:00Z"),
      });
    const bots = await run(gitlab(audit("mops-bot")));
    expect(bots.plan.update).toEqual({ addLabels: [], removeLabels: [] });
    expect(bots.plan.note).toBeNull();
    const persons = await run(gitlab(audit("dan.fieldmktg")));
    expect(persons.plan.update.addLabels).toContain(TRIAGE);
  });

  it("C9: housekeeping still applies to them: a misspelled label on the bot's own issue is repaired", async () => {
    const outcome = await run(gitlab(issue({ author: BOT, labels: ["Mktg Tool Audit", "MktgOpsPriority::02-Medium"], description: "<!-- mops-bot:tool-audit:ZoomInfo:2026-10 -->" })));
    expect(outcome.plan.update).toEqual({ addLabels: [MEDIUM], removeLabels: ["MktgOpsPriority::02-Medium"] });
  });
});

describe("priorities are set by people", () => {
  // Handbook 000_3a3b18768e4599ed.txt:265-269: new issues are prioritised in the bi-weekly meeting.
  const DAY = 86_400_000;
  const later = (days: number): RuleContext => ({ ...context, now: new Date(NOW.getTime() + days * DAY) });
  const slaLabels = (labels: string[]) => labels.filter((l) => l.startsWith("mops-bot-sla::"));

  it("C4: an issue without a priority gets none from the bot, so no SLA clock starts: no warning or breach weeks later", async () => {
    const p = gitlab(issue({ labels: [IN_PROGRESS], assignees: [user("mops.member1")], milestone: CURRENT, createdAt: new Date(NOW.getTime() - 40 * DAY) }));
    const first = await run(p);
    expect(first.plan.update.addLabels.filter((l) => l.startsWith("MktgOpsPriority"))).toEqual([]);
    expect(first.plan.note).toBeNull();
    for (const days of [0, 10, 30, 90]) {
      const outcome = await reconcileSnapshot(p.current(), { platform: p, rules, ctx: later(days) });
      expect(outcome.plan.update, `${days} days later`).toEqual({ addLabels: [], removeLabels: [] });
      expect(outcome.plan.note, `${days} days later`).toBeNull();
    }
    expect(p.current().labels).toEqual([IN_PROGRESS]);
  });

  it("C4: the clock runs from a priority a person chose, and only then", async () => {
    const created = new Date(NOW.getTime() - 40 * DAY).toISOString();
    const p = gitlab(issue({ labels: [IN_PROGRESS, MEDIUM], assignees: [user("mops.member1")], milestone: CURRENT, createdAt: new Date(created), labelEvents: [labelEvent(MEDIUM, created, "add", "requester"), labelEvent(IN_PROGRESS, created)] }));
    const outcome = await run(p);
    expect(slaLabels(outcome.plan.update.addLabels)).toEqual(["mops-bot-sla::breached"]);
  });

  it("C4: FYI and List Import issues are never asked for a priority", async () => {
    for (const label of ["MktgOps - FYI", "MktgOps - List Import"]) {
      const outcome = await run(gitlab(issue({ labels: [label], createdAt: new Date(NOW.getTime() - 40 * DAY) })));
      expect(outcome.plan.update.addLabels.filter((l) => l.startsWith("MktgOpsPriority")), label).toEqual([]);
      expect(outcome.plan.note?.body ?? "", label).not.toMatch(/priority/i);
    }
  });
});

describe("rules that undo each other", () => {
  const rule = (id: string, act: (s: ResourceSnapshot) => ReturnType<Rule["evaluate"]>): Rule => ({ id, description: id, appliesTo: ["issue"], needs: () => ({}), evaluate: act });
  const add = (id: string, label: string) => ({ type: "add_labels" as const, labels: [label], rule: id, reason: `${id} adds ${label}` });
  const remove = (id: string, label: string) => ({ type: "remove_labels" as const, labels: [label], rule: id, reason: `${id} removes ${label}` });
  const [X, Y] = ["Marketo", "MktgOps - FYI"];
  // {} -> {X} -> {Y} -> {}: every state comes back.
  const cycle = [
    rule("starter", (s) => (s.labels.includes(X) || s.labels.includes(Y) ? [] : [add("starter", X)])),
    rule("swapper", (s) => (s.labels.includes(X) ? [remove("swapper", X), add("swapper", Y)] : [])),
    rule("cleaner", (s) => (s.labels.includes(Y) ? [remove("cleaner", Y), { type: "comment" as const, body: "I removed it.", marker: "cleaner:y", rule: "cleaner", reason: "cleans" }] : [])),
  ];

  it("an oscillation writes nothing for the contested labels, tells nobody, and reports the rules", async () => {
    const p = gitlab(issue({ labels: ["Marketo-free"] }));
    const outcome = await reconcileSnapshot(p.current(), { platform: p, rules: cycle, ctx: context });
    expect(outcome.plan.update).toEqual({ addLabels: [], removeLabels: [] });
    expect(outcome.plan.note).toBeNull();
    expect(outcome.plan.conflicts).toHaveLength(1);
    expect(outcome.plan.conflicts[0]!.message).toMatch(/"starter", "swapper", "cleaner" undo each other's changes/);
    expect(outcome.plan.conflicts[0]!.subject).toBe(`label ${X}, label ${Y}`);
    expect(p.applied).toEqual([]);
    // `rules explain` does not claim the rules came to rest.
    const rounds = renderConvergence(summariseConvergence(outcome.convergence!)).join("\n");
    expect(rounds).toContain("The rules keep undoing each other's changes");
    expect(rounds).not.toContain("no rule proposes a further change");
  });

  it("a plan still changing after the round limit is a conflict on what the last round changed", async () => {
    const chain = ["MktgOps::00: Triage", "Marketo", "MktgOps - FYI", "MktgOps - List Import", "mops-bot::needs-attention", "entapps-customer::MOPS", "MktgOpsPriority:: 03-Low"];
    const grower = rule("grower", (s) => {
      const next = chain.find((l) => !s.labels.includes(l));
      return next ? [add("grower", next)] : [];
    });
    const outcome = await reconcileSnapshot(gitlab(issue({ labels: [] })).current(), { platform: gitlab(issue()), rules: [grower], ctx: context });
    expect(outcome.plan.conflicts.map((c) => c.message)).toEqual([expect.stringContaining("still changes after 5 rounds")]);
    expect(outcome.plan.update.addLabels).toEqual(chain.slice(0, 4));
  });
});
