/**
 * Reading less must not change a decision. For seeded random issues and merge requests of every
 * kind the test policies know (MOps stages, Sales Systems steps and commands, SLAs and due dates,
 * triage rules, intake checks, scoped labels and aliases, reopens after a milestone, handbook
 * updates), with a history consistent the way GitLab keeps it (every event and note at or before
 * updated_at), the plan the engine makes reading only the history the rules ask for equals the plan
 * made with all history read, and so does what the adoption report lists for it. Each resource is
 * judged twice: as generated, and after the bot's own plan was applied (its notes and markers then
 * in the history).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ResourcePlan } from "../../../src/domain/plan.js";
import { type LabelEvent, type MilestoneInfo, type NoteInfo, type ResourceSnapshot, type StateEvent, withoutHistory } from "../../../src/domain/snapshot.js";
import { project } from "../../../src/engine/projection.js";
import { planSnapshot } from "../../../src/engine/reconcile.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { buildRules } from "../../../src/rules/registry.js";
import { backlogFindings } from "../../../src/rules/rollout/backlog.js";
import type { Rule, RuleContext } from "../../../src/rules/types.js";
import { BOT, CURRENT, MOPS_PROJECT, NEXT, NOW, PAST, SALES_PROJECT, issue, note, user } from "../../support/builders.js";
import { memoryPlatform, type MemoryPlatform } from "../../support/memoryPlatform.js";
import { mopsRuleSet } from "../../support/policies.js";
import { PEOPLE, PRIORITIES, SALES_STEPS, STAGES, generator } from "../../support/randomBoard.js";

const CASES = 400;
const DAY = 86_400_000;
const MILESTONES: MilestoneInfo[] = [PAST, CURRENT, NEXT];
const HANDBOOK = "gitlab-com/content-sites/handbook";

/** mulberry32: the same seed gives the same resource, so a failure names a seed that reproduces it. */
const ABM = ["mktg-status::triage", "mktg-status::wip", "mktg-status::blocked", "ABM-Priority::Top", "ABM-Priority::High"];
const ALIASES = ["MktgOps::0 - To Be Triaged", "MktgOps::3 - In Process", "MktgOpsPriority::02-Medium", "MktgOps-Priority::2 - Action Needed", "MtkgOpsPrio::04: Actioned"];
const OTHER = ["MktgOps - List Import", "MktgOps - FYI", "Marketo", "Ops Tool Evaluation", "mops-bot::needs-attention", "mops-bot-sla::at-risk", "mops-bot-sla::breached", "mops-bot summary"];
const COMMENTS = ["Any update on this?", "@mops-bot approve", "Blocked by the vendor until Friday.", "UAT\n\nTested, works.", "Done on my side."];

