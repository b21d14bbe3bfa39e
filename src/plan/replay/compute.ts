/**
 * The replay as the `plan` command runs it: load the policies (and the base's, when comparing),
 * read the board once through a read-only platform, and replay each policy set on the same reads.
 */
import type { Logger } from "pino";
import { createBusinessCalendar } from "../../domain/calendar.js";
import { createGitLabPlatform } from "../../gitlab/index.js";
import { jobNames } from "../../jobs/registry.js";
import { validatePolicies } from "../../policy/load.js";
import type { CompiledPolicy } from "../../policy/model.js";
import type { GitLabConnection } from "../../config.js";
import { resolveBase } from "../baseSource.js";
import type { EvaluateOptions, PolicySet } from "../evaluate.js";
import type { InvalidPlan } from "../plan.js";
import { SharedReads, sideView, unionScope } from "../../engine/sharedReads.js";
import { readReplaySource } from "./read.js";
import { replayPolicySet, type ReplayRun, type ReplaySource } from "./replay.js";

const DAY_MS = 86_400_000;

export interface ReplayOptions {
  dir: string;
  /** Policies to compare with (a folder or a git ref), or none to replay `dir` alone. */
  base?: string;
  days: number;
  maxResources: number;
  connection: () => GitLabConnection;
  now: Date;
  logger: Logger;
  platform?: EvaluateOptions["platform"];
  /** The webhook path's settle time (MOPS_SETTLE_SECONDS); default that of `serve`. */
  settleMs?: number;
}

export interface ReplayReport {
  status: "ok";
  days: number;
  from: string;
  to: string;
  group: string;
  dir: string;
  /** How the base is named, when comparing. */
  base?: string;
  /** The base could not be loaded (or has no policies): its side is empty. */
  baseUnavailable?: string;
  after: ReplayRun;
  before?: ReplayRun;
  source: Pick<ReplaySource, "relevant" | "sampled" | "unreadable"> & { maxResources: number };
  apiRequests: number;
}

export type ReplayOutcome = ReplayReport | InvalidPlan;

function policySet(policy: CompiledPolicy): PolicySet {
  return { policy, calendar: createBusinessCalendar(policy.calendar) };
}

export async function computeReplay(options: ReplayOptions): Promise<ReplayOutcome> {
  const known = { knownJobs: jobNames() };
  const head = await validatePolicies(options.dir, known);
  if (!head.policy) return { status: "invalid", dir: options.dir, problems: head.problems };
  const after = policySet(head.policy);

  const base = options.base === undefined ? undefined : await resolveBase(options.base, options.dir);
  try {
    const baseResult = base?.dir ? await validatePolicies(base.dir, known) : undefined;
    const before = baseResult?.policy ? policySet(baseResult.policy) : undefined;
    const connection = options.connection();
    const to = options.now;
    const from = new Date(to.getTime() - options.days * DAY_MS);
    // One read-only reading of both scopes together; each side then keeps its own projects.
    const scope = unionScope(after.policy.scope, before?.policy.scope);
    const listing = createGitLabPlatform({
      url: connection.url,
      token: connection.token,
      policy: { ...after.policy, scope },
      dryRun: true,
      clock: () => to,
      today: (now) => after.calendar.today(now),
      concurrency: 8,
      logger: options.logger,
      ...options.platform,
      readOnlyFor: "mops-bot plan --replay",
    });
    const reads = sideView(new SharedReads(listing), scope, listing);
    const source = await readReplaySource(reads, { from, to, maxResources: options.maxResources, logger: options.logger });
    const afterRun = await replayPolicySet(after, source, options.logger, reads, options.settleMs);
    const beforeRun = before ? await replayPolicySet(before, source, options.logger, reads, options.settleMs) : undefined;
    const unavailable =
      base === undefined || before !== undefined
        ? undefined
        : base.dir === null
          ? "the base has no policies folder"
          : `the base policies do not load (${baseResult?.problems.length ?? 0} problem(s))`;
    return {
      status: "ok",
      days: options.days,
      from: from.toISOString(),
      to: to.toISOString(),
      group: after.policy.scope.group,
      dir: options.dir,
      ...(base ? { base: base.label } : {}),
      ...(unavailable ? { baseUnavailable: unavailable } : {}),
      after: afterRun,
      ...(beforeRun ? { before: beforeRun } : {}),
      source: { relevant: source.relevant, unreadable: source.unreadable, maxResources: options.maxResources, ...(source.sampled ? { sampled: source.sampled } : {}) },
      apiRequests: listing.requestStats().total,
    };
  } finally {
    await base?.cleanup();
  }
}
