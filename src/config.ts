/**
 * The bot's configuration, read from the environment in one place. `loadConfig(env)` is a pure
 * function of the variables it is given: it checks every variable that is set and reports every
 * problem in one message, with what to set, so whoever deploys the bot fixes everything in one go.
 *
 * What a command needs beyond that is asked for where it is used: `requireGitLab(config)` by the
 * commands that talk to GitLab, `loadServeConfig(env)` by `serve` (which also needs the webhook secret).
 * Commands that need neither, such as `policies validate` and the demo, start without GITLAB_URL.
 *
 * Only the entry points (src/cli.ts, and the demos' own in src/demo/) hand `process.env` in; everything else
 * receives the Config, or the part of it it needs. The variables are listed in the README.
 */
import { readHistoryCacheSettings, type HistoryCacheSettings } from "./cache/open.js";
import { dataDirFrom } from "./dataDir.js";
import { gitlabUrlProblem } from "./gitlabUrl.js";
import { redisUrlProblems } from "./queue/redisConnection.js";
import { DEFAULT_BODY_LIMIT_BYTES } from "./webhook/delivery.js";
import { signingKey } from "./webhook/verify.js";

/** The environment as the entry point hands it in (process.env, or an object in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

export interface Config {
  /** GITLAB_URL without trailing slashes; undefined when unset (see requireGitLab). */
  gitlabUrl?: string;
  /** GITLAB_TOKEN; undefined when unset. */
  gitlabToken?: string;
  /** GITLAB_WEBHOOK_SECRET: accepted webhook secrets; several while one is being rotated. */
  webhookSecrets: string[];
  /** GITLAB_WEBHOOK_SIGNING_TOKEN: `whsec_…` signing token, when GitLab signs the deliveries. */
  signingToken?: string;
  /** PORT `serve` listens on. */
  port: number;
  /** MOPS_DATA_DIR: where `serve` keeps its inbox and runs keep the history cache. */
  dataDir: string;
  /** MOPS_POLICIES_DIR; undefined when unset (the commands and `serve` each have their default). */
  policiesDir?: string;
  /** `REDIS_URL`: when set, replicas share their inbox (and scheduled-job election) through this Redis. */
  redisUrl?: string;
  /** MOPS_REDIS_LEASE_SECONDS: with Redis, how long a dead replica's claim on a resource holds before another replica takes over. */
  redisLeaseMs: number;
  /**
   * MOPS_INBOX_DURABILITY, for the SQLite inbox: `process-crash` (the default) keeps every
   * acknowledged delivery through a crash, `kill -9` or restart of the bot, but a power cut or
   * kernel crash may lose the last ones; `power-loss` syncs every acknowledged delivery to disk
   * (survives a power cut too) and answers GitLab about half as fast on a busy instance (see
   * bench/webhook.ts).
   */
  inboxDurability: "power-loss" | "process-crash";
  /** MOPS_WORKER_CONCURRENCY: resources reconciled in parallel. */
  workerConcurrency: number;
  /** MOPS_MAX_ATTEMPTS: attempts before an event becomes a dead letter. */
  maxAttempts: number;
  /** MOPS_SHUTDOWN_TIMEOUT_SECONDS: how long a stop waits for running reconciles. */
  shutdownTimeoutMs: number;
  /**
   * `MOPS_SETTLE_SECONDS`: on the webhook path, how long the rules that judge a person's edits
   * (`settles`: a stage's missing requirements, the reopen guard's close) wait after a person's
   * change (repairs never wait); 0 does not wait. Undefined when unset: `serve` and the replay of
   * `plan` each apply their default of two minutes.
   */
  settleMs?: number;
  /** MOPS_NOTES_PER_MINUTE; undefined when unset (scope.yml's `notes_per_minute`, else 60, applies). */
  notesPerMinute?: number;
  /** MOPS_CACHE, MOPS_CACHE_DIR, MOPS_CACHE_MAX_AGE_DAYS, MOPS_CACHE_MAX_MB (and REDIS_URL): the history cache. */
  historyCache: HistoryCacheSettings;
  /** LOG_LEVEL, one of pino's levels; undefined when unset (the logger's default applies). */
  logLevel?: string;
  /** What GitLab CI tells a pipeline about its project, used by `plan` in a merge request pipeline. */
  ci: {
    /** CI_PROJECT_URL */
    projectUrl?: string;
    /** CI_DEFAULT_BRANCH */
    defaultBranch?: string;
    /** CI_PROJECT_PATH */
    projectPath?: string;
  };
  /**
   * Every variable holding an http(s) address, by name. notifications.yml names the variable of
   * each Slack channel's incoming-webhook URL, so they cannot be a fixed list; a variable whose
   * value is not a web address counts as unset for Slack anyway.
   */
  urlVariables: Readonly<Record<string, string>>;
}

