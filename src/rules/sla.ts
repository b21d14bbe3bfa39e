/**
 * SLA rules (policies/sla.yml):
 * - `sla`: keeps the at-risk and breached labels in step with every SLA clock on the resource and
 *   leaves one note at warning (to the assignees, or a group when unassigned) and one at breach
 *   (mentioning the policy's group) per episode of the clock. When an SLA is met or the priority is
 *   removed, its labels go.
 * - `sla:due-date`: a due date earlier than the SLA allows after the details were complete
 *   (ABM: 5 business days) is moved once, with a note saying why. A date the allowed people
 *   (a people group and the assignees) set after that stands; one anyone else set is put back.
 * Label history is asked for only for resources an SLA covers whose clock could be at risk or
 * breached now (counted from the adoption date), and state history only once the label history's
 * clock alarms: a history that cannot change the outcome is not read.
 */
import { adoptedAt, slaCountsFrom } from "./rollout/adoption.js";
import type { Action } from "../domain/actions.js";
import { scopeKeyOf } from "../domain/labels.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { CompiledPolicy, SlaDef } from "../policy/model.js";
import { clockHistory, clockMayRun, evaluateSlas, has, slaCovers, slaDefinitions, type SlaOutcome } from "./sla/evaluate.js";
import { alarmPossible, computeClock } from "./sla/clock.js";
import { breachRecipients, clockFacts, dueDateRecipients, renderSlaNote, slaMarker, warningRecipients } from "./sla/notes.js";
import { dueDateChanges, type DueDateChange } from "./sla/dueDateChanges.js";
import { markerKey } from "../domain/markers.js";
import { mention } from "../domain/text.js";
import { describeGoal, formatMoment } from "./sla/time.js";
import { botUsernameOf, inGroup, isBot, type Rule, type RuleContext, type RuleFactory } from "./types.js";

const SLA_RULE = "sla";
const DUE_DATE_RULE = "sla:due-date";

/** Every label an SLA sets, so labels of SLAs that no longer hold are found and removed. */
function managedLabels(defs: SlaDef[]): Set<string> {
  const labels = new Set<string>();
  for (const d of defs) {
    if (d.warning.label) labels.add(d.warning.label);
    if (d.breach.label) labels.add(d.breach.label);
  }
  return labels;
}

function describeState(o: SlaOutcome, timeZone: string): string {
  const due = o.clock.due ? `due ${formatMoment(o.clock.due, timeZone)}` : "no due moment";
  const what = o.clock.episode?.priority ? `${o.clock.episode.priority} (${describeGoal(o.clock.episode.goal)})` : describeGoal(o.clock.episode!.goal);
  return `SLA ${o.def.id}: ${what}, ${due}`;
}

/** Labels wanted by the clocks: breach labels first; a warning label sharing a breach label's scope gives way. */
function wantedLabels(outcomes: SlaOutcome[]): { label: string; outcome: SlaOutcome; kind: "warning" | "breach" }[] {
  const wanted: { label: string; outcome: SlaOutcome; kind: "warning" | "breach" }[] = [];
  for (const o of outcomes) if (o.clock.state === "breached" && o.def.breach.label) wanted.push({ label: o.def.breach.label, outcome: o, kind: "breach" });
  const breachScopes = new Set(wanted.map((w) => scopeKeyOf(w.label)).filter((k) => k !== null));
  for (const o of outcomes) {
    const label = o.def.warning.label;
    if (!o.clock.atRisk || !label || wanted.some((w) => w.label === label)) continue;
    const scope = scopeKeyOf(label);
    if (scope !== null && breachScopes.has(scope)) continue;
    wanted.push({ label, outcome: o, kind: "warning" });
  }
  return wanted;
}

/**
 * Whether the SLA's clock, for a priority the resource has now, could be at risk or breached now
 * (sla/clock.ts `alarmPossible`): an episode still running has the goal of the priority on the
 * resource now, since a priority change ends it. When no goal can, the label events and state
 * events cannot change the outcome: nothing is added and no note is due.
 */
