/**
 * `mops-bot plan --replay 30d`: what a policy set would have done over the board's own recent
 * history. The board is read once (bounded, read-only); then, moment by moment (each nightly sweep,
 * each recorded change), every resource is rebuilt as it stood, the rules run with the clock set to
 * that moment, and what the bot would have written is counted and kept, so the next moment sees it
 * (a note said on day 3 is found by its marker on day 4 and not said again).
 */
import type { Logger } from "pino";
import type { ResourcePlan } from "../../domain/plan.js";
import { markersIn } from "../../domain/markers.js";
import { formatRef, milestoneTiming, type MilestoneInfo, type ResourceRef, type ResourceSnapshot, type UserRef } from "../../domain/snapshot.js";
import { createRuleContext } from "../../engine/context.js";
import type { Platform, PlatformReader } from "../../engine/platform.js";
import { planSnapshot, type ReconcileDeps } from "../../engine/reconcile.js";
import type { Notifier } from "../../notify/types.js";
import { buildRules } from "../../rules/registry.js";
import type { RuleContext } from "../../rules/types.js";
import { createRunBudget, resolveAssignees } from "../../triage/sweepSupport.js";
import type { PolicySet } from "../evaluate.js";
import { inScope } from "../../engine/sharedReads.js";
import { historyAt, noWrites, rebuildAt, type RebuildOptions, type ResourceHistory, type ReplayWrites } from "./history.js";
import { eventMoments, replayMoments, sweepMoments, sweepTime, type Moment } from "./moments.js";
import { ReplayCounter, type ReplayTally } from "./tally.js";

/** The board as read for a replay: every resource that was open at some point of the window. */
export interface ReplaySource {
  histories: ResourceHistory[];
  milestones: MilestoneInfo[];
  bot: UserRef;
  from: Date;
  to: Date;
  /** Resources open at some point of the window, before any sampling. */
  relevant: number;
  /** Set when there were more than the maximum: the replay covers this many, the most recently updated. */
  sampled?: { kept: number; of: number };
  /** History GitLab would not give, per kind (e.g. milestone events before GitLab 13.1); that history is taken as empty. */
  unreadable: { history: string; resources: number; reason: string }[];
}

export interface ReplayRun {
  tally: ReplayTally;
  /** How many nightly sweeps and recorded changes were replayed, and the sweep's local time. */
  sweeps: number;
  events: number;
  sweepAt: string;
  resources: number;
  /** Resources whose replay failed at some moment (counted without them from then on). */
  errors: { ref: string; at: string; message: string }[];
}

/** Every Slack channel counts as configured: the replay counts the posts a live run would make. */
function countingNotifier(policy: PolicySet["policy"]): Notifier {
  const channels = Object.keys(policy.notifications?.channels ?? {});
  return {
    dryRun: true,
    channels,
    post: async (channel) => ({ channel, ok: true, dryRun: true, attempts: 0 }),
    idle: async () => {},
    outcomes: () => [],
  };
}

interface Tracked {
  history: ResourceHistory;
  writes: ReplayWrites;
}

/** The platform the engine sees at one moment: history up to then, the replay's writes, no GitLab. */
function momentPlatform(tracked: Map<string, Tracked>, at: Date, options: RebuildOptions): Platform {
  const find = (ref: ResourceRef) => tracked.get(formatRef(ref));
  const past = (s: ResourceSnapshot) => {
    const t = find(s.ref);
    if (!t) throw new Error(`${formatRef(s.ref)} is not part of the replay`);
    return historyAt(t.history, t.writes, at, options);
  };
  return {
    list: async function* () {
      yield* [];
    },
    get: async (ref) => {
      const t = find(ref);
      return t ? rebuildAt(t.history, t.writes, at, options) : null;
    },
    labelEvents: async (s) => past(s).labelEvents,
    notes: async (s) => past(s).notes,
    stateEvents: async (s) => past(s).stateEvents,
    milestones: async () => options.milestones.map((m) => ({ ...m, timing: milestoneTiming(m, options.today) })),
    apply: async () => ({ writes: 0 }),
    requestStats: () => ({ total: 0, byRoute: {}, retries: 0 }),
  };
}

/** Keeps what the bot would have written, as GitLab would have recorded it. */
function keepWrites(writes: ReplayWrites, plan: ResourcePlan, at: Date, bot: UserRef, milestones: MilestoneInfo[], nextId: () => number): void {
  const u = plan.update;
  for (const label of u.removeLabels) writes.labelEvents.push({ id: nextId(), action: "remove", label, user: bot, createdAt: at });
  for (const label of u.addLabels) writes.labelEvents.push({ id: nextId(), action: "add", label, user: bot, createdAt: at });
  if (u.stateEvent) writes.stateEvents.push({ id: nextId(), state: u.stateEvent === "close" ? "closed" : "reopened", user: bot, createdAt: at });
  if (u.milestoneId !== undefined) {
    const milestone = u.milestoneId === null ? null : (milestones.find((m) => m.id === u.milestoneId) ?? null);
    writes.milestoneEvents.push({ id: nextId(), action: milestone ? "add" : "remove", milestone, user: bot, createdAt: at });
  }
  if (plan.note !== null) {
    writes.notes.push({ id: nextId(), body: plan.note.body, author: bot, createdAt: at, system: false, botMarkers: markersIn(plan.note.body) });
  }
}

/** Every local date of the window, marking the working days the sweep runs. */
function windowDates(set: PolicySet, from: Date, to: Date, sweeps: Date[]): { date: string; sweep: boolean }[] {
  const sweepDays = new Set(sweeps.map((s) => set.calendar.today(s)));
  const dates: { date: string; sweep: boolean }[] = [];
  for (let t = from.getTime(); t <= to.getTime() + 3_600_000; t += 3_600_000) {
    const date = set.calendar.today(new Date(Math.min(t, to.getTime())));
    if (!dates.some((d) => d.date === date)) dates.push({ date, sweep: sweepDays.has(date) });
  }
  return dates;
}

