/**
 * The SLA notes (warning, breach, due date moved) and their markers. A marker names the SLA, the
 * kind of note and the episode's start, so each note is posted once per episode of the clock.
 */
import type { BusinessCalendar } from "../../domain/calendar.js";
import { markerKey } from "../../domain/markers.js";
import { formatRef, type ResourceSnapshot } from "../../domain/snapshot.js";
import { renderTemplate, templateText, type TemplateValue } from "../../domain/templates.js";
import { mentionEach } from "../../domain/text.js";
import type { CompiledPolicy, SlaDef } from "../../policy/model.js";
import type { ClockEpisode, ClockResult } from "./clock.js";
import { describeGoal, formatMoment } from "./time.js";

export type SlaNoteKind = "warning" | "breach" | "due-date";

export function slaMarker(def: SlaDef, kind: SlaNoteKind, episodeStart: Date): string {
  return markerKey("sla", def.id, kind, episodeStart.toISOString());
}

/** `@a @b` for the members of a people group. */
export function groupMentions(policy: CompiledPolicy, group: string | null): string {
  return mentionEach(groupMembers(policy, group), policy.scope.botUsername);
}

const groupMembers = (policy: CompiledPolicy, group: string | null): string[] => (group === null ? [] : (policy.people[group] ?? []));
const assigneeMentions = (s: ResourceSnapshot, policy: CompiledPolicy) => mentionEach(s.assignees.map((a) => a.username), policy.scope.botUsername);

/** The warning goes to the assignees, or to the policy's group when nobody is assigned. */
export function warningRecipients(def: SlaDef, s: ResourceSnapshot, policy: CompiledPolicy): string {
  return s.assignees.length > 0 ? assigneeMentions(s, policy) : groupMentions(policy, def.warning.fallbackGroup);
}

/** The people a due-date note is for: the author (who set the date) and the assignees. */
export function dueDateRecipients(s: ResourceSnapshot, bot?: string): string {
  return mentionEach([s.author, ...s.assignees].map((u) => u.username), bot);
}

/** The breach note mentions the policy's group, and the assignees so they know too (each once). */
export function breachRecipients(def: SlaDef, s: ResourceSnapshot, policy: CompiledPolicy): string {
  return mentionEach([...groupMembers(policy, def.breach.mentionGroup), ...s.assignees.map((a) => a.username)], policy.scope.botUsername);
}

export function priorityText(e: ClockEpisode): string {
  return e.priority ?? "(one goal for every issue)";
}

/** What a note says about the clock. */
export interface SlaNoteFacts {
  due: Date | null;
  /** The priority label, or a phrase for an SLA with one goal. */
  priority: string;
  /** The goal in words, with the SLA's id. */
  goal: string;
}

export function clockFacts(def: SlaDef, clock: ClockResult): SlaNoteFacts {
  const e = clock.episode!;
  return { due: clock.due, priority: priorityText(e), goal: `${describeGoal(e.goal)} (SLA \`${def.id}\`)` };
}

export function renderSlaNote(
  template: string,
  policy: CompiledPolicy,
  calendar: BusinessCalendar,
  s: ResourceSnapshot,
  facts: SlaNoteFacts,
  extra: { recipient: string; group: string | null; reason: string; rule: string; date?: string },
): string {
  const values: Record<string, TemplateValue> = {
    recipient: { trusted: extra.recipient },
    group: { trusted: extra.group ?? "" },
    title: s.title,
    ref: { trusted: formatRef(s.ref) },
    url: { trusted: s.webUrl },
    "sla.due": { trusted: facts.due ? formatMoment(facts.due, calendar.timeZone) : "not set (the milestone has no due date)" },
    "sla.priority": { trusted: facts.priority },
    "sla.goal": { trusted: facts.goal },
    reason: { trusted: extra.reason },
    rule: { trusted: extra.rule },
    bot: { trusted: policy.scope.botUsername },
    date: { trusted: extra.date ?? "" },
  };
  return renderTemplate(templateText(policy.templates, template), values);
}