export function mayHaveReachedWarning(def: SlaDef, s: ResourceSnapshot, ctx: RuleContext): boolean {
  const history = { createdAt: s.createdAt, milestoneDue: s.milestone?.dueDate ?? null, ...countsFromOf(ctx.policy) };
  return def.goals.some(({ label, goal }) => (label === null || has(ctx.policy.taxonomy, s, label)) && alarmPossible(def, goal, history, ctx.calendar, ctx.now));
}

/**
 * Whether the clock replayed from the label events alone (no close or reopen but the current one)
 * is at risk or breached now, or a second later. Closes and reopenings only end episodes and start
 * later ones, which count less time towards a duration goal and warn later before a milestone's
 * due date: when this clock does not alarm, the one with the state events does not either. The
 * second covers events of one moment grouped differently once state changes join them
 * (sla/clock.ts, SAME_MOMENT_MS).
 */
function alarmsWithoutReopenings(def: SlaDef, s: ResourceSnapshot, ctx: RuleContext): boolean {
  const history = clockHistory({ ...s, stateEvents: undefined }, slaCountsFrom(ctx.policy));
  if (history === null) return true;
  return [ctx.now, new Date(ctx.now.getTime() + 1000)].some((at) => {
    const clock = computeClock(def, history, ctx.calendar, at, ctx.policy.taxonomy);
    return clock.state === "breached" || clock.atRisk;
  });
}

/** The `countsFrom` of a clock's history under rollout.yml (absent when time before adoption counts). */
function countsFromOf(policy: CompiledPolicy): { countsFrom?: Date } {
  const from = slaCountsFrom(policy);
  return from === null ? {} : { countsFrom: from };
}

/**
 * A goal that was already missed before the bot was adopted (rollout.yml) is not news to announce:
 * it is tagged so that it goes into the adoption report instead (sla.missed_before_adoption).
 */
function missedBeforeAdoption(o: SlaOutcome, policy: CompiledPolicy): { adoption?: "sla-missed" } {
  const due = o.clock.due;
  return policy.rollout !== undefined && due !== null && due < adoptedAt(policy.rollout) ? { adoption: "sla-missed" } : {};
}

