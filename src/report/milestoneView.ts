/**
 * The current milestone: what was committed (every issue in it, open or closed), what is done
 * (closed, or in a completing step such as `MktgOps::08: Completed`), a burn-up by day, and the
 * issues rolled over into it from earlier milestones (the bot's rollover notes say so).
 *
 * The burn-up's scope line counts each issue now in the milestone from the day it was opened (or
 * the milestone's first day): GitLab's issue lists do not say when an issue joined a milestone.
 */
import type { BusinessCalendar } from "../domain/calendar.js";
import { addDays } from "../domain/calendar/days.js";
import { byRef, formatRef, type ResourceSnapshot } from "../domain/snapshot.js";
import type { CompiledPolicy } from "../policy/model.js";
import { endOfLocalDay } from "../rules/sla/time.js";
import { carriedSince } from "./age.js";
import { issueListUrl, type ListScope } from "./links.js";
import type { MilestoneInput, MilestoneModel } from "./types.js";
import { issueLine } from "./workflowView.js";

/** Labels that mean the work is done though the issue may stay open (steps that complete, may close or close). */
export function completingLabels(policy: CompiledPolicy): string[] {
  return [...new Set(policy.workflows.flatMap((w) => w.steps.filter((s) => s.completes === true || s.mayClose || s.closes === true).map((s) => s.label)))];
}

/** When the issue's work was done: its close, or when it reached a completing step; null when not done. */
export function completedAt(policy: CompiledPolicy, s: ResourceSnapshot, done: string[]): Date | null {
  if (s.state !== "opened") return s.closedAt ?? s.updatedAt;
  const label = done.find((d) => s.labels.some((l) => (policy.taxonomy.canonical(l) ?? l) === d));
  if (label === undefined) return null;
  return carriedSince(s.labelEvents, (l) => (policy.taxonomy.canonical(l) ?? l) === label, s.updatedAt);
}

export function buildMilestone(
  policy: CompiledPolicy,
  calendar: BusinessCalendar,
  input: MilestoneInput,
  open: ResourceSnapshot[],
  now: Date,
  gitlabUrl: string,
): MilestoneModel {
  const m = input.current;
  const scope: ListScope = { group: policy.scope.group };
  const openHere = open.filter((s) => s.milestone?.id === m.id);
  const all = [...openHere, ...input.closed];
  const done = completingLabels(policy);
  const finished = all.map((s) => ({ s, at: completedAt(policy, s, done) }));
  const completedOpen = finished.filter((f) => f.s.state === "opened" && f.at !== null).length;
  const today = calendar.today(now);
  const first = m.startDate ?? calendar.today(all.reduce((min, s) => (s.createdAt < min ? s.createdAt : min), now));
  const last = m.dueDate !== null && m.dueDate < today ? m.dueDate : today;
  const burnUp: MilestoneModel["burnUp"] = [];
  for (let day = first; day <= last && burnUp.length < 120; day = addDays(day, 1)) {
    const end = day === today ? now : endOfLocalDay(day, calendar.timeZone);
    burnUp.push({
      date: day,
      scope: all.filter((s) => s.createdAt <= end || calendar.today(s.createdAt) <= first).length,
      completed: finished.filter((f) => f.at !== null && f.at <= end).length,
    });
  }
  const rolledOver = all
    .filter((s) => input.rolledOver.has(formatRef(s.ref)))
    .map((s) => ({ ...issueLine(s), from: input.rolledOver.get(formatRef(s.ref))!, state: s.state }))
    .sort(byRef);
  const doneLabel = done.find((d) => d.startsWith("MktgOps::")) ?? done[0];
  return {
    title: m.title,
    url: m.webUrl ?? null,
    startDate: m.startDate,
    dueDate: m.dueDate,
    committed: { value: all.length, href: issueListUrl(gitlabUrl, scope, { milestone: m.title, state: "all" }) },
    completed: input.closed.length + completedOpen,
    closed: { value: input.closed.length, href: issueListUrl(gitlabUrl, scope, { milestone: m.title, state: "closed" }) },
    completedOpen: { value: completedOpen, href: issueListUrl(gitlabUrl, scope, { milestone: m.title, labels: doneLabel ? [doneLabel] : [] }) },
    open: { value: openHere.length - completedOpen, href: issueListUrl(gitlabUrl, scope, { milestone: m.title, notLabels: done }) },
    burnUp,
    rolledOver,
  };
}
