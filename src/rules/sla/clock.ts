/**
 * The SLA clock: a pure function of a resource's history (label events, creation, closing), the
 * business calendar, the moment asked about and one SLA definition. Nothing here reads the wall
 * clock or GitLab, so every case (weekends, holidays, DST, pauses, priority changes, reopening)
 * is a table test.
 *
 * How the history is read:
 * - Events closer than a second apart count as one moment (GitLab records a relabel, e.g. an
 *   alias repaired to its canonical label, as a removal and an addition at the same time).
 * - An episode is one run of the clock. It begins when the start condition holds, the stop
 *   condition does not, no `wait_while` label is present and the resource has a priority with a
 *   goal. It ends when the stop condition becomes true (the SLA is met), when the start
 *   condition ends or the priority is removed (nothing is owed any more), or when the priority
 *   changes: the clock then restarts against the new goal from the moment of the change, so
 *   raising an old issue to urgent gives the team the urgent goal from now, not a breach.
 * - Paused intervals (a `pause_while` label present) do not count towards a goal in business or
 *   calendar time. A milestone goal is a fixed date: pauses do not move it.
 * - After an episode is met, the next moment the start condition holds again (the issue is
 *   reopened or its completed label removed) begins a new episode with a full goal.
 */
import type { BusinessCalendar } from "../../domain/calendar.js";
import type { LabelEvent } from "../../domain/snapshot.js";
import type { SlaDef, SlaGoal } from "../../policy/model.js";
import { endOfLocalDay } from "./time.js";

/** How label names are compared: the taxonomy's canonical spelling, aliases included. */
export interface LabelSpelling {
  canonical(label: string): string | undefined;
  aliasTarget(label: string): string | undefined;
}

export interface ClockHistory {
  createdAt: Date;
  labelEvents: LabelEvent[];
  /** When the resource was closed, if it is closed now. */
  closedAt: Date | null;
  /** Close and reopen moments when known, oldest first; without them only `closedAt` is used. */
  stateChanges?: { at: Date; state: "closed" | "opened" }[];
  /** `YYYY-MM-DD` due date of the resource's milestone, for milestone goals. */
  milestoneDue: string | null;
  /**
   * Time before this moment does not count towards a goal (the adoption date, rollout.yml): a
   * clock that started earlier counts from here. Absent: from the episode's start.
   */
  countsFrom?: Date;
}

export type EpisodeEnd = "met" | "priority-changed" | "priority-removed" | "start-ended";

export interface ClockPause {
  start: Date;
  /** Null while the pause lasts. */
  end: Date | null;
  /** The label that paused the clock. */
  label: string;
}

export interface ClockEpisode {
  startedAt: Date;
  endedAt: Date | null;
  endReason: EpisodeEnd | null;
  /** The goal's priority label as written in the policy (null for an SLA with one goal). */
  priority: string | null;
  goal: SlaGoal;
  pauses: ClockPause[];
}

export type ClockState = "none" | "waiting" | "running" | "paused" | "met" | "breached";

export interface ClockResult {
  state: ClockState;
  /** The episode the state describes: the running one, or the last one met. */
  episode: ClockEpisode | null;
  /** Every episode, oldest first (for `sla explain`). */
  episodes: ClockEpisode[];
  /** Time counted towards the goal, in milliseconds (business time unless the goal is calendar days). */
  elapsedMs: number;
  /** Time left before the due moment (negative once overdue); null when the goal has no due moment. */
  remainingMs: number | null;
  /**
   * When the goal is (or was) due. While paused, the moment it would be due if the clock resumed
   * now. Null for a milestone goal without a milestone due date.
   */
  due: Date | null;
  /** When the episode became (or becomes) at risk; null without a warning threshold or due moment. */
  warnAt: Date | null;
  atRisk: boolean;
  /** The last moment the start condition held with nothing to wait for (e.g. details complete). */
  readyAt: Date | null;
}

const SAME_MOMENT_MS = 1000;
const DAY_MS = 86_400_000;

interface Moment {
  at: number;
  labels: LabelEvent[];
  state?: "closed" | "opened";
}