function createSlaRule(policy: CompiledPolicy): Rule {
  const defs = slaDefinitions(policy);
  const managed = managedLabels(defs);
  return {
    id: SLA_RULE,
    description: "SLA clocks on the business calendar: at-risk and breached labels, one note at warning and at breach.",
    appliesTo: [...new Set(defs.flatMap((d) => d.appliesTo))],
    needs(s, ctx) {
      // A resource carrying none of the SLA labels whose clock cannot be at risk yet (even running
      // non-stop since the resource was created, counted from the adoption date) needs no history:
      // the answer is "nothing to do" whatever the label events say. This keeps a sweep of young
      // issues, and of every issue in the first days after adoption, cheap.
      const carriesSlaLabel = s.labels.some((l) => managed.has(l));
      const mayMatter = defs.filter((d) => clockMayRun(d, s, policy.taxonomy) && (carriesSlaLabel || mayHaveReachedWarning(d, s, ctx)));
      if (mayMatter.length === 0) return {};
      // State events let the clock see a close and a reopen (a new episode from the reopening). An
      // SLA label's removal says which state the clock is in, so it needs them at once; otherwise
      // the label events come first, and only a clock they alarm needs the state events too. The
      // listing cannot stand in for them: a reopen clears closed_at and closed_by (gitlabhq
      // app/models/issue.rb, `before_transition closed: :opened`), so an open issue never shows it was closed.
      if (carriesSlaLabel) return { labelEvents: true, stateEvents: true };
      if (s.labelEvents === undefined) return { labelEvents: true };
      return mayMatter.some((d) => alarmsWithoutReopenings(d, s, ctx)) ? { labelEvents: true, stateEvents: true } : { labelEvents: true };
    },
    evaluate(s, ctx) {
      const outcomes = evaluateSlas(s, policy, ctx.calendar, ctx.now);
      const tz = ctx.calendar.timeZone;
      const actions: Action[] = [];
      const wanted = wantedLabels(outcomes);
      const wantedNames = new Set(wanted.map((w) => w.label));
      for (const w of wanted) {
        if (s.labels.includes(w.label)) continue;
        const verb = w.kind === "breach" ? "was missed" : "is at risk";
        const tag = w.kind === "breach" ? missedBeforeAdoption(w.outcome, policy) : {};
        actions.push({ type: "add_labels", labels: [w.label], rule: SLA_RULE, reason: `The goal ${verb}: ${describeState(w.outcome, tz)}.`, ...tag });
      }
      const stale = s.labels.filter((l) => managed.has(l) && !wantedNames.has(l));
      if (stale.length > 0) {
        const why = outcomes.some((o) => o.clock.state === "breached" || o.clock.atRisk)
          ? "The SLA moved on to another state"
          : outcomes.some((o) => o.clock.state === "met")
            ? "The SLA was met"
            : "No SLA clock is running on it any more (no priority, or not covered by an SLA)";
        actions.push({ type: "remove_labels", labels: stale, rule: SLA_RULE, reason: `${why}.` });
      }
      for (const o of outcomes) {
        const e = o.clock.episode;
        if (e === null || e.endedAt !== null) continue;
        if (o.clock.state === "breached" && o.def.breach.template) {
          const reason = `The goal was missed: ${describeState(o, tz)}.`;
          actions.push({
            type: "comment",
            rule: SLA_RULE,
            reason,
            ...missedBeforeAdoption(o, policy),
            marker: slaMarker(o.def, "breach", e.startedAt),
            body: renderSlaNote(o.def.breach.template, policy, ctx.calendar, s, clockFacts(o.def, o.clock), {
              recipient: breachRecipients(o.def, s, policy),
              group: o.def.breach.mentionGroup,
              reason,
              rule: SLA_RULE,
            }),
          });
        } else if (o.clock.atRisk && o.def.warning.template) {
          const reason = `The goal is at risk: ${describeState(o, tz)}.`;
          actions.push({
            type: "comment",
            rule: SLA_RULE,
            reason,
            marker: slaMarker(o.def, "warning", e.startedAt),
            body: renderSlaNote(o.def.warning.template, policy, ctx.calendar, s, clockFacts(o.def, o.clock), {
              recipient: warningRecipients(o.def, s, policy),
              group: s.assignees.length > 0 ? null : o.def.warning.fallbackGroup,
              reason,
              rule: SLA_RULE,
            }),
          });
        }
      }
      return actions;
    },
  };
}

/** Due-date SLAs: covered, open and with a due date; the history says when details were complete. */
function dueDateMayMove(def: SlaDef, s: ResourceSnapshot, policy: CompiledPolicy): boolean {
  return def.dueDate !== null && s.state === "opened" && s.dueDate !== null && slaCovers(def, s, policy.taxonomy);
}

/** The handbook's people who may adjust the date after triage: the policy's group and the assignees. */
function mayAdjustDueDate(def: SlaDef, s: ResourceSnapshot, policy: CompiledPolicy, username: string): boolean {
  const group = def.dueDate?.adjustedOnlyBy;
  if (group === null || group === undefined) return true;
  return inGroup(policy, group, username) || s.assignees.some((a) => a.username.toLowerCase() === username.toLowerCase());
}

