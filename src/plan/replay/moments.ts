/**
 * When the replayed bot would have run: the nightly sweep on each working day of the window at the
 * time its schedule names (policies/schedules.yml, in the schedule's time zone; working days from
 * policies/calendar.yml), and the webhook path at each recorded change to a resource.
 */
import { TZDate } from "@date-fns/tz";
import type { BusinessCalendar } from "../../domain/calendar.js";
import { formatRef, type ResourceRef } from "../../domain/snapshot.js";
import type { ScheduleDef } from "../../policy/model.js";
import type { ResourceHistory } from "./history.js";

/** A run of the sweep over the whole board, or a reconcile of one resource after a change to it. */
export type Moment = { at: Date; kind: "sweep" } | { at: Date; kind: "event"; ref: ResourceRef };

const SWEEP_JOBS = ["sweep", "nightly"];
const DAY_MS = 86_400_000;

/** A number of days written `30d` or `30` (1 to 366). */
export function parseReplayDays(text: string): number {
  const m = /^\s*(\d+)\s*d?\s*$/i.exec(text);
  const days = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new Error(`--replay takes a number of days such as 30d (1 to 366 days); got "${text}".`);
  }
  return days;
}

/** The sweep's daily time from its cron expression (`MIN HOUR * * ...`), or a clear error. */
export function sweepTime(schedules: readonly ScheduleDef[]): { hour: number; minute: number; timeZone: string; job: string } {
  const schedule = schedules.find((s) => SWEEP_JOBS.includes(s.job));
  if (schedule === undefined) {
    throw new Error('--replay replays the nightly sweep at its scheduled time, but policies/schedules.yml has no "sweep" (or "nightly") job. Add one, e.g. cron: "0 2 * * 1-5".');
  }
  const [minute, hour] = schedule.cron.trim().split(/\s+/).map((f) => (/^\d+$/.test(f) ? Number(f) : NaN));
  if (minute === undefined || hour === undefined || Number.isNaN(minute) || Number.isNaN(hour) || hour > 23 || minute > 59) {
    throw new Error(
      `--replay needs the ${schedule.job} job to run once a day at a fixed time, but its cron in policies/schedules.yml is "${schedule.cron}". Use a fixed minute and hour, e.g. "0 2 * * 1-5".`,
    );
  }
  return { hour, minute, timeZone: schedule.timeZone, job: schedule.job };
}

/** The sweep's runs in (from, to]: one per working day, at its scheduled local time. */
export function sweepMoments(schedules: readonly ScheduleDef[], calendar: BusinessCalendar, from: Date, to: Date): Date[] {
  const { hour, minute, timeZone } = sweepTime(schedules);
  const out: Date[] = [];
  // Every local date that can hold a run in the window (a day either side covers any zone offset).
  for (let t = from.getTime() - DAY_MS; t <= to.getTime() + DAY_MS; t += DAY_MS) {
    const date = calendar.today(new Date(t));
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    const at = new Date(new TZDate(y, m - 1, d, hour, minute, 0, 0, timeZone).getTime());
    if (at > from && at <= to && calendar.isWorkingDay(calendar.today(at)) && !out.some((o) => o.getTime() === at.getTime())) out.push(at);
  }
  return out.sort((a, b) => a.getTime() - b.getTime());
}

/**
 * One reconcile per recorded change made by someone other than the bot in (from, to], the opening
 * of an issue or merge request included: what the
 * webhook path would have done. Changes to one resource at the same instant (one edit adding two
 * labels) are one moment.
 */
export function eventMoments(histories: readonly ResourceHistory[], botUsername: string, from: Date, to: Date): Moment[] {
  const out = new Map<string, Moment>();
  for (const h of histories) {
    const byPeople = [...h.labelEvents, ...h.stateEvents, ...h.milestoneEvents].filter((e) => e.user?.username !== botUsername);
    const comments = h.notes.filter((n) => !n.system && n.author.username !== botUsername);
    const opened = h.current.author.username === botUsername ? [] : [h.current.createdAt];
    for (const at of [...opened, ...byPeople.map((e) => e.createdAt), ...comments.map((n) => n.createdAt)]) {
      if (at <= from || at > to) continue;
      out.set(`${formatRef(h.current.ref)}@${at.getTime()}`, { at, kind: "event", ref: h.current.ref });
    }
  }
  return [...out.values()];
}

/** Sweeps and events in time order; at the same instant the event comes first (the sweep sees its result). */
export function replayMoments(sweeps: Date[], events: Moment[]): Moment[] {
  const all: Moment[] = [...events, ...sweeps.map((at) => ({ at, kind: "sweep" as const }))];
  return all.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.kind === b.kind ? 0 : a.kind === "event" ? -1 : 1));
}