/** The webhook path's settle time when none is given (MOPS_SETTLE_SECONDS of `serve`, 120 by default). */
const DEFAULT_SETTLE_MS = 120_000;

/**
 * Replays one policy set over the source. `lookup` is the GitLab reader that resolves
 * people.yml usernames to ids for rules that assign (nothing else is read while replaying).
 * `settleMs` is the webhook path's settle time: after a person's change that would bring a note from
 * a rule that judges their edits, those rules wait that long (as `serve` does) and then run on the
 * resource as it is then, so a quick second edit that fixes the first brings no note.
 */
export async function replayPolicySet(set: PolicySet, source: ReplaySource, logger: Logger, lookup: Pick<PlatformReader, "userIdsByUsername"> = {}, settleMs = DEFAULT_SETTLE_MS): Promise<ReplayRun> {
  const { policy, calendar } = set;
  const rules = buildRules(policy);
  const botUsername = source.bot.username;
  const tracked = new Map<string, Tracked>();
  for (const h of source.histories) {
    const seen = inScope(policy.scope, h.current);
    if (seen) tracked.set(formatRef(h.current.ref), { history: { ...h, current: seen }, writes: noWrites() });
  }
  const histories = [...tracked.values()].map((t) => t.history);
  const sweeps = sweepMoments(policy.schedules, calendar, source.from, source.to);
  const events = eventMoments(histories, botUsername, source.from, source.to);
  const counter = new ReplayCounter(windowDates(set, source.from, source.to, sweeps));
  const notifier = countingNotifier(policy);
  const userIds = await resolveAssignees(rules, policy, lookup, logger);
  const errors: ReplayRun["errors"] = [];
  let id = 2_000_000_000;
  const nextId = () => id++;

  const settling = rules.filter((r) => r.settles === true).map((r) => r.id);
  /** Resources whose settling notes wait, until when (ms). */
  const waiting = new Map<string, number>();
  const queue = replayMoments(sweeps, events);
  /** A later reconcile of one resource, placed in time order among the moments still to come. */
  const later = (from: number, moment: Moment) => {
    let i = from + 1;
    while (i < queue.length && queue[i]!.at <= moment.at) i++;
    queue.splice(i, 0, moment);
  };

  /**
   * Whether the settling rules wait on this resource now, as the webhook path decides it: the wait
   * starts with the first change that would bring one of their notes, and a reconcile follows when it ends.
   */
  const settles = async (snapshot: ResourceSnapshot, deps: ReconcileDeps, at: Date, index: number): Promise<boolean> => {
    if (settling.length === 0 || settleMs <= 0) return false;
    const key = formatRef(snapshot.ref);
    const until = waiting.get(key);
    if (until !== undefined) {
      if (at.getTime() < until) return true;
      waiting.delete(key);
      return false;
    }
    const { plan } = await planSnapshot(snapshot, deps);
    if (!plan.actions.some((a) => a.type === "comment" && settling.includes(a.rule))) return false;
    waiting.set(key, at.getTime() + settleMs);
    later(index, { at: new Date(at.getTime() + settleMs), kind: "event", ref: snapshot.ref });
    return true;
  };

  /** One resource at one moment: rebuilt, planned, counted, and its writes kept. `event` is set on the webhook path. */
  const reconcileAt = async (t: Tracked, at: Date, ctx: RuleContext, options: RebuildOptions, event?: { index: number }) => {
    const snapshot = rebuildAt(t.history, t.writes, at, options);
    if (snapshot === null || snapshot.state !== "opened") return;
    try {
      const deps: ReconcileDeps = { platform: momentPlatform(tracked, at, options), rules, ctx, notifier };
      const hold = event !== undefined && (await settles(snapshot, deps, at, event.index));
      const { plan } = await planSnapshot(snapshot, deps, hold ? { hold: settling } : {});
      if (plan.actions.length === 0 && plan.note === null) return;
      counter.record(calendar.today(at), plan);
      keepWrites(t.writes, plan, at, source.bot, source.milestones, nextId);
    } catch (e) {
      errors.push({ ref: formatRef(snapshot.ref), at: at.toISOString(), message: e instanceof Error ? e.message : String(e) });
    }
  };

  for (let index = 0; index < queue.length; index++) {
    const moment = queue[index]!;
    const today = calendar.today(moment.at);
    const options: RebuildOptions = { botUsername, windowStart: source.from, milestones: source.milestones, today };
    const milestones = source.milestones.map((m) => ({ ...m, timing: milestoneTiming(m, today) }));
    const ctx: RuleContext = { ...createRuleContext(policy, calendar, moment.at, milestones), botUsername, userIds };
    if (moment.kind === "event") {
      const t = tracked.get(formatRef(moment.ref));
      if (t) await reconcileAt(t, moment.at, ctx, options, { index });
    } else {
      // One budget per sweep, as a live sweep has (rules with a `limit`).
      const sweepCtx = { ...ctx, budget: createRunBudget() };
      for (const t of tracked.values()) await reconcileAt(t, moment.at, sweepCtx, options);
    }
  }
  const time = sweepTime(policy.schedules);
  return {
    tally: counter.result(),
    sweeps: sweeps.length,
    events: events.length,
    sweepAt: `${String(time.hour).padStart(2, "0")}:${String(time.minute).padStart(2, "0")} ${time.timeZone}`,
    resources: tracked.size,
    errors,
  };
}