/** A resource with a whole history, consistent as GitLab keeps it: every event at or before updated_at. */
function randomResource(seed: number): ResourceSnapshot {
  const g = generator(seed);
  const mr = g.next() < 0.12;
  const project = mr ? g.pick([HANDBOOK, MOPS_PROJECT]) : g.pick([MOPS_PROJECT, MOPS_PROJECT, MOPS_PROJECT, SALES_PROJECT]);
  const createdAt = new Date(NOW.getTime() - (g.next() < 0.3 ? g.int(4 * DAY) : g.int(200 * DAY)) - 3_600_000);
  const span = NOW.getTime() - createdAt.getTime();
  const at = () => new Date(createdAt.getTime() + g.int(span));
  const steps = project === SALES_PROJECT ? SALES_STEPS : STAGES;
  const labels = [
    ...g.some(steps, 0.14),
    ...g.some(PRIORITIES, 0.25),
    ...g.some(ALIASES, 0.06),
    ...g.some(OTHER, 0.08),
    ...g.some(ABM, 0.05),
    ...(project === SALES_PROJECT && g.next() < 0.7 ? ["entapps-customer::MOPS"] : []),
    ...(mr && g.next() < 0.5 ? ["MktgOps - HB Update"] : []),
  ];
  let id = 10;
  const by = () => user(g.pick([...PEOPLE, BOT.username]));
  // Each label on it was added at some moment (some long since removed and added again); a few
  // labels came and went.
  const labelEvents: LabelEvent[] = [];
  for (const label of labels) {
    if (g.next() < 0.15) continue; // set at creation, before label events were kept
    if (g.next() < 0.2) labelEvents.push({ id: id++, action: "remove", label, user: by(), createdAt: at() });
    labelEvents.push({ id: id++, action: "add", label, user: by(), createdAt: at() });
  }
  for (const gone of g.some(steps, 0.08)) {
    if (labels.includes(gone)) continue;
    labelEvents.push({ id: id++, action: "add", label: gone, user: by(), createdAt: at() }, { id: id++, action: "remove", label: gone, user: by(), createdAt: at() });
  }
  labelEvents.sort((a, b) => +a.createdAt - +b.createdAt || a.id - b.id);
  const notes: NoteInfo[] = g.some(COMMENTS, 0.2).map((body) => note(body, at().toISOString(), g.pick(PEOPLE)));
  if (g.next() < 0.2) notes.push(note("changed the description", at().toISOString(), g.pick(PEOPLE), { system: true }));
  const state = mr ? g.pick(["opened", "opened", "merged"] as const) : g.pick(["opened", "opened", "opened", "closed"] as const);
  const stateEvents: StateEvent[] = [];
  if (g.next() < 0.2 || state === "closed") stateEvents.push({ id: id++, state: "closed", user: by(), createdAt: at() });
  if (stateEvents.length > 0 && state === "opened") stateEvents.push({ id: id++, state: "reopened", user: by(), createdAt: new Date(Math.max(...stateEvents.map((e) => +e.createdAt)) + g.int(3 * DAY)) });
  const times = [createdAt, ...labelEvents.map((e) => e.createdAt), ...notes.map((n) => n.createdAt), ...stateEvents.map((e) => e.createdAt)];
  const lastEvent = Math.max(...times.map(Number));
  // Some other field (the description, an assignee) may have changed after the last event.
  const updatedAt = new Date(Math.min(NOW.getTime(), lastEvent + (g.next() < 0.5 ? 0 : g.int(20 * DAY))));
  const closedAt = state === "opened" ? null : (stateEvents.at(-1)?.createdAt ?? updatedAt);
  const base = issue({
    iid: 3000 + seed,
    projectPath: project,
    labels,
    labelEvents,
    notes,
    stateEvents,
    state,
    closedAt,
    milestone: g.pick([null, null, PAST, CURRENT, NEXT]),
    assignees: g.some(PEOPLE.slice(0, 3), 0.3).map((u) => user(u)),
    author: user(g.pick(PEOPLE)),
    createdAt,
    updatedAt,
    description: g.pick(["As a marketer, I would like X, so that Y.", "Send the invitation on Thursday.", "Import for jane.doe@acme.io", "Tier: 2 tool request", ""]),
    dueDate: g.next() < 0.1 ? "2026-11-20" : null,
    userNotesCount: notes.filter((n) => !n.system).length,
  });
  if (!mr) return base;
  return {
    ...base,
    kind: "merge_request",
    ref: { ...base.ref, kind: "merge_request" },
    projectRoles: project === HANDBOOK ? ["handbook"] : base.projectRoles,
    draft: g.next() < 0.5,
    mergedAt: state === "merged" ? closedAt : null,
  };
}

/** What a plan decides: its changes, the note and its markers, the reasons given. */
const decision = (plan: ResourcePlan) => ({ update: plan.update, actions: plan.actions, note: plan.note, conflicts: plan.conflicts });

/** The memory platform, counting the history reads asked of it. */
function counted(platform: MemoryPlatform): MemoryPlatform & { reads: string[] } {
  const reads: string[] = [];
  return Object.assign(platform, {
    reads,
    labelEvents: async () => (reads.push("labelEvents"), [...platform.resource.labelEvents]),
    notes: async () => (reads.push("notes"), [...platform.resource.notes]),
    stateEvents: async () => (reads.push("stateEvents"), [...platform.resource.stateEvents]),
  });
}

let rules: Rule[];
let context: RuleContext;
beforeAll(async () => {
  ({ rules, context } = await mopsRuleSet({ now: NOW, milestones: MILESTONES, botUsername: BOT.username }));
});

/** The rules and context of the test policies with rollout.yml's adopted_on moved to `adoptedOn`. */
function adoptedOn(adoptedOn: string): { rules: Rule[]; context: RuleContext } {
  const policy: CompiledPolicy = { ...context.policy, rollout: { ...context.policy.rollout!, adoptedOn } };
  return { rules: buildRules(policy), context: { ...context, policy } };
}

/** The plan reading only what the rules ask for, the plan with all history given, and the reads made. */
async function bothPlans(s: ResourceSnapshot, set: { rules: Rule[]; context: RuleContext }) {
  const platform = counted(memoryPlatform(s, { bot: BOT, now: NOW, milestones: MILESTONES }));
  const cut = await planSnapshot(withoutHistory(s), { platform, rules: set.rules, ctx: set.context });
  const all = await planSnapshot(s, { platform: memoryPlatform(s, { bot: BOT, now: NOW, milestones: MILESTONES }), rules: set.rules, ctx: set.context });
  // What the adoption report lists for the resource (the sweep judges the state the plan leaves) is decided too.
  const listed = (o: typeof cut) => backlogFindings(o.projected ?? o.snapshot ?? s, set.rules, set.context);
  return { cut: { ...decision(cut.plan), listed: listed(cut) }, all: { ...decision(all.plan), listed: listed(all) }, reads: platform.reads, plan: all.plan };
}

