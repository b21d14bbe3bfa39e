/**
 * What the inbox's worker calls for each resource a webhook named: read it anew from GitLab and
 * reconcile it with every rule, exactly as the sweep does. The team's milestones are cached
 * briefly, since every reconcile needs them and they rarely change.
 */
import type { PlanConflict } from "../domain/plan.js";
import type { MilestoneInfo } from "../domain/snapshot.js";
import { formatRef } from "../domain/snapshot.js";
import { botUsernameFrom, createRuleContext } from "../engine/context.js";
import { reconcileRef } from "../engine/reconcile.js";
import type { Reconcile } from "../queue/types.js";
import { guardMilestoneRef } from "../milestones/closeGuard.js";
import { openNotifier, type Notifier } from "../notify/index.js";
import { buildRules } from "../rules/registry.js";
import { resolveAssignees } from "../triage/sweepSupport.js";
import type { Runtime } from "../runtime.js";

export interface ReconcilerOptions {
  milestoneTtlMs?: number;
  notifier?: Notifier | null;
  env?: NodeJS.ProcessEnv;
  /** Told of every conflict in a plan (counted on /metrics). */
  onConflict?: (conflict: PlanConflict) => void;
}

export function createReconciler(runtime: Runtime, options: ReconcilerOptions = {}): Reconcile {
  const rules = buildRules(runtime.policy);
  // Slack posts of rules (handbook updates) go out in the background; channels without a webhook URL are skipped with a warning.
  const notifier =
    options.notifier !== undefined ? (options.notifier ?? undefined) : (openNotifier(runtime.policy, { env: options.env ?? process.env, dryRun: false, logger: runtime.logger }) ?? undefined);
  // GitLab user ids of the people triage rules may assign, read once (round-robin and named users).
  let userIds: Promise<Record<string, number>> | undefined;
  const assignable = () => {
    if (!userIds) {
      userIds = resolveAssignees(rules, runtime.policy, runtime.platform, runtime.logger);
      userIds.catch(() => (userIds = undefined));
    }
    return userIds;
  };
  const ttl = options.milestoneTtlMs ?? 60_000;
  let cached: { at: number; value: Promise<MilestoneInfo[]> } | undefined;
  const milestones = () => {
    const now = runtime.clock().getTime();
    if (!cached || now - cached.at > ttl) {
      const value = runtime.platform.milestones();
      value.catch(() => (cached = undefined));
      cached = { at: now, value };
    }
    return cached.value;
  };

  return async (ref, trace) => {
    if (ref.kind === "milestone") {
      // Milestone events refresh the milestone cache; a team milestone closed while its milestone
      // merge request is open is reactivated (the milestone is read anew: the event is only a hint).
      cached = undefined;
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
      userIds: await assignable(),
    };
    const outcome = await reconcileRef(ref, { platform: runtime.platform, rules, ctx, ...(notifier ? { notifier } : {}) });
    if (outcome === null) {
      trace.logger.info({ ref: formatRef(ref) }, "resource is gone or out of scope; nothing to do");
      return;
    }
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
  };
}
