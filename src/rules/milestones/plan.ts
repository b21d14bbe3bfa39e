/**
 * What the team's milestones should look like today, decided purely from the cadence and the
 * milestones GitLab has: which to create or correct (the current one and at most `ahead` beyond
 * it), which were created too far ahead, and which iterations ended while still active (their
 * open issues roll over to the current one).
 *
 * The team's iterations are the milestones titled like the team's (title_pattern) and, whatever
 * their titles, the active ones whose dates span one iteration ("two week iterations which are
 * tracked as milestones") AND that the team's own issues use: the top group (gitlab-com) holds
 * many teams' two-week milestones, and one no MOps issue is in is another team's, never ours. A
 * fortnight that already has an iteration of the team never gets a second one, and an iteration a
 * person named differently is left as they keep it.
 */
import type { BusinessCalendar } from "../../domain/calendar.js";
import type { MilestoneInfo } from "../../domain/snapshot.js";
import type { MilestonePolicy } from "../../policy/model.js";
import { inSlot, slotAt, slotByIndex, type CadenceSlot } from "./cadence.js";
import { policyRegex } from "../../policy/regex.js";
import { daysBetween } from "../../domain/calendar/days.js";

export type MilestoneFix<M extends MilestoneInfo = MilestoneInfo> =
  | { kind: "create"; slot: CadenceSlot }
  | { kind: "update"; slot: CadenceSlot; milestone: M; changes: { title?: string; startDate?: string; dueDate?: string } }
  | { kind: "ok"; slot: CadenceSlot; milestone: M }
  /** An iteration counted for an earlier fortnight reaches into this one: nothing to create. */
  | { kind: "covered"; slot: CadenceSlot; milestone: M };

export interface MilestoneFlag<M extends MilestoneInfo = MilestoneInfo> {
  milestone: M;
  problem: string;
}

export interface MilestonePlan<M extends MilestoneInfo = MilestoneInfo> {
  today: string;
  current: CadenceSlot;
  /** The current milestone first, then the ones ahead. */
  fixes: MilestoneFix<M>[];
  flags: MilestoneFlag<M>[];
  /** Iterations that ended and are still active, oldest first: their open issues roll over. */
  ended: M[];
  /** The fortnight before the current one, with its iteration when there is one (closed or not). */
  previous: { slot: CadenceSlot; milestone: M | undefined };
}

/** Whether the milestone's dates span one iteration: at least half of one, never more than one. */
function spansOneIteration(policy: MilestonePolicy, m: MilestoneInfo): boolean {
  if (m.startDate === null || m.dueDate === null) return false;
  const span = daysBetween(m.startDate, m.dueDate);
  return span >= Math.floor(policy.lengthDays / 2) && span < policy.lengthDays;
}

function titledLikeTheTeam(policy: MilestonePolicy, m: MilestoneInfo): boolean {
  return policyRegex(policy.titlePattern).test(m.title);
}

/** Ids of the milestones that issues of the team's project(s) use (open or closed ones). */
export type UsedByTeam = ReadonlySet<number>;

const isTemp = (policy: MilestonePolicy, m: MilestoneInfo): boolean => policy.tempPattern !== null && policyRegex(policy.tempPattern).test(m.title);

/**
 * Whether the milestone is the team's only if the team's issues use it: titled otherwise, but
 * dated like one of their iterations (whatever its state). Not a Temp holding milestone.
 */
export function datedLikeAnIteration(policy: MilestonePolicy, m: MilestoneInfo): boolean {
  return !isTemp(policy, m) && !titledLikeTheTeam(policy, m) && spansOneIteration(policy, m);
}

/**
 * The team's iterations among `milestones`: titled like the team's, or active with dates spanning
 * one iteration and used by the team's issues, whatever the title. Temp holding milestones never are.
 */
export function teamMilestones<M extends MilestoneInfo>(policy: MilestonePolicy, milestones: M[], usedByTeam: UsedByTeam): M[] {
  return milestones.filter(
    (m) => !isTemp(policy, m) && (titledLikeTheTeam(policy, m) || (m.state === "active" && datedLikeAnIteration(policy, m) && usedByTeam.has(m.id))),
  );
}

/**
 * Whether a milestone someone just closed is one of the team's iterations: titled like the
 * team's, or dated like one (closed, so its state no longer says) and used by the team's issues.
 */
export function isTeamIteration(policy: MilestonePolicy, m: MilestoneInfo, usedByTeam: UsedByTeam): boolean {
  return teamMilestones(policy, [{ ...m, state: "active" }], usedByTeam).length > 0;
}

/**
 * The milestones whose usage by the team's issues decides whether they are the team's: dated like
 * an iteration but titled otherwise, and either still active or reaching the fortnight before the
 * current one (the close guard looks at that one too). Older closed ones play no part.
 */
