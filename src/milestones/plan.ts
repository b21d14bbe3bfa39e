/**
 * What the team's milestones should look like today, decided purely from the cadence and the
 * milestones GitLab has: which to create or correct (the current one and at most `ahead` beyond
 * it), which were created too far ahead, and which milestone just ended (its open issues roll over).
 */
import type { BusinessCalendar } from "../domain/calendar.js";
import type { MilestoneInfo } from "../domain/snapshot.js";
import type { MilestonePolicy } from "../policy/model.js";
import { inSlot, slotAt, slotByIndex, type CadenceSlot } from "./cadence.js";
import { policyRegex } from "../policy/regex.js";

export type MilestoneFix =
  | { kind: "create"; slot: CadenceSlot }
  | { kind: "update"; slot: CadenceSlot; milestone: MilestoneInfo; changes: { title?: string; startDate?: string; dueDate?: string } }
  | { kind: "ok"; slot: CadenceSlot; milestone: MilestoneInfo };

export interface MilestoneFlag {
  milestone: MilestoneInfo;
  problem: string;
}

export interface MilestonePlan {
  today: string;
  current: CadenceSlot;
  /** The current milestone first, then the ones ahead. */
  fixes: MilestoneFix[];
  flags: MilestoneFlag[];
  /** The fortnight before the current one, with its milestone when it exists. */
  previous: { slot: CadenceSlot; milestone: MilestoneInfo | undefined };
}

export function teamMilestones(policy: MilestonePolicy, milestones: MilestoneInfo[]): MilestoneInfo[] {
  const team = policyRegex(policy.titlePattern);
  const temp = policy.tempPattern === null ? null : policyRegex(policy.tempPattern);
  return milestones.filter((m) => team.test(m.title) && !(temp?.test(m.title) ?? false));
}

/**
 * The team milestone that stands for a fortnight: the one with the planned title, else the one
 * whose start date falls in the fortnight (a person created it under another title).
 */
export function milestoneForSlot(slot: CadenceSlot, milestones: MilestoneInfo[]): MilestoneInfo | undefined {
  return milestones.find((m) => m.title === slot.title) ?? milestones.find((m) => m.startDate !== null && inSlot(slot, m.startDate));
}

function fixFor(slot: CadenceSlot, milestone: MilestoneInfo | undefined): MilestoneFix {
  if (milestone === undefined) return { kind: "create", slot };
  const changes: { title?: string; startDate?: string; dueDate?: string } = {};
  if (milestone.title !== slot.title) changes.title = slot.title;
  if (milestone.startDate !== slot.startDate) changes.startDate = slot.startDate;
  if (milestone.dueDate !== slot.dueDate) changes.dueDate = slot.dueDate;
  return Object.keys(changes).length > 0 ? { kind: "update", slot, milestone, changes } : { kind: "ok", slot, milestone };
}

export function planMilestones(policy: MilestonePolicy, calendar: BusinessCalendar, today: string, all: MilestoneInfo[]): MilestonePlan {
  const team = teamMilestones(policy, all);
  const current = slotAt(policy, calendar, today);
  const fixes: MilestoneFix[] = [];
  const used = new Set<number>();
  for (let i = 0; i <= policy.ahead; i++) {
    const slot = slotByIndex(policy, calendar, current.index + i);
    const milestone = milestoneForSlot(slot, team.filter((m) => !used.has(m.id)));
    if (milestone !== undefined) used.add(milestone.id);
    fixes.push(fixFor(slot, milestone));
  }
  const limit = slotByIndex(policy, calendar, current.index + policy.ahead).cadenceEnd;
  const flags: MilestoneFlag[] = team
    .filter((m) => m.state === "active" && !used.has(m.id) && m.startDate !== null && m.startDate >= limit)
    .map((m) => ({
      milestone: m,
      problem: `it starts on ${m.startDate}, more than ${policy.ahead === 1 ? "one milestone" : `${policy.ahead} milestones`} beyond the current one; the handbook plans only ${policy.ahead === 1 ? "one milestone" : `${policy.ahead} milestones`} ahead, so move its issues to an upcoming milestone and delete it`,
    }));
  const previousSlot = slotByIndex(policy, calendar, current.index - 1);
  return { today, current, fixes, flags, previous: { slot: previousSlot, milestone: milestoneForSlot(previousSlot, team) } };
}
