/**
 * The sweep: reconcile every open issue and merge request in scope. One listing per resource kind
 * is shared by all rules; resources are reconciled concurrently within a bound while the listing
 * is still paging. One resource failing is reported and the others go on.
 */
import PQueue from "p-queue";
import { formatRef, type ResourceKind, type ResourceSnapshot } from "../domain/snapshot.js";
import { botUsernameFrom, createRuleContext } from "../engine/context.js";
import { boardSpellings } from "../labels/boardSpellings.js";
import { reconcileSnapshot, type ReconcileDeps } from "../engine/reconcile.js";
import { type RunReport, reportResource, emptyRunReport, finishRunReport, sortRunReport } from "../engine/report.js";
import { summariseConvergence } from "../engine/rounds.js";
import { openNotifier } from "../notify/open.js";
import type { Notifier } from "../notify/types.js";
import { buildRules } from "../rules/registry.js";
import type { RuleContext } from "../rules/types.js";
import { openAttention } from "../engine/attentionStore.js";
import { AttentionOrder } from "../engine/attentionOrder.js";
import { AdoptionCollector, type AdoptionOutcome } from "../rollout/adoptionRun.js";
import { createRunBudget, resolveAssignees, SummaryCollector } from "../triage/sweepSupport.js";
import type { Job, JobDeps } from "./types.js";

export interface SweepOptions {
  /** Resources reconciled at once (each may make a few requests). */
  concurrency?: number;
  /** The job's name in its report (jobs that sweep with some of the rules, e.g. `sla`). */
  job?: string;
  /** Sees each resource as the rules saw it, with the history read for them (reports of a job). */
  onReconciled?: (snapshot: ResourceSnapshot, ctx: RuleContext) => void;
  /**
   * Where triage summaries with `slack:` post. Omitted: opened from the policy and `env` when a
   * summary posts to Slack (a missing webhook variable is reported for that summary only).
   */
  notifier?: Notifier | null;
  /** Variables holding the Slack webhook URLs; default: the configuration's. */
  env?: NodeJS.ProcessEnv;
  /** Sees the adoption reports as written (or in a dry run, as they would be), for `mops-bot adopt`. */
  onAdoption?: (outcome: AdoptionOutcome) => void;
}

/**
 * A resource the first pass deferred, as the second pass decides on it. A dry run writes nothing,
 * so the state the first pass read is the one to decide on, at no request. A live run reads the
 * resource again: gone, out of scope or closed since (the sweep reconciles open resources; the
 * webhook path sees the rest), nothing to do; changed since (`updated_at` moved), decided afresh;
 * unchanged, the history the first pass read serves. GitLab presents one issue as
 * Entities::Issue, an IssueBasic as in the listing (its user_notes_count included), so the rules
 * see the same fields (gitlabhq lib/api/issues.rb, `get ":id/issues/:issue_iid"`).
 */
function stillOpenWith(platform: JobDeps["platform"]): (held: ResourceSnapshot) => Promise<ResourceSnapshot | null> {
  return async (held) => {
    const now = await platform.get(held.ref);
    if (now === null || now.state !== "opened") return null;
    return now.updatedAt.getTime() === held.updatedAt.getTime() ? held : now;
  };
}