export function milestonesToCheckUsage<M extends MilestoneInfo>(policy: MilestonePolicy, calendar: BusinessCalendar, today: string, all: M[]): M[] {
  const previousStart = slotByIndex(policy, calendar, slotAt(policy, calendar, today).index - 1).cadenceStart;
  return all.filter((m) => datedLikeAnIteration(policy, m) && (m.state === "active" || (m.dueDate ?? "") >= previousStart));
}

/** Whether the milestone's days [start, due] meet the fortnight's. */
function overlaps(slot: CadenceSlot, m: MilestoneInfo): boolean {
  if (m.startDate === null) return false;
  const due = m.dueDate ?? m.startDate;
  return m.startDate < slot.cadenceEnd && due >= slot.cadenceStart;
}

/**
 * The iteration that stands for a fortnight: the one with the planned title, else one titled like
 * the team's that starts in it (a person created it under another date), else, for the current
 * fortnight, the one running today, else any whose days meet the fortnight's.
 */
export function milestoneForSlot<M extends MilestoneInfo>(policy: MilestonePolicy, slot: CadenceSlot, milestones: M[], today?: string): M | undefined {
  const running = (m: M) => today !== undefined && m.startDate !== null && m.startDate <= today && (m.dueDate === null || today <= m.dueDate);
  return (
    milestones.find((m) => m.title === slot.title) ??
    milestones.find((m) => titledLikeTheTeam(policy, m) && m.startDate !== null && inSlot(slot, m.startDate)) ??
    milestones.find((m) => running(m)) ??
    milestones.find((m) => overlaps(slot, m))
  );
}

function fixFor<M extends MilestoneInfo>(policy: MilestonePolicy, slot: CadenceSlot, milestone: M | undefined): MilestoneFix<M> {
  if (milestone === undefined) return { kind: "create", slot };
  // An iteration the team titled its own way is theirs to keep: its title and dates stay.
  if (!titledLikeTheTeam(policy, milestone)) return { kind: "ok", slot, milestone };
  const changes: { title?: string; startDate?: string; dueDate?: string } = {};
  if (milestone.title !== slot.title) changes.title = slot.title;
  if (milestone.startDate !== slot.startDate) changes.startDate = slot.startDate;
  if (milestone.dueDate !== slot.dueDate) changes.dueDate = slot.dueDate;
  return Object.keys(changes).length > 0 ? { kind: "update", slot, milestone, changes } : { kind: "ok", slot, milestone };
}

export function planMilestones<M extends MilestoneInfo>(policy: MilestonePolicy, calendar: BusinessCalendar, today: string, all: M[], usedByTeam: UsedByTeam): MilestonePlan<M> {
  const team = teamMilestones(policy, all, usedByTeam);
  const current = slotAt(policy, calendar, today);
  const fixes: MilestoneFix<M>[] = [];
  const used = new Set<number>();
  for (let i = 0; i <= policy.ahead; i++) {
    const slot = slotByIndex(policy, calendar, current.index + i);
    const milestone = milestoneForSlot(policy, slot, team.filter((m) => !used.has(m.id)), i === 0 ? today : undefined);
    if (milestone !== undefined) {
      used.add(milestone.id);
      fixes.push(fixFor(policy, slot, milestone));
      continue;
    }
    const reaching = team.find((m) => used.has(m.id) && m.state === "active" && overlaps(slot, m));
    fixes.push(reaching === undefined ? { kind: "create", slot } : { kind: "covered", slot, milestone: reaching });
  }
  const limit = slotByIndex(policy, calendar, current.index + policy.ahead).cadenceEnd;
  // "The MktgOps team will only create a milestone one beyond the current iteration" (older page):
  // a milestone further ahead is listed in the report; the team decides what to do with it.
  const flags: MilestoneFlag<M>[] = team
    .filter((m) => m.state === "active" && !used.has(m.id) && m.startDate !== null && m.startDate >= limit)
    .map((m) => ({
      milestone: m,
      problem: `it starts on ${m.startDate}, more than ${policy.ahead === 1 ? "one milestone" : `${policy.ahead} milestones`} beyond the current one; the handbook plans only ${policy.ahead === 1 ? "one milestone" : `${policy.ahead} milestones`} ahead`,
    }));
  const ended = team
    .filter((m) => m.state === "active" && !used.has(m.id) && m.dueDate !== null && m.dueDate < today)
    .sort((a, b) => (a.dueDate! < b.dueDate! ? -1 : a.dueDate! > b.dueDate! ? 1 : a.id - b.id));
  const previousSlot = slotByIndex(policy, calendar, current.index - 1);
  return { today, current, fixes, flags, ended, previous: { slot: previousSlot, milestone: milestoneForSlot(policy, previousSlot, all.filter((m) => isTeamIteration(policy, m, usedByTeam))) } };
}

/** The milestone a fix stands for, when it exists in GitLab. */
export function fixMilestone<M extends MilestoneInfo>(fix: MilestoneFix<M>): M | undefined {
  return fix.kind === "create" ? undefined : fix.milestone;
}
