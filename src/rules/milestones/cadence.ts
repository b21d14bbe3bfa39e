/**
 * The team's milestone cadence, computed from milestones.yml and the business calendar: which
 * fortnight a date falls in, and the title and dates the milestone of any fortnight should have.
 *
 * Days off: a milestone whose cadence start is a day off (weekend, holiday, company day) starts on
 * the next working day, and its title carries that date; one whose due date is a day off is due on
 * the working day before. The cadence never drifts: the next milestone starts on its usual day.
 */
import type { BusinessCalendar } from "../../domain/calendar.js";
import { formatIsoDate, fromEpochDay } from "../../domain/calendar/dates.js";
import { epochDayOf } from "../../domain/calendar/days.js";
import type { MilestonePolicy } from "../../policy/model.js";

export interface CadenceSlot {
  /** Fortnights since the anchor (negative before it). */
  index: number;
  /** First day of the fortnight on the cadence, `YYYY-MM-DD`. */
  cadenceStart: string;
  /** First day of the next fortnight (exclusive end). */
  cadenceEnd: string;
  /** The milestone's start date: the first working day of the fortnight. */
  startDate: string;
  /** The milestone's due date: the cadence due day, or the working day before it. */
  dueDate: string;
  title: string;
}

const dateOf = (day: number): string => formatIsoDate(fromEpochDay(day));

export function formatMilestoneTitle(format: string, startDate: string, dueDate: string): string {
  return format.replaceAll("{start}", startDate).replaceAll("{due}", dueDate);
}

export function slotByIndex(policy: MilestonePolicy, calendar: BusinessCalendar, index: number): CadenceSlot {
  const first = epochDayOf(policy.anchor) + index * policy.lengthDays;
  const end = first + policy.lengthDays;
  let start = first;
  while (start < end - 1 && !calendar.isWorkingDay(dateOf(start))) start++;
  if (!calendar.isWorkingDay(dateOf(start))) start = first;
  let due = first + policy.dueOffsetDays;
  while (due > start && !calendar.isWorkingDay(dateOf(due))) due--;
  const startDate = dateOf(start);
  const dueDate = dateOf(due);
  return {
    index,
    cadenceStart: dateOf(first),
    cadenceEnd: dateOf(end),
    startDate,
    dueDate,
    title: formatMilestoneTitle(policy.titleFormat, startDate, dueDate),
  };
}

/** The fortnight `date` (`YYYY-MM-DD`) falls in. */
export function slotAt(policy: MilestonePolicy, calendar: BusinessCalendar, date: string): CadenceSlot {
  const index = Math.floor((epochDayOf(date) - epochDayOf(policy.anchor)) / policy.lengthDays);
  return slotByIndex(policy, calendar, index);
}

/** Whether `date` lies in the slot's fortnight. */
export function inSlot(slot: CadenceSlot, date: string): boolean {
  return date >= slot.cadenceStart && date < slot.cadenceEnd;
}
