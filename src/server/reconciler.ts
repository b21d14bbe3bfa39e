/**
 * What the inbox's worker calls for each resource a webhook named: read it anew from GitLab and
 * reconcile it with every rule, exactly as the sweep does. The team's milestones are cached
 * briefly, since every reconcile needs them and they rarely change.
 */
import type { PlanConflict } from "../domain/plan.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { formatRef } from "../domain/snapshot.js";
import { botUsernameFrom, createRuleContext } from "../engine/context.js";
import { withTrace } from "../gitlab/index.js";
import { boardSpellings } from "../labels/boardSpellings.js";
import { planSnapshot, type ReconcileDeps, reconcileSnapshot } from "../engine/reconcile.js";
import type { Reconcile } from "../queue/types.js";
import { guardMilestoneRef } from "../milestones/closeGuard.js";
import { openNotifier, type Notifier } from "../notify/index.js";
import { buildRules } from "../rules/registry.js";
import { resolveAssignees } from "../triage/sweepSupport.js";
import type { Runtime } from "../runtime.js";

export interface ReconcilerOptions {
  milestoneTtlMs?: number;
  notifier?: Notifier | null;
  /** Told of every conflict in a plan (counted on /metrics). */
  onConflict?: (conflict: PlanConflict) => void;
  /** How long notes of rules that judge a person's edits wait after the first change that would bring one (0: no wait). */
  settleMs?: number;
  /** The wall clock the settle time is measured on (the inbox's time, not the policies' clock). */
  wallClock?: () => number;
}

export function createReconciler(runtime: Runtime, options: ReconcilerOptions = {}): Reconcile {
  const rules = buildRules(runtime.policy);
  const settling = rules.filter((r) => r.settles === true).map((r) => r.id);
  const settleMs = options.settleMs ?? 0;
  const wallClock = options.wallClock ?? Date.now;
  /** Resources whose notes wait, until when (wall clock). */
  const waiting = new Map<string, number>();
  // Slack posts of rules (handbook updates) go out in the background; channels without a webhook URL are skipped with a warning.
  const notifier =
    options.notifier !== undefined ? (options.notifier ?? undefined) : (openNotifier(runtime.policy, { env: runtime.config.urlVariables, dryRun: false, logger: runtime.logger }) ?? undefined);
  // GitLab user ids of the people triage rules may assign, read once (round-robin and named users).
  let userIds: Promise<Record<string, number>> | undefined;
  const assignable = () => {
    if (!userIds) {
      userIds = resolveAssignees(rules, runtime.policy, runtime.platform, runtime.logger);
      userIds.catch(() => (userIds = undefined));
    }
    return userIds;
  };
  const now = () => runtime.clock().getTime();
  // The board's label spellings change rarely (a team renames a label set): read them once an hour.
  const spellingsInUse = readEvery(3_600_000, now, () => boardSpellings(runtime.platform, runtime.policy, runtime.logger));
  const milestones = readEvery(options.milestoneTtlMs ?? 60_000, now, () => runtime.platform.milestones());

  // The GitLab requests of one reconcile carry the ids of the events it answers, on their log lines
  // (`eventId`) and header, so one delivery can be followed from the webhook to GitLab's answers.
  return (ref, trace) => withTrace(trace.eventIds.join(","), () => reconcileOne(ref, trace));

  async function reconcileOne(...[ref, trace]: Parameters<Reconcile>): ReturnType<Reconcile> {
    if (ref.kind === "milestone") {
      // Milestone events refresh the milestone cache; a team milestone closed while its milestone
      // merge request is open is reactivated (the milestone is read anew: the event is only a hint).
      milestones.forget();
      const guarded = await guardMilestoneRef({ ...runtime, dryRun: false }, ref);
      trace.logger.info(
        { ref: formatRef(ref), actions: guarded?.actions.map((a) => a.type) ?? [] },
        guarded ? "milestone closed too early: reactivated" : "milestone changed; milestone cache refreshed",
      );
      return;
    }
    // A triage rule's `limit` is per sweep; a webhook reconciles one resource, so none applies here.
    const ctx = {
      ...createRuleContext(runtime.policy, runtime.calendar, runtime.clock(), await milestones()),
      botUsername: await botUsernameFrom(runtime.platform, runtime.policy),
      boardSpellings: await spellingsInUse(),
      userIds: await assignable(),
    };
    const listed = await runtime.platform.get(ref);
    if (listed === null) {
      trace.logger.info({ ref: formatRef(ref) }, "resource is gone or out of scope; nothing to do");
      return;
    }
    const deps = { platform: runtime.platform, rules, ctx, ...(notifier ? { notifier } : {}) };
    const wait = await settleTime(listed, deps);
    const outcome = await reconcileSnapshot(listed, deps, wait ? { hold: settling } : {});
    if (wait) trace.logger.info({ ref: formatRef(ref), rules: settling, inMs: wait }, "a note about a person's edit waits while they may still be editing (settle time)");
    const { plan, writes } = outcome;
    for (const u of outcome.undecided ?? []) {
      trace.logger.warn({ ref: formatRef(ref), history: u.history, rules: u.rules, reason: u.reason }, "history could not be read: these rules did not decide; the others ran");
    }
    // Rules that disagree are the policy owners' to settle: logged and counted, never told to a requester.
    for (const c of plan.conflicts) {
      options.onConflict?.(c);
      trace.logger.warn({ ref: formatRef(ref), kind: c.kind ?? "rules", subject: c.subject, rules: [...new Set(c.actions.map((a) => a.rule))] }, c.message);
    }
    trace.logger.info(
      { ref: formatRef(ref), events: trace.eventIds.length, writes, actions: plan.actions.map((a) => `${a.rule}:${a.type}`), conflicts: plan.conflicts.length },
      writes > 0 ? "reconciled: changes applied" : "reconciled: nothing to change",
    );
    if (wait) return { inMs: wait, why: `settle time: the note about a person's edit waits ${Math.round(wait / 1000)}s in case they are still editing` };
  }

  /**
   * How long the notes of rules that judge a person's edits still wait on this resource, or 0. The
   * wait starts with the first run that would post such a note and lasts `settleMs`, whatever the
   * person changes meanwhile; then the resource is reconciled with every rule, on what it is then.
   */
  async function settleTime(listed: ResourceSnapshot, deps: ReconcileDeps): Promise<number> {
    const key = formatRef(listed.ref);
    const now = wallClock();
    const until = waiting.get(key);
    if (until !== undefined) {
      if (now < until) return until - now;
      waiting.delete(key);
      return 0;
    }
    if (settleMs <= 0 || settling.length === 0) return 0;
    const { plan } = await planSnapshot(listed, deps);
    if (!plan.actions.some((a) => a.type === "comment" && settling.includes(a.rule))) return 0;
    waiting.set(key, now + settleMs);
    return settleMs;
  }
}

/**
 * `read`, kept for `ttlMs` after it was asked: every caller in that time shares the one answer.
 * A failed read is not kept, so the next caller asks again; `forget()` drops the answer at once.
 */
function readEvery<T>(ttlMs: number, now: () => number, read: () => Promise<T>): (() => Promise<T>) & { forget(): void } {
  let cached: { at: number; value: Promise<T> } | undefined;
  const get = () => {
    const at = now();
    if (!cached || at - cached.at > ttlMs) {
      const value = read();
      value.catch(() => (cached = undefined));
      cached = { at, value };
    }
    return cached.value;
  };
  return Object.assign(get, { forget: () => (cached = undefined) });
}
