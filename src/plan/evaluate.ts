/**
 * Evaluating two policy sets on the same GitLab at the same moment: every scheduled job runs once
 * per policy set against shared, read-only reads, so the difference in their reports is the
 * difference the policy change makes and nothing else (no second listing that could have moved).
 */
import type { Logger } from "pino";
import type { BusinessCalendar } from "../domain/calendar.js";
import type { Platform, PlatformReader } from "../engine/platform.js";
import type { RunReport } from "../engine/report.js";
import { createGitLabPlatform, type GitLabPlatform, type GitLabPlatformOptions } from "../gitlab/index.js";
import { jobs as registeredJobs } from "../jobs/registry.js";
import type { Job } from "../jobs/types.js";
import type { CompiledPolicy } from "../policy/model.js";
import { buildRules } from "../rules/registry.js";
import type { GitLabConnection } from "../config.js";
import type { EvaluatedSide } from "./diff.js";
import { SharedReads, sideView, unionScope } from "../engine/sharedReads.js";

export interface PolicySet {
  policy: CompiledPolicy;
  calendar: BusinessCalendar;
}

export interface EvaluateOptions {
  /** The policies as they were (null: there were none, so every effect is new). */
  before: PolicySet | null;
  after: PolicySet;
  connection: GitLabConnection;
  /** One fixed moment for both evaluations. */
  now: Date;
  logger: Logger;
  /** Jobs to compare (default: every registered job, aliases once). */
  jobs?: readonly Job[];
  /** Adapter settings beyond the defaults (retry timing in tests). */
  platform?: Partial<Pick<GitLabPlatformOptions, "retry" | "rateLimit" | "sleep" | "random" | "timeoutMs" | "concurrency">>;
}

export interface Evaluation {
  before: EvaluatedSide;
  after: EvaluatedSide;
  /** GitLab requests made, all of them reads. */
  apiRequests: number;
}

/** Each job once: an alias (another name for the same run, e.g. `nightly`) would only repeat it. */
export function distinctJobs(list: readonly Job[]): Job[] {
  const seen = new Set<Job["run"]>();
  return list.filter((j) => (seen.has(j.run) ? false : (seen.add(j.run), true)));
}

function failedReport(job: Job, now: Date, error: unknown): RunReport {
  return {
    job: job.name,
    dryRun: true,
    startedAt: now.toISOString(),
    durationMs: 0,
    read: { issues: 0, mergeRequests: 0 },
    resources: [],
    errors: [{ ref: `(the whole ${job.name} job)`, message: error instanceof Error ? error.message : String(error) }],
    undecided: [],
    apiRequests: { total: 0, byRoute: {}, retries: 0 },
  };
}

/**
 * What a job gets while planning: the side's reads, an apply() that writes nothing, and the scope
 * plans and grouped reads of `own`, which was built in dry-run and read-only (its requester refuses
 * anything but GET), so a scope plan only says what it would write.
 */
export function planningPlatform(reads: PlatformReader, own: GitLabPlatform): Platform {
  return {
    ...reads,
    currentUser: () => own.currentUser(),
    requestStats: () => own.requestStats(),
    issuesByMarker: reads.issuesByMarker ?? ((query, accept) => own.issuesByMarker(query, accept)),
    userIdsByUsername: reads.userIdsByUsername ?? ((names) => own.userIdsByUsername(names)),
    milestoneReads: reads.milestoneReads ?? own.milestoneReads,
    labelReads: reads.labelReads ?? own.labelReads,
    apply: async () => ({ writes: 0, dryRun: true, requests: [] }),
    applyScope: (plan) => own.applyScope(plan),
  };
}

export async function evaluatePolicySets(options: EvaluateOptions): Promise<Evaluation> {
  const clock = () => options.now;
  const platformFor = (policy: CompiledPolicy, calendar: BusinessCalendar): GitLabPlatform =>
    createGitLabPlatform({
      url: options.connection.url,
      token: options.connection.token,
      policy,
      dryRun: true,
      clock,
      today: (now) => calendar.today(now),
      concurrency: 8,
      logger: options.logger,
      ...options.platform,
      // Whatever a job does, the plan sends nothing but reads.
      readOnlyFor: "mops-bot plan",
    });
  const { after, before } = options;
  // One listing covers both scopes; each side then sees only its own projects.
  const listing = platformFor({ ...after.policy, scope: unionScope(after.policy.scope, before?.policy.scope) }, after.calendar);
  const reads = new SharedReads(listing);
  const platforms: GitLabPlatform[] = [listing];
  const jobs = distinctJobs(options.jobs ?? registeredJobs);

  const evaluate = async (set: PolicySet): Promise<EvaluatedSide> => {
    const own = platformFor(set.policy, set.calendar);
    platforms.push(own);
    const platform = planningPlatform(sideView(reads, set.policy.scope, own), own);
    const reports: RunReport[] = [];
    for (const job of jobs) {
      try {
        reports.push(await job.run({ policy: set.policy, calendar: set.calendar, platform, clock, logger: options.logger, dryRun: true }));
      } catch (error) {
        options.logger.warn({ job: job.name, err: error }, "a job failed while planning");
        reports.push(failedReport(job, options.now, error));
      }
    }
    return { rules: buildRules(set.policy).map((r) => r.id), reports };
  };

  const evaluatedAfter = await evaluate(after);
  const evaluatedBefore = before === null ? { rules: [], reports: [] } : await evaluate(before);
  const apiRequests = platforms.reduce((n, p) => n + p.requestStats().total, 0);
  return { before: evaluatedBefore, after: evaluatedAfter, apiRequests };
}
