/**
 * Everything a command needs to act on GitLab, built in one place from the configuration:
 * the compiled policies, the business calendar, the GitLab platform and a clock.
 */
import type { Logger } from "pino";
import type { BusinessCalendar } from "./domain/calendar.js";
import { createBusinessCalendar } from "./domain/calendar.js";
import { createGitLabPlatform, DEFAULT_NOTES_PER_MINUTE, type GitLabPlatform, type GitLabPlatformOptions } from "./gitlab/index.js";
// The names alone, not the registry: importing every job here would make each job depend on the
// runtime that loads them all.
import { JOB_NAMES } from "./jobs/names.js";
import type { CompiledPolicy } from "./policy/model.js";
import { loadPolicies } from "./policy/load.js";
import { loadConfig, type Config, type GitLabConnection } from "./config.js";

/**
 * How many notes a minute the bot may create: MOPS_NOTES_PER_MINUTE, else scope.yml's
 * `notes_per_minute`, else GitLab.com's limit of 60. A 429 on a note slows it further at run time.
 */
export function notesPerMinuteOf(config: Pick<Config, "notesPerMinute">, policy: CompiledPolicy): number {
  return config.notesPerMinute ?? policy.scope.notesPerMinute ?? DEFAULT_NOTES_PER_MINUTE;
}

export interface Runtime {
  policy: CompiledPolicy;
  calendar: BusinessCalendar;
  platform: GitLabPlatform;
  clock: () => Date;
  logger: Logger;
  /** The configuration the runtime was opened with (Slack webhook variables for the jobs that post). */
  config: Config;
}

export interface RuntimeOptions {
  policiesDir: string;
  connection: GitLabConnection;
  dryRun: boolean;
  logger: Logger;
  clock?: () => Date;
  /** GitLab requests in flight at once. */
  concurrency?: number;
  /** The configuration read at the entry point; default: that of an empty environment. */
  config?: Config;
  /** Adapter settings beyond the defaults (retry timing in tests, rate pacing). */
  platform?: Partial<Pick<GitLabPlatformOptions, "retry" | "rateLimit" | "notesPerMinute" | "sleep" | "pacingClock" | "random" | "timeoutMs" | "onResponse" | "historyCache">>;
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const policy = await loadPolicies(options.policiesDir, { knownJobs: JOB_NAMES });
  const calendar = createBusinessCalendar(policy.calendar);
  const clock = options.clock ?? (() => new Date());
  const config = options.config ?? loadConfig({});
  const platform = createGitLabPlatform({
    url: options.connection.url,
    token: options.connection.token,
    policy,
    dryRun: options.dryRun,
    clock,
    today: (now) => calendar.today(now),
    concurrency: options.concurrency ?? 8,
    logger: options.logger,
    notesPerMinute: notesPerMinuteOf(config, policy),
    ...options.platform,
  });
  return { policy, calendar, platform, clock, logger: options.logger, config };
}
