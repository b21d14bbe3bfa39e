/**
 * The `handbook-updates` job: the merges (and creations) of handbook-update merge requests that
 * the server's webhook may have missed, posted through the same rule and the same markers, so a
 * merge request the webhook already announced is not posted again. Merges younger than a few
 * minutes are left to the webhook, which keeps the two from racing.
 */
import { formatRef } from "../domain/snapshot.js";
import { createRuleContext } from "../engine/context.js";
import { reconcileSnapshot } from "../engine/reconcile.js";
import { reportResource, type RunReport, emptyRunReport, finishRunReport } from "../engine/report.js";
import type { Job, JobDeps } from "./types.js";
import { handbookUpdates } from "../rules/handbookUpdates.js";
import { openNotifier } from "../notify/open.js";
import type { Notifier } from "../notify/types.js";

export interface HandbookUpdatesJobOptions {
  env?: NodeJS.ProcessEnv;
  notifier?: Notifier;
  /** How far back merges are looked for (default 48 hours: a missed weekend night is covered by the next run). */
  lookbackHours?: number;
  /** Merges younger than this are left to the webhook (default 10 minutes). */
  settleMinutes?: number;
}

export async function runHandbookUpdates(deps: JobDeps, options: HandbookUpdatesJobOptions = {}): Promise<RunReport> {
  const routes = deps.policy.notifications?.handbookUpdates ?? [];
  if (routes.length === 0) throw new Error("The handbook-updates job needs handbook_updates routes in policies/notifications.yml.");
  const { platform } = deps;
  if (platform.labelledMergeRequests === undefined) {
    throw new Error("The handbook-updates job lists merge requests by label, so it needs the GitLab connection.");
  }
  const channels = [...new Set(routes.flatMap((r) => r.channels))];
  const notifier = options.notifier ?? openNotifier(deps.policy, { env: options.env ?? deps.config?.urlVariables ?? {}, dryRun: deps.dryRun, logger: deps.logger, require: channels })!;
  const started = deps.clock();
  const startedMs = performance.now();
  const settleMs = (options.settleMinutes ?? 10) * 60_000;
  const updatedAfter = new Date(started.getTime() - (options.lookbackHours ?? 48) * 3_600_000);
  const rules = handbookUpdates.create(deps.policy);
  const ctx = createRuleContext(deps.policy, deps.calendar, started, []);
  const report: RunReport = emptyRunReport("handbook-updates", deps.dryRun, started);
  const seen = new Set<number>();
  for (const label of new Set(routes.map((r) => r.label))) {
    for await (const mr of platform.labelledMergeRequests({ label, state: "all", updatedAfter })) {
      if (seen.has(mr.id)) continue;
      seen.add(mr.id);
      report.read.mergeRequests++;
      const at = mr.state === "merged" ? (mr.mergedAt ?? mr.updatedAt) : mr.createdAt;
      if (started.getTime() - at.getTime() < settleMs) continue;
      try {
        const { plan } = await reconcileSnapshot(mr, { platform, rules, ctx, notifier });
        const entry = reportResource(plan);
        if (entry) report.resources.push(entry);
      } catch (e) {
        report.errors.push({ ref: formatRef(mr.ref), message: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  await notifier.idle();
  for (const failed of notifier.outcomes().filter((o) => !o.ok)) {
    report.errors.push({ ref: `#${failed.channel}`, message: `Slack post failed (${failed.error ?? "unknown error"}); it is tried again on the next run.` });
  }
  return finishRunReport(report, startedMs, deps.platform);
}

export const handbookUpdatesJob: Job = {
  name: "handbook-updates",
  description: "Post merged handbook-update merge requests to their Slack channels when the server missed the merge.",
  run: (deps) => runHandbookUpdates(deps),
};
