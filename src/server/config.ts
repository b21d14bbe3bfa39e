/**
 * `serve` configuration from the environment. Every missing or invalid setting is reported in
 * one message, with what it is for, so whoever deploys the bot fixes everything in one go.
 */
import { historyCacheSettings, type HistoryCacheSettings } from "../cache/open.js";
import { dataDirFrom } from "../dataDir.js";
import { redisUrlProblems } from "../queue/redisConnection.js";
import { DEFAULT_BODY_LIMIT_BYTES } from "../webhook/delivery.js";
import { signingKey } from "../webhook/verify.js";
import { gitlabUrlProblem } from "../gitlabUrl.js";

export interface ServeConfig {
  gitlabUrl: string;
  gitlabToken: string;
  /** Accepted webhook secrets; several while one is being rotated. */
  webhookSecrets: string[];
  /** `whsec_…` signing token, when GitLab signs the deliveries. */
  signingToken?: string;
  port: number;
  dataDir: string;
  /** `REDIS_URL`: when set, replicas share their inbox (and scheduled-job election) through this Redis. */
  redisUrl?: string;
  /** With Redis: how long a dead replica's claim on a resource holds before another replica takes over. */
  redisLeaseMs: number;
  /**
   * SQLite inbox: `process-crash` (the default) keeps every acknowledged delivery through a crash,
   * `kill -9` or restart of the bot, but a power cut or kernel crash may lose the last ones;
   * `power-loss` syncs every acknowledged delivery to disk (survives a power cut too) and answers
   * GitLab about half as fast on a busy instance (see bench/webhook.ts).
   */
  inboxDurability: "power-loss" | "process-crash";
  policiesDir: string;
  /** Resources reconciled in parallel. */
  workerConcurrency: number;
  /** Attempts before an event becomes a dead letter. */
  maxAttempts: number;
  /** How long a stop waits for running reconciles. */
  shutdownTimeoutMs: number;
  bodyLimitBytes: number;
  /**
   * `MOPS_SETTLE_SECONDS`: on the webhook path, how long the rules that judge a person's edits
   * (`settles`: a stage's missing requirements, the reopen guard's close) wait after a person's
   * change (repairs never wait); 0 does not wait.
   */
  settleMs: number;
  /** MOPS_CACHE, MOPS_CACHE_DIR, MOPS_CACHE_MAX_AGE_DAYS, MOPS_CACHE_MAX_MB (and REDIS_URL): the history cache. */
  historyCache: HistoryCacheSettings;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`mops-bot serve cannot start. Fix these environment variables:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const REQUIRED: Record<string, string> = {
  GITLAB_URL: "the address of your GitLab, e.g. https://gitlab.com; the bot reads and updates issues there",
  GITLAB_TOKEN: "an access token of the bot's GitLab user (scope: api); used for every API call",
  GITLAB_WEBHOOK_SECRET:
    "the secret token set on the GitLab webhook; deliveries without it are refused (comma-separated to accept several while rotating)",
};

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} is "${text}"; it must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return n;
}

export function loadServeConfig(env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const problems: string[] = [];
  for (const [name, purpose] of Object.entries(REQUIRED)) {
    if (!env[name]?.trim()) problems.push(`${name} is not set: ${purpose}`);
  }

  const gitlabUrl = env.GITLAB_URL?.trim() ?? "";
  const urlProblem = gitlabUrl ? gitlabUrlProblem(gitlabUrl) : undefined;
  if (urlProblem !== undefined) problems.push(urlProblem);

  const webhookSecrets = (env.GITLAB_WEBHOOK_SECRET ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (env.GITLAB_WEBHOOK_SECRET?.trim() && webhookSecrets.length === 0) {
    problems.push("GITLAB_WEBHOOK_SECRET holds only commas; give at least one secret");
  }

  const signingToken = env.GITLAB_WEBHOOK_SIGNING_TOKEN?.trim() || undefined;
  if (signingToken) {
    try {
      signingKey(signingToken);
    } catch (e) {
      problems.push(`GITLAB_WEBHOOK_SIGNING_TOKEN: ${(e as Error).message}`);
    }
  }

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl) problems.push(...redisUrlProblems(redisUrl));
  const redisLeaseSeconds = wholeNumber(env, "MOPS_REDIS_LEASE_SECONDS", 30, 1, 3600, problems);

  const durabilityText = env.MOPS_INBOX_DURABILITY?.trim() || "process-crash";
  if (durabilityText !== "power-loss" && durabilityText !== "process-crash") {
    problems.push(`MOPS_INBOX_DURABILITY is "${durabilityText}"; it must be "process-crash" (the default: an acknowledged delivery survives a crash, kill -9 or restart of the bot, but a power cut may lose the last few) or "power-loss" (every acknowledged delivery is synced to disk and survives a power cut too; acknowledges deliveries about half as fast under load)`);
  }
  const inboxDurability = durabilityText === "power-loss" ? "power-loss" : "process-crash";

  const port = wholeNumber(env, "PORT", 8080, 0, 65535, problems);
  const workerConcurrency = wholeNumber(env, "MOPS_WORKER_CONCURRENCY", 4, 1, 64, problems);
  const maxAttempts = wholeNumber(env, "MOPS_MAX_ATTEMPTS", 5, 1, 100, problems);
  const shutdownSeconds = wholeNumber(env, "MOPS_SHUTDOWN_TIMEOUT_SECONDS", 20, 0, 3600, problems);
  const settleSeconds = wholeNumber(env, "MOPS_SETTLE_SECONDS", 120, 0, 3600, problems);
  let historyCache: HistoryCacheSettings | undefined;
  try {
    historyCache = historyCacheSettings(env);
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    gitlabUrl: gitlabUrl.replace(/\/+$/, ""),
    gitlabToken: env.GITLAB_TOKEN!.trim(),
    webhookSecrets,
    ...(signingToken ? { signingToken } : {}),
    port,
    dataDir: dataDirFrom(env),
    ...(redisUrl ? { redisUrl } : {}),
    redisLeaseMs: redisLeaseSeconds * 1000,
    inboxDurability,
    policiesDir: env.MOPS_POLICIES_DIR?.trim() || "./policies",
    workerConcurrency,
    maxAttempts,
    shutdownTimeoutMs: shutdownSeconds * 1000,
    bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
    settleMs: settleSeconds * 1000,
    historyCache: historyCache!,
  };
}