/** The label events and state changes up to `now`, grouped into moments, oldest first. */
function momentsOf(history: ClockHistory, now: number): Moment[] {
  const created = history.createdAt.getTime();
  const items: { at: number; order: number; label?: LabelEvent; state?: "closed" | "opened" }[] = [];
  for (const e of history.labelEvents) items.push({ at: Math.max(e.createdAt.getTime(), created), order: e.id, label: e });
  const changes = history.stateChanges ?? (history.closedAt ? [{ at: history.closedAt, state: "closed" as const }] : []);
  // A state change sorts after label changes of the same moment (a label and a close in one edit).
  for (const c of changes) items.push({ at: Math.max(c.at.getTime(), created), order: Number.MAX_SAFE_INTEGER, state: c.state });
  items.sort((a, b) => a.at - b.at || a.order - b.order);
  const moments: Moment[] = [{ at: created, labels: [] }];
  for (const item of items) {
    if (item.at > now) break;
    let last = moments[moments.length - 1]!;
    if (item.at - last.at >= SAME_MOMENT_MS) moments.push((last = { at: item.at, labels: [] }));
    if (item.label) last.labels.push(item.label);
    if (item.state) last.state = item.state;
  }
  return moments;
}

/** What the definition asks of the labels, resolved once per clock. */
class Conditions {
  constructor(
    private readonly def: SlaDef,
    private readonly spelling: LabelSpelling,
  ) {}

  /** Whether a label on the resource is the policy's label: exact, or via its canonical spelling. */
  matches(policyLabel: string, onResource: string): boolean {
    if (onResource === policyLabel) return true;
    if (this.spelling.aliasTarget(policyLabel) !== undefined) return false; // an older spelling matches only itself
    return this.spelling.canonical(onResource) === policyLabel;
  }

  present(policyLabel: string, labels: Map<string, number>): boolean {
    for (const l of labels.keys()) if (this.matches(policyLabel, l)) return true;
    return false;
  }

  firstPresent(policyLabels: string[], labels: Map<string, number>): string | null {
    return policyLabels.find((l) => this.present(l, labels)) ?? null;
  }

  /** The goal of the most recently applied priority label (several at once happen until the bot repairs them). */
  priority(labels: Map<string, number>): { key: string | null; goal: SlaGoal } | null {
    const goals = this.def.goals;
    if (goals.length === 1 && goals[0]!.label === null) return { key: null, goal: goals[0]!.goal };
    let best: { key: string | null; goal: SlaGoal; at: number } | null = null;
    for (const [label, addedAt] of labels) {
      const g = goals.find((x) => x.label !== null && this.matches(x.label, label));
      if (g && (best === null || addedAt >= best.at)) best = { key: g.label, goal: g.goal, at: addedAt };
    }
    return best && { key: best.key, goal: best.goal };
  }

  startHolds(labels: Map<string, number>): boolean {
    return this.def.start.on === "created" || this.present(this.def.start.label, labels);
  }

  stopHolds(labels: Map<string, number>, closed: boolean): boolean {
    const s = this.def.stop;
    return (s.closed && closed) || s.labeled.some((l) => this.present(l, labels)) || s.unlabeled.some((l) => !this.present(l, labels));
  }
}

/** Replays the history into episodes. */
function episodesOf(def: SlaDef, history: ClockHistory, spelling: LabelSpelling, now: number): { episodes: ClockEpisode[]; readyAt: Date | null; waiting: boolean } {
  const cond = new Conditions(def, spelling);
  const labels = new Map<string, number>(); // label on the resource -> when it was added
  let closed = false;
  let current: ClockEpisode | null = null;
  const episodes: ClockEpisode[] = [];
  let readyAt: Date | null = null;
  let wasReady = false;
  let waiting = false;

  for (const m of momentsOf(history, now)) {
    const at = new Date(m.at);
    for (const e of m.labels) {
      if (e.action === "add") labels.set(e.label, m.at);
      else labels.delete(e.label);
    }
    if (m.state) closed = m.state === "closed";

    const start = cond.startHolds(labels);
    const stop = cond.stopHolds(labels, closed);
    waiting = start && !stop && cond.firstPresent(def.waitWhile, labels) !== null;
    const ready = start && !stop && !waiting;
    readyAt = ready ? (wasReady ? readyAt : at) : null;
    wasReady = ready;
    const priority = cond.priority(labels);
    const pausedBy = cond.firstPresent(def.pauseWhile, labels);

    if (current) {
      const end: EpisodeEnd | null = stop
        ? "met"
        : !start
          ? "start-ended"
          : priority === null
            ? "priority-removed"
            : priority.key !== current.priority
              ? "priority-changed"
              : null;
      if (end) {
        closePause(current, at);
        current.endedAt = at;
        current.endReason = end;
        current = null;
      } else {
        const open = current.pauses[current.pauses.length - 1];
        const isPaused = open !== undefined && open.end === null;
        if (pausedBy !== null && !isPaused) current.pauses.push({ start: at, end: null, label: pausedBy });
        if (pausedBy === null && isPaused) open.end = at;
      }
    }
    if (!current && ready && priority !== null) {
      current = { startedAt: at, endedAt: null, endReason: null, priority: priority.key, goal: priority.goal, pauses: [] };
      if (pausedBy !== null) current.pauses.push({ start: at, end: null, label: pausedBy });
      episodes.push(current);
    }
  }
  return { episodes, readyAt, waiting };
}