export async function runSweep(deps: JobDeps, options: SweepOptions = {}): Promise<RunReport> {
  const started = deps.clock();
  const startedMs = performance.now();
  const rules = buildRules(deps.policy, deps.only);
  const milestones = await deps.platform.milestones();
  const ctx = {
    ...createRuleContext(deps.policy, deps.calendar, started, milestones),
    botUsername: await botUsernameFrom(deps.platform, deps.policy),
    boardSpellings: await boardSpellings(deps.platform, deps.policy, deps.logger),
    budget: createRunBudget(),
    userIds: await resolveAssignees(rules, deps.policy, deps.platform, deps.logger),
  };
  // Scheduled work mentions each person at most a few times a day (rollout.yml); the count is kept in GitLab.
  const attention = await openAttention(deps.policy, deps.platform, deps.calendar.today(started), ctx.botUsername);
  // Triage summaries gather what their rule selects across the whole sweep.
  const summaries = new SummaryCollector(rules);
  // The adoption reports list what rollout.yml holds back on the backlog. Only a sweep with every
  // rule sees every problem; one with some rules (`--only`, the sla job) would shorten the lists.
  const adoption = deps.policy.rollout !== undefined && (deps.only ?? []).length === 0 && options.job === undefined ? new AdoptionCollector(rules) : null;
  const report: RunReport = emptyRunReport(options.job ?? "sweep", deps.dryRun, started);
  const queue = new PQueue({ concurrency: options.concurrency ?? 16 });
  let done = 0;
  // The first pass defers resources whose notes would mention someone; once the listing is done,
  // the budget goes to the most important of those notes (attentionOrder.ts) and the second pass
  // reconciles the deferred resources again.
  const order = attention ? new AttentionOrder(attention.budget) : null;
  const stillOpen = stillOpenWith(deps.platform);
  const reconcileOne = async (snapshot: ResourceSnapshot, pass: ReconcileDeps["attention"]) => {
    let deferred = false;
    try {
      const outcome = await reconcileSnapshot(snapshot, { platform: deps.platform, rules, ctx, ...(pass ? { attention: pass } : {}) });
      if ((deferred = outcome.deferred === true)) return;
      if (summaries.active) summaries.collect(outcome.snapshot ?? snapshot, ctx);
      adoption?.collect(outcome.projected ?? outcome.snapshot ?? snapshot, ctx);
      options.onReconciled?.(outcome.snapshot ?? snapshot, ctx);
      const entry = reportResource(outcome.plan, outcome.convergence && summariseConvergence(outcome.convergence));
      if (entry) report.resources.push(entry);
      for (const u of outcome.undecided ?? []) report.undecided.push({ ref: formatRef(snapshot.ref), ...u });
    } catch (e) {
      report.errors.push({ ref: formatRef(snapshot.ref), message: e instanceof Error ? e.message : String(e) });
      deps.logger.warn({ ref: formatRef(snapshot.ref), err: e }, "reconcile failed");
    } finally {
      // A deferred resource counts once, when its second pass is done.
      if (!deferred) deps.onProgress?.(++done);
    }
  };
  const kinds: ResourceKind[] = ["issue", "merge_request"].filter((k) => rules.some((r) => r.appliesTo.includes(k as ResourceKind))) as ResourceKind[];
  await Promise.all(
    kinds.map(async (kind) => {
      for await (const snapshot of deps.platform.list({ kind, state: "opened" })) {
        if (kind === "issue") report.read.issues++;
        else report.read.mergeRequests++;
        // Back-pressure: do not list far ahead of the work.
        if (queue.size > 200) await queue.onSizeLessThan(100);
        void queue.add(() => reconcileOne(snapshot, order ?? undefined));
      }
    }),
  );
  await queue.onIdle();
  if (order) {
    for (const held of order.grantAndRelease()) {
      if (queue.size > 200) await queue.onSizeLessThan(100);
      void queue.add(async () => {
        try {
          const snapshot = deps.dryRun ? held : await stillOpen(held);
          if (snapshot !== null) return await reconcileOne(snapshot, attention!.budget);
        } catch (e) {
          report.errors.push({ ref: formatRef(held.ref), message: e instanceof Error ? e.message : String(e) });
        }
        deps.onProgress?.(++done);
      });
    }
    await queue.onIdle();
  }
  if (summaries.active) {
    const notifier =
      options.notifier !== undefined
        ? options.notifier
        : summaries.slackChannels.length > 0
          ? openNotifier(deps.policy, { env: options.env ?? deps.config?.urlVariables ?? {}, dryRun: deps.dryRun, logger: deps.logger })
          : null;
    const written = await summaries.finish(deps.policy, deps.platform, deps.logger, notifier);
    await notifier?.idle();
    report.resources.push(...written.resources);
    report.errors.push(...written.errors);
  }
  if (adoption) {
    const written = await adoption.finish(deps.policy, deps.platform, attention?.budget);
    report.resources.push(...written.resources);
    report.errors.push(...written.errors);
    options.onAdoption?.(written);
  }
  if (attention) {
    const written = await attention.close();
    report.resources.push(...written.resources);
    report.errors.push(...written.errors);
  }
  return finishRunReport(sortRunReport(report), startedMs, deps.platform);
}

export const sweepJob: Job = {
  name: "sweep",
  description: "Reconcile every open issue and merge request in scope with every rule.",
  run: (deps) => runSweep(deps),
};
