/** What `mops-bot serve` does, loaded only when it runs: the webhook server with its durable inbox and the in-process schedules. */
import { destination, type Logger } from "pino";
import type { CommandIo } from "../cliIo.js";
import { ConfigError, type ServeConfig } from "../config.js";
import { createLogger } from "../logging.js";
import { createScheduler } from "../jobs/scheduler.js";
import { findJob } from "../jobs/registry.js";
import { renderReportText } from "../engine/report.js";
import { openRuntime } from "../runtime.js";
import { openHistoryCache } from "../cache/open.js";
import { InboxMissingError } from "../queue/inboxMarker.js";
import { createReconciler } from "./reconciler.js";
import { startServe, type RunningServe } from "./serve.js";
import { createMetrics } from "../webhook/metrics.js";

export interface RunServeOptions {
  schedules: boolean;
  handleSignals: boolean;
  /** Injected in tests; the wall clock otherwise. */
  clock?: () => Date;
  logger?: Logger;
  /** Interface to listen on (default: all). */
  host?: string;
  /** `--new-inbox`: accept starting with an empty inbox where one existed. */
  newInbox?: boolean;
}

export async function runServe(config: ServeConfig, options: RunServeOptions): Promise<RunningServe> {
  // On stdout, where a container's logs are collected.
  const logger = options.logger ?? createLogger(config, destination(1));
  // One registry for /metrics: the webhook edge and inbox count into it, and so does the GitLab client.
  const metrics = createMetrics();
  // Shared with the replicas through REDIS_URL when set; an SQLite file in the data dir otherwise.
  const historyCache = openHistoryCache(config.historyCache, {
    gitlabUrl: config.gitlabUrl,
    logger,
    onLookup: (history, outcome) => metrics.historyCacheLookups.inc({ history, outcome }),
    ...(options.clock ? { now: options.clock } : {}),
  });
  const runtime = await openRuntime({
    policiesDir: config.policiesDir,
    connection: { url: config.gitlabUrl, token: config.gitlabToken },
    dryRun: false,
    logger,
    clock: options.clock,
    config,
    platform: { onResponse: (route, status) => metrics.apiRequests.inc({ route, status }), ...(historyCache ? { historyCache } : {}) },
  });
  const botUsername = await runtime.platform
    .currentUser()
    .then((u) => u.username)
    .catch((err: unknown) => {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, "could not read the bot's user from GitLab; using bot_username from scope.yml");
      return runtime.policy.scope.botUsername;
    });
  if (botUsername !== runtime.policy.scope.botUsername) {
    logger.warn({ gitlabUser: botUsername, policy: runtime.policy.scope.botUsername }, "the token's user differs from bot_username in scope.yml; the token's user is used to recognise the bot's own events");
  }
  const scheduler = options.schedules
    ? createScheduler({
        schedules: runtime.policy.schedules,
        logger,
        runJob: async (name) => {
          const report = await findJob(name).run({ ...runtime, dryRun: false });
          logger.info({ job: name, errors: report.errors.length, changed: report.resources.length }, renderReportText(report).split("\n")[0]);
        },
      })
    : undefined;
  let gitlabOk: { at: number; problems: string[] } | undefined;
  const readiness = async (): Promise<string[]> => {
    const now = Date.now();
    if (gitlabOk && now - gitlabOk.at < 30_000) return gitlabOk.problems;
    const problems = await runtime.platform
      .currentUser()
      .then(() => [])
      .catch((err: unknown) => [`GitLab is not reachable with the configured token: ${err instanceof Error ? err.message : String(err)}`]);
    gitlabOk = { at: now, problems };
    return problems;
  };
  const running = await startServe({
    config,
    reconcile: createReconciler(runtime, { settleMs: config.settleMs, onConflict: (c) => metrics.planConflicts.inc({ kind: c.kind ?? "rules" }) }),
    readiness,
    logger,
    botUsername,
    metrics,
    schedules: scheduler,
    handleSignals: options.handleSignals,
    newInbox: options.newInbox === true,
    ...(options.host ? { host: options.host } : {}),
  });
  if (historyCache === undefined) return running;
  return {
    ...running,
    close: async () => {
      await running.close();
      await historyCache.close();
    },
  };
}

/** `mops-bot serve`: runs until a signal stops the server; returns only on a configuration error. */
export async function serveCommand(options: { schedules: boolean; newInbox?: boolean }, io: CommandIo): Promise<number> {
  try {
    const running = await runServe(await io.serveConfig(), { schedules: options.schedules, handleSignals: true, newInbox: options.newInbox === true });
    io.out(`mops-bot is listening on port ${running.port}: POST /webhooks/gitlab, GET /healthz, /readyz, /metrics`);
    // Keep the command alive until a signal stops the server.
    return await new Promise<never>(() => {});
  } catch (e) {
    if (e instanceof ConfigError || e instanceof InboxMissingError) {
      io.err(e.message);
      return 1;
    }
    throw e;
  }
}