function closePause(e: ClockEpisode, at: Date): void {
  const open = e.pauses[e.pauses.length - 1];
  if (open && open.end === null) open.end = at;
}

/** How time is measured towards a goal, and how to move forward by an amount of it. */
interface Measure {
  between(a: Date, b: Date): number;
  advance(from: Date, ms: number): Date;
}

function measureFor(goal: SlaGoal, calendar: BusinessCalendar): Measure {
  if (goal.kind === "calendar_days") {
    return { between: (a, b) => Math.max(b.getTime() - a.getTime(), 0), advance: (from, ms) => new Date(from.getTime() + ms) };
  }
  return {
    between: (a, b) => calendar.businessMillisBetween(a, b),
    advance: (from, ms) => calendar.addBusinessHours(from, ms / 3_600_000),
  };
}

export function goalMillis(goal: SlaGoal, calendar: BusinessCalendar): number | null {
  switch (goal.kind) {
    case "business_hours":
      return Math.round(goal.hours * 3_600_000);
    case "business_days":
      return Math.round(goal.days * calendar.businessDayMillis);
    case "calendar_days":
      return goal.days * DAY_MS;
    case "milestone_due":
      return null;
  }
}

/** The stretches an episode's clock ran, up to `until`, from `countsFrom` on when given. */
function runningSegments(e: ClockEpisode, until: Date, countsFrom?: Date): [Date, Date][] {
  const all = allRunningSegments(e, until);
  if (countsFrom === undefined) return all;
  return all.map(([a, b]): [Date, Date] => [a < countsFrom ? countsFrom : a, b]).filter(([a, b]) => b > a);
}

function allRunningSegments(e: ClockEpisode, until: Date): [Date, Date][] {
  const segments: [Date, Date][] = [];
  let from = e.startedAt;
  for (const p of e.pauses) {
    if (p.start > from) segments.push([from, p.start < until ? p.start : until]);
    if (p.end === null || p.end >= until) return segments.filter(([a, b]) => b > a);
    from = p.end;
  }
  if (until > from) segments.push([from, until]);
  return segments;
}

/** The moment `target` ms of measured time had run, if it was reached within the segments. */
function crossing(segments: [Date, Date][], target: number, measure: Measure): Date | null {
  let sum = 0;
  for (const [a, b] of segments) {
    const len = measure.between(a, b);
    if (sum + len >= target) return measure.advance(a, Math.max(target - sum, 0));
    sum += len;
  }
  return null;
}

function isPausedAt(e: ClockEpisode, at: Date): boolean {
  return e.pauses.some((p) => p.start <= at && (p.end === null || p.end > at));
}

export function computeClock(def: SlaDef, history: ClockHistory, calendar: BusinessCalendar, now: Date, spelling: LabelSpelling): ClockResult {
  const { episodes, readyAt, waiting } = episodesOf(def, history, spelling, now.getTime());
  const last = episodes[episodes.length - 1] ?? null;
  const empty = (state: ClockState): ClockResult => ({
    state,
    episode: null,
    episodes,
    elapsedMs: 0,
    remainingMs: null,
    due: null,
    warnAt: null,
    atRisk: false,
    readyAt,
  });
  if (last === null || (last.endReason !== null && last.endReason !== "met")) return empty(waiting ? "waiting" : "none");

  const until = last.endedAt ?? now;
  const timing = episodeTiming(def, last, history, calendar, until);
  const ongoing = last.endedAt === null;
  const breached = ongoing && timing.due !== null && now >= timing.due;
  const atRisk = ongoing && !breached && timing.warnAt !== null && now >= timing.warnAt;
  const state: ClockState = !ongoing ? "met" : breached ? "breached" : isPausedAt(last, now) ? "paused" : "running";
  return {
    state,
    episode: last,
    episodes,
    elapsedMs: timing.elapsedMs,
    remainingMs: timing.remainingMs,
    due: timing.due,
    warnAt: timing.warnAt,
    atRisk,
    readyAt,
  };
}