/** Every problem in the environment, with what to set; `what` names the command that cannot start. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    what = "the command",
  ) {
    super(`${what} cannot start. Fix these environment variables:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** What GITLAB_URL and GITLAB_TOKEN are for, as the messages about them say it. */
export const GITLAB_VARIABLES = {
  GITLAB_URL: "the address of your GitLab, e.g. https://gitlab.com",
  GITLAB_TOKEN: "an access token of the bot's GitLab user (scope: api)",
} as const;

/** The levels the logger (pino) knows; any other makes it fail to start. */
const LOG_LEVELS: readonly string[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function wholeNumber(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} is "${raw}"; it must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return n;
}

function notesPerMinuteOf(env: Env, problems: string[]): number | undefined {
  const raw = text(env, "MOPS_NOTES_PER_MINUTE");
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    problems.push(
      `MOPS_NOTES_PER_MINUTE must be a whole number of notes a minute, at least 1 (got "${raw}"): use your GitLab's note creation limit, 60 on GitLab.com.`,
    );
    return undefined;
  }
  return value;
}

function urlVariablesOf(env: Env): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const url = value?.trim();
    if (url && /^https?:\/\//.test(url)) urls[name] = url;
  }
  return urls;
}

/** The configuration and every problem found in it (an empty list when it is usable). */
function readConfig(env: Env): { config: Config; problems: string[] } {
  const problems: string[] = [];

  const gitlabUrl = text(env, "GITLAB_URL");
  const urlProblem = gitlabUrl ? gitlabUrlProblem(gitlabUrl) : undefined;
  if (urlProblem !== undefined) problems.push(urlProblem);

  const webhookSecrets = (env.GITLAB_WEBHOOK_SECRET ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (text(env, "GITLAB_WEBHOOK_SECRET") && webhookSecrets.length === 0) {
    problems.push("GITLAB_WEBHOOK_SECRET holds only commas; give at least one secret");
  }

  const signingToken = text(env, "GITLAB_WEBHOOK_SIGNING_TOKEN");
  if (signingToken) {
    try {
      signingKey(signingToken);
    } catch (e) {
      problems.push(`GITLAB_WEBHOOK_SIGNING_TOKEN: ${(e as Error).message}`);
    }
  }

  const redisUrl = text(env, "REDIS_URL");
  if (redisUrl) problems.push(...redisUrlProblems(redisUrl));
  const redisLeaseSeconds = wholeNumber(env, "MOPS_REDIS_LEASE_SECONDS", 30, 1, 3600, problems);

  const durabilityText = text(env, "MOPS_INBOX_DURABILITY") ?? "process-crash";
  if (durabilityText !== "power-loss" && durabilityText !== "process-crash") {
    problems.push(`MOPS_INBOX_DURABILITY is "${durabilityText}"; it must be "process-crash" (the default: an acknowledged delivery survives a crash, kill -9 or restart of the bot, but a power cut may lose the last few) or "power-loss" (every acknowledged delivery is synced to disk and survives a power cut too; acknowledges deliveries about half as fast under load)`);
  }

  const port = wholeNumber(env, "PORT", 8080, 0, 65535, problems);
  const workerConcurrency = wholeNumber(env, "MOPS_WORKER_CONCURRENCY", 4, 1, 64, problems);
  const maxAttempts = wholeNumber(env, "MOPS_MAX_ATTEMPTS", 5, 1, 100, problems);
  const shutdownSeconds = wholeNumber(env, "MOPS_SHUTDOWN_TIMEOUT_SECONDS", 20, 0, 3600, problems);
  const settleSeconds = text(env, "MOPS_SETTLE_SECONDS") === undefined ? undefined : wholeNumber(env, "MOPS_SETTLE_SECONDS", 120, 0, 3600, problems);
  const { settings: historyCache, problems: cacheProblems } = readHistoryCacheSettings(env);
  problems.push(...cacheProblems);
  const notesPerMinute = notesPerMinuteOf(env, problems);

  const gitlabToken = text(env, "GITLAB_TOKEN");
  const policiesDir = text(env, "MOPS_POLICIES_DIR");
  const logLevel = text(env, "LOG_LEVEL");
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL is "${logLevel}"; it must be one of debug, info, warn, error (or trace, fatal, silent)`);
  }
  const ci = { projectUrl: text(env, "CI_PROJECT_URL"), defaultBranch: text(env, "CI_DEFAULT_BRANCH"), projectPath: text(env, "CI_PROJECT_PATH") };
  const config: Config = {
    ...(gitlabUrl ? { gitlabUrl: gitlabUrl.replace(/\/+$/, "") } : {}),
    ...(gitlabToken ? { gitlabToken } : {}),
    webhookSecrets,
    ...(signingToken ? { signingToken } : {}),
    port,
    dataDir: dataDirFrom(env),
    ...(policiesDir ? { policiesDir } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    redisLeaseMs: redisLeaseSeconds * 1000,
    inboxDurability: durabilityText === "power-loss" ? "power-loss" : "process-crash",
    workerConcurrency,
    maxAttempts,
    shutdownTimeoutMs: shutdownSeconds * 1000,
    ...(settleSeconds !== undefined ? { settleMs: settleSeconds * 1000 } : {}),
    ...(notesPerMinute !== undefined ? { notesPerMinute } : {}),
    historyCache,
    ...(logLevel ? { logLevel } : {}),
    ci: Object.fromEntries(Object.entries(ci).filter(([, v]) => v !== undefined)),
    urlVariables: urlVariablesOf(env),
  };
  return { config, problems };
}

/** The configuration in `env`; throws a ConfigError listing every variable that is set wrong. */
export function loadConfig(env: Env): Config {
  const { config, problems } = readConfig(env);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export interface GitLabConnection {
  url: string;
  token: string;
}

/** GITLAB_URL and GITLAB_TOKEN, for a command that talks to GitLab, with one message naming everything missing. */
export function requireGitLab(config: Pick<Config, "gitlabUrl" | "gitlabToken">): GitLabConnection {
  const missing: string[] = [];
  if (!config.gitlabUrl) missing.push(`GITLAB_URL: ${GITLAB_VARIABLES.GITLAB_URL}`);
  if (!config.gitlabToken) missing.push(`GITLAB_TOKEN: ${GITLAB_VARIABLES.GITLAB_TOKEN}`);
  if (missing.length > 0 || !config.gitlabUrl || !config.gitlabToken) {
    throw new Error(`Set these environment variables first (or try \`npm run demo\`, which needs none):\n${missing.map((m) => `  - ${m}`).join("\n")}`);
  }
  return { url: config.gitlabUrl, token: config.gitlabToken };
}