/** Seeds 1..cases judged twice each (as generated, and after the bot's own plan); the failures, and how much the cuts and the rules did. */
async function readLessProperty(cases: number, set: { rules: Rule[]; context: RuleContext }) {
  const failures: string[] = [];
  let acted = 0;
  let saved = 0;
  for (let seed = 1; seed <= cases; seed++) {
    const s = randomResource(seed);
    const first = await bothPlans(s, set);
    if (JSON.stringify(first.cut) !== JSON.stringify(first.all)) failures.push(`seed ${seed}: ${JSON.stringify({ cut: first.cut, all: first.all })}`);
    if (first.all.actions.length > 0) acted++;
    saved += 3 - first.reads.length;
    // The bot's plan applied (its note and markers now in the history, updated_at moved), a day later.
    const platform = memoryPlatform(s, { bot: BOT, now: NOW, milestones: MILESTONES });
    await platform.apply(first.plan);
    const after: ResourceSnapshot = { ...platform.current(), ...platform.resource, updatedAt: first.plan.note || first.all.actions.length ? NOW : s.updatedAt };
    const second = await bothPlans({ ...after, labelEvents: platform.resource.labelEvents, notes: platform.resource.notes, stateEvents: platform.resource.stateEvents }, set);
    if (JSON.stringify(second.cut) !== JSON.stringify(second.all)) failures.push(`seed ${seed} after its plan: ${JSON.stringify({ cut: second.cut, all: second.all })}`);
  }
  return { failures, acted, saved };
}

describe("reading only the history the rules ask for", () => {
  it(`gives the plan that reading all history gives (${CASES} seeded issues and merge requests, before and after the bot's own plan)`, async () => {
    const { failures, acted, saved } = await readLessProperty(CASES, { rules, context });
    expect(failures).toEqual([]);
    // The generator must exercise the rules and the cuts, or the property says nothing.
    expect(acted).toBeGreaterThan(CASES / 3);
    expect(saved).toBeGreaterThan(CASES);
  });

  // The SLA clocks count from the adoption date, and the backlog (issues created before it) is
  // treated apart: with adopted_on inside the generated histories (issues changed before, across and
  // after it) and after NOW (no clock has counted yet), the cuts must not change a plan either.
  it.each(["2026-10-19", "2026-11-16", "2026-12-04"])(`gives the plan that reading all history gives with adopted_on %s (${CASES / 2} seeded issues)`, async (date) => {
    const { failures, saved } = await readLessProperty(CASES / 2, adoptedOn(date));
    expect(failures).toEqual([]);
    expect(saved).toBeGreaterThan(CASES / 2);
  });

  // Alone, so that history another rule asks for cannot hide a cut that is too eager: the SLA
  // clocks and the stage workflow, whose reads depend on the adoption date and the step's needs.
  it.each(["2020-01-01", "2026-10-19", "2026-11-16", "2026-12-04"])(`gives the plan that reading all history gives with the SLA and workflow rules alone, adopted_on %s`, async (date) => {
    const set = adoptedOn(date);
    for (const prefix of ["sla", "workflow:"]) {
      const { failures } = await readLessProperty(CASES, { ...set, rules: set.rules.filter((r) => r.id.startsWith(prefix)) });
      expect(failures, prefix).toEqual([]);
    }
  });
});

describe("a plan's own changes", () => {
  const projector = { bot: BOT, now: NOW, milestones: MILESTONES };
  const old = issue({ labels: [], createdAt: new Date(NOW.getTime() - 300 * DAY), updatedAt: new Date(NOW.getTime() - 120 * DAY), userNotesCount: 1 });
  const addTriage = { addLabels: ["MktgOps::00: Triage"], removeLabels: [] };
  const rule = (id: string) => rules.find((r) => r.id === id)!;

  it("do not make a person's touch recent: an issue nobody touched for 120 days is still untouched once the bot labels it", () => {
    const projected = project(old, addTriage, [], projector);
    expect(projected.updatedAt).toEqual(NOW);
    expect(rule("triage:untouched-30-days").needs(projected, context)).toEqual({});
    expect(rule("triage:untouched-30-days").needs(old, context)).toEqual({});
  });

  it("put a label on since now: the label the plan adds has not been on for 5 business days, whatever the unread history says", async () => {
    const projected = project(old, addTriage, [], projector);
    expect(rule("triage:triage-dri-ping").needs(projected, context)).toEqual({});
    expect(rule("triage:triage-dri-ping").evaluate(projected, context)).toEqual([]);
    // With the history read, the same answer.
    const read = project({ ...old, labelEvents: [] }, addTriage, [], projector);
    expect(rule("triage:triage-dri-ping").evaluate(read, context)).toEqual([]);
  });
});