/** The episode's time counted, left, due and warning moments, up to `until` (its end, or now). */
function episodeTiming(def: SlaDef, e: ClockEpisode, history: ClockHistory, calendar: BusinessCalendar, until: Date): Timing {
  return e.goal.kind === "milestone_due" ? milestoneTiming(def, e, history, calendar, until) : durationTiming(def, e, calendar, until, history.countsFrom);
}

/**
 * Whether an episode of `goal` that is still running at `now` can be at risk or breached, judged
 * without its history: its earliest possible alarm is that of an episode begun at the resource's
 * creation and never paused (an episode begins at creation or later, and a pause only moves a
 * duration goal's moments later). Counting starts at `countsFrom` all the same, so before the
 * adoption date no duration goal can warn. For a milestone goal, a later start gives a later
 * warning (the warning is a share of the time left from the start to the milestone's due date)
 * and the due moment is the milestone's. False means the clock's labels and notes cannot be due,
 * whatever the label and state events say.
 */
export function alarmPossible(def: SlaDef, goal: SlaGoal, history: Pick<ClockHistory, "createdAt" | "milestoneDue" | "countsFrom">, calendar: BusinessCalendar, now: Date): boolean {
  const earliest: ClockEpisode = { startedAt: history.createdAt, endedAt: null, endReason: null, priority: null, goal, pauses: [] };
  const timing = episodeTiming(def, earliest, { ...history, labelEvents: [], closedAt: null }, calendar, now);
  return (timing.due !== null && now >= timing.due) || (timing.warnAt !== null && now >= timing.warnAt);
}

interface Timing {
  elapsedMs: number;
  remainingMs: number | null;
  due: Date | null;
  warnAt: Date | null;
}

/** Business-hour, business-day and calendar-day goals: time runs only while not paused. */
function durationTiming(def: SlaDef, e: ClockEpisode, calendar: BusinessCalendar, until: Date, countsFrom?: Date): Timing {
  const measure = measureFor(e.goal, calendar);
  const goal = goalMillis(e.goal, calendar)!;
  const segments = runningSegments(e, until, countsFrom);
  const elapsedMs = segments.reduce((sum, [a, b]) => sum + measure.between(a, b), 0);
  const remainingMs = goal - elapsedMs;
  // Past the goal: the moment it was crossed. Otherwise: from `until`, if the clock runs on.
  const at = (target: number): Date => crossing(segments, target, measure) ?? measure.advance(until, target - elapsedMs);
  const due = at(goal);
  const w = def.warning;
  const warnTarget =
    w.percent !== null ? (goal * w.percent) / 100 : w.beforeDueBusinessDays !== null ? goal - w.beforeDueBusinessDays * (e.goal.kind === "calendar_days" ? DAY_MS : calendar.businessDayMillis) : null;
  const warnAt = warnTarget === null ? null : at(Math.max(warnTarget, 0));
  return { elapsedMs, remainingMs, due, warnAt };
}

/** "By the milestone's due date": the end of that date in the team's zone; pauses do not move it. */
function milestoneTiming(def: SlaDef, e: ClockEpisode, history: ClockHistory, calendar: BusinessCalendar, until: Date): Timing {
  const elapsedMs = runningSegments(e, until, history.countsFrom).reduce((sum, [a, b]) => sum + calendar.businessMillisBetween(a, b), 0);
  if (history.milestoneDue === null) return { elapsedMs, remainingMs: null, due: null, warnAt: null };
  const due = endOfLocalDay(history.milestoneDue, calendar.timeZone);
  const remainingMs = until >= due ? -calendar.businessMillisBetween(due, until) : calendar.businessMillisBetween(until, due);
  // The warning is a share of the time from the clock's start (or the adoption date, when later) to the due date.
  const from = history.countsFrom !== undefined && history.countsFrom > e.startedAt ? history.countsFrom : e.startedAt;
  const total = calendar.businessMillisBetween(from, due);
  const w = def.warning;
  const warnPosition = w.percent !== null ? (total * w.percent) / 100 : w.beforeDueBusinessDays !== null ? total - w.beforeDueBusinessDays * calendar.businessDayMillis : null;
  const warnAt = warnPosition === null ? null : calendar.addBusinessHours(from, Math.max(warnPosition, 0) / 3_600_000);
  return { elapsedMs, remainingMs, due, warnAt };
}