function dueDateActions(def: SlaDef, s: ResourceSnapshot, policy: CompiledPolicy, ctx: RuleContext): Action[] {
  const history = clockHistory(s, slaCountsFrom(policy));
  if (def.dueDate === null || history === null || s.dueDate === null || s.notes === undefined) return [];
  const clock = computeClock(def, history, ctx.calendar, ctx.now, policy.taxonomy);
  if (clock.readyAt === null) return [];
  const changes = dueDateChanges(s.notes);
  // Dates set before the details were complete are the requester's plan; from then on ("upon
  // triage") the latest change decides.
  const last = changes.at(-1);
  if (last !== undefined && last.at >= clock.readyAt && !isBot(last.by, ctx)) {
    if (mayAdjustDueDate(def, s, policy, last.by.username)) return [];
    const revert = dueDateRevert(def, s, policy, ctx, changes);
    if (revert !== null) return revert;
  }
  // The bot moves the date once per time the details became complete; after that the date is people's.
  const marker = slaMarker(def, "due-date", clock.readyAt);
  if (s.notes.some((n) => n.botMarkers.includes(marker))) return [];
  const earliest = ctx.calendar.today(ctx.calendar.addBusinessDays(clock.readyAt, def.dueDate.businessDays));
  if (s.dueDate >= earliest) return [];
  const ready = formatMoment(clock.readyAt, ctx.calendar.timeZone);
  const reason = `The due date ${s.dueDate} is earlier than the SLA allows: ${def.dueDate.businessDays} business days after the details were complete (${ready}) is ${earliest}.`;
  return [
    { type: "set_due_date", dueDate: earliest, rule: DUE_DATE_RULE, reason },
    {
      type: "comment",
      rule: DUE_DATE_RULE,
      reason,
      marker,
      body: renderSlaNote(def.dueDate.template, policy, ctx.calendar, s, {
        due: ctx.calendar.addBusinessDays(clock.readyAt, def.dueDate.businessDays),
        priority: clock.episode?.priority ?? "(any)",
        goal: `${def.dueDate.businessDays} business days after the details were complete (SLA \`${def.id}\`)`,
      }, {
        recipient: dueDateRecipients(s, botUsernameOf(ctx)),
        group: null,
        reason,
        rule: DUE_DATE_RULE,
        date: earliest,
      }),
    },
  ];
}

/**
 * Puts back a date changed after triage by someone the handbook does not allow, to the date it had
 * before that change (known from the previous system note). Null when that date is not known: the
 * first date is set with the issue, and GitLab writes no note for it.
 */
function dueDateRevert(def: SlaDef, s: ResourceSnapshot, policy: CompiledPolicy, ctx: RuleContext, changes: DueDateChange[]): Action[] | null {
  const last = changes.at(-1);
  const previous = changes.at(-2);
  const template = def.dueDate?.revertTemplate;
  if (last === undefined || previous === undefined || !template || previous.date === s.dueDate) return null;
  const group = def.dueDate!.adjustedOnlyBy!;
  const reason = `${last.by.username} changed the due date to ${last.date ?? "none"} after triage; only the assignees and ${group} may change it.`;
  return [
    { type: "set_due_date", dueDate: previous.date, rule: DUE_DATE_RULE, reason },
    {
      type: "comment",
      rule: DUE_DATE_RULE,
      reason,
      marker: markerKey("sla", def.id, "due-date-revert", String(last.noteId)),
      body: renderSlaNote(template, policy, ctx.calendar, s, { due: null, priority: "(any)", goal: `SLA \`${def.id}\`` }, {
        recipient: mention(last.by.username),
        group: `\`${group}\``,
        reason,
        rule: DUE_DATE_RULE,
        date: previous.date ?? "none",
      }),
    },
  ];
}

function createDueDateRule(policy: CompiledPolicy): Rule | null {
  const defs = slaDefinitions(policy).filter((d) => d.dueDate !== null);
  if (defs.length === 0) return null;
  return {
    id: DUE_DATE_RULE,
    description: "Moves a due date the SLA cannot meet to the earliest date it can, with a note.",
    appliesTo: [...new Set(defs.flatMap((d) => d.appliesTo))],
    needs(s) {
      // Notes: GitLab's system notes say who changed the due date, and the bot's note that it moved it.
      // State events: a close ends the details' readiness and a reopen starts it again; without
      // them the clock would see only a close that lasts, and the answer would depend on whether
      // the SLA rule happened to read them.
      return defs.some((d) => dueDateMayMove(d, s, policy)) ? { labelEvents: true, stateEvents: true, notes: true } : {};
    },
    evaluate(s, ctx) {
      // The first SLA that asks to move the date decides; two moving it differently would conflict.
      for (const d of defs) {
        if (!dueDateMayMove(d, s, policy)) continue;
        const actions = dueDateActions(d, s, policy, ctx);
        if (actions.length > 0) return actions;
      }
      return [];
    },
  };
}

export const slas: RuleFactory = {
  kind: "sla",
  create: (policy) => {
    if (slaDefinitions(policy).length === 0) return [];
    const due = createDueDateRule(policy);
    return due ? [createSlaRule(policy), due] : [createSlaRule(policy)];
  },
};