/** What `serve` needs on top of the Config: GitLab, the webhook secret, and its defaults applied. */
export interface ServeConfig extends Config {
  gitlabUrl: string;
  gitlabToken: string;
  policiesDir: string;
  settleMs: number;
  bodyLimitBytes: number;
}

const SERVE_REQUIRED: Record<string, string> = {
  GITLAB_URL: `${GITLAB_VARIABLES.GITLAB_URL}; the bot reads and updates issues there`,
  GITLAB_TOKEN: `${GITLAB_VARIABLES.GITLAB_TOKEN}; used for every API call`,
  GITLAB_WEBHOOK_SECRET:
    "the secret token set on the GitLab webhook; deliveries without it are refused (comma-separated to accept several while rotating)",
};

/** `serve`'s configuration: everything missing and everything set wrong, in one ConfigError. */
export function loadServeConfig(env: Env): ServeConfig {
  const { config, problems } = readConfig(env);
  const missing = Object.entries(SERVE_REQUIRED)
    .filter(([name]) => !text(env, name))
    .map(([name, purpose]) => `${name} is not set: ${purpose}`);
  if (missing.length > 0 || problems.length > 0) throw new ConfigError([...missing, ...problems], "mops-bot serve");
  return {
    ...config,
    gitlabUrl: config.gitlabUrl!,
    gitlabToken: config.gitlabToken!,
    policiesDir: config.policiesDir ?? "./policies",
    settleMs: config.settleMs ?? 120_000,
    bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
  };
}

/** The policies a command reads: `--dir`, else MOPS_POLICIES_DIR, else ./policies where it runs. */
export function policiesDirOf(config: Pick<Config, "policiesDir">, dir?: string): string {
  return dir ?? config.policiesDir ?? "policies";
}
