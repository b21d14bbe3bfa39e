/**
 * Everything a command needs to act on GitLab, built in one place from the environment:
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
import { gitlabUrlProblem } from "./gitlabUrl.js";

export interface GitLabConnection {
  url: string;
  token: string;
}

/** GITLAB_URL and GITLAB_TOKEN, with one message naming everything missing. */
export function gitlabConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): GitLabConnection {
  const missing: string[] = [];
  const url = env.GITLAB_URL?.trim() ?? "";
  const token = env.GITLAB_TOKEN?.trim() ?? "";
  if (!url) missing.push("GITLAB_URL: the address of your GitLab, e.g. https://gitlab.com");
  if (!token) missing.push("GITLAB_TOKEN: an access token (scope: api) of the bot's GitLab user");
  if (missing.length > 0) {
    throw new Error(`Set these environment variables first (or try \`npm run demo\`, which needs none):\n${missing.map((m) => `  - ${m}`).join("\n")}`);
  }
  const problem = gitlabUrlProblem(url);
  if (problem !== undefined) throw new Error(problem);
  return { url, token };
}

/**
 * How many notes a minute the bot may create: MOPS_NOTES_PER_MINUTE, else scope.yml's
 * `notes_per_minute`, else GitLab.com's limit of 60. A 429 on a note slows it further at run time.
 */
export function notesPerMinuteFrom(env: NodeJS.ProcessEnv, policy: CompiledPolicy): number {
  const text = env.MOPS_NOTES_PER_MINUTE?.trim();
  if (text) {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `MOPS_NOTES_PER_MINUTE must be a whole number of notes a minute, at least 1 (got "${text}"): use your GitLab's note creation limit, 60 on GitLab.com.`,
      );
    }
    return value;
  }
  return policy.scope.notesPerMinute ?? DEFAULT_NOTES_PER_MINUTE;
}

export interface Runtime {
  policy: CompiledPolicy;
  calendar: BusinessCalendar;
  platform: GitLabPlatform;
  clock: () => Date;
  logger: Logger;
}

export interface RuntimeOptions {
  policiesDir: string;
  connection: GitLabConnection;
  dryRun: boolean;
  logger: Logger;
  clock?: () => Date;
  /** GitLab requests in flight at once. */
  concurrency?: number;
  /** Where MOPS_NOTES_PER_MINUTE is read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Adapter settings beyond the defaults (retry timing in tests, rate pacing). */
  platform?: Partial<Pick<GitLabPlatformOptions, "retry" | "rateLimit" | "notesPerMinute" | "sleep" | "pacingClock" | "random" | "timeoutMs" | "onResponse" | "historyCache">>;
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const policy = await loadPolicies(options.policiesDir, { knownJobs: JOB_NAMES });
  const calendar = createBusinessCalendar(policy.calendar);
  const clock = options.clock ?? (() => new Date());
  const platform = createGitLabPlatform({
    url: options.connection.url,
    token: options.connection.token,
    policy,
    dryRun: options.dryRun,
    clock,
    today: (now) => calendar.today(now),
    concurrency: options.concurrency ?? 8,
    logger: options.logger,
    notesPerMinute: notesPerMinuteFrom(options.env ?? process.env, policy),
    ...options.platform,
  });
  return { policy, calendar, platform, clock, logger: options.logger };
}
