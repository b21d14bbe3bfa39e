/**
 * `mops-bot serve` assembled: the webhook app, the durable inbox and its worker, and optional
 * in-process scheduled jobs, with an orderly stop: refuse new deliveries (close the listener),
 * let running reconciles finish within the timeout, then release the inbox. Whatever did not
 * finish stays in the inbox and runs again on the next start.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type pino from "pino";
import { InboxMissingError } from "../queue/inboxMarker.js";
import { inboxBackend, openInbox } from "../queue/openInbox.js";
import { scheduleCoordinator, type ScheduleCoordinator } from "../jobs/scheduleCoordinator.js";
import type { Inbox, Reconcile } from "../queue/types.js";
import { createWebhookApp } from "../webhook/app.js";
import { createMetrics, type ServeMetrics } from "../webhook/metrics.js";
import type { ServeConfig } from "../config.js";

/** Jobs that run on a timer inside `serve` (node-cron); started with the server and stopped with it. */
export interface ScheduledJobs {
  /** `coordinator`, when the inbox is shared by replicas, makes each tick run on one replica only. */
  start(coordinator?: ScheduleCoordinator): void;
  stop(): Promise<void> | void;
}

export interface StartServeOptions {
  config: ServeConfig;
  reconcile: Reconcile;
  /** Problems that make the bot unable to work (policies not loaded, GitLab unreachable); empty when ready. */
  readiness: () => Promise<string[]>;
  logger: pino.Logger;
  /** The bot's GitLab username; events it alone caused are not queued. */
  botUsername: string;
  schedules?: ScheduledJobs;
  /** Stop cleanly and exit the process on SIGTERM/SIGINT. */
  handleSignals?: boolean;
  /** Interface to listen on (default: all). */
  host?: string;
  /** Metrics to use, e.g. one the GitLab client already counts into; created when absent. */
  metrics?: ServeMetrics;
  /** Start with an empty inbox although the data directory's inbox file is gone (`--new-inbox`). */
  newInbox?: boolean;
}

export interface RunningServe {
  /** The port actually listened on (useful with PORT=0). */
  port: number;
  metrics: ServeMetrics;
  inbox: Inbox;
  /** Idempotent; resolves when the listener is closed and the worker stopped. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    // Keep-alive connections with no request in progress would hold close() open.
    server.closeIdleConnections();
  });
}

export async function startServe(options: StartServeOptions): Promise<RunningServe> {
  const { config, logger } = options;
  const metrics = options.metrics ?? createMetrics();
  let inbox: Inbox;
  try {
    inbox = openInbox({
      dataDir: config.dataDir,
      redisUrl: config.redisUrl,
      leaseMs: config.redisLeaseMs,
      durability: config.inboxDurability,
      logger: logger.child({ component: "inbox" }),
      maxAttempts: config.maxAttempts,
      newInbox: options.newInbox === true,
    });
  } catch (e) {
    if (e instanceof InboxMissingError) logger.error({ dataDir: config.dataDir }, e.message);
    throw e;
  }
  metrics.observeInbox(() => inbox.stats());

  let closing = false;
  const damage = async (): Promise<string[]> => (inbox.damage ? inbox.damage() : []);
  const readiness = async (): Promise<string[]> => {
    if (closing) return ["shutting down"];
    const [own, damaged, given] = await Promise.all([inbox.health(), damage(), options.readiness()]);
    return [...own, ...damaged, ...given];
  };

  const app = createWebhookApp({
    secrets: config.webhookSecrets,
    ...(config.signingToken ? { signingToken: config.signingToken } : {}),
    bodyLimitBytes: config.bodyLimitBytes,
    inbox,
    botUsername: options.botUsername,
    logger: logger.child({ component: "webhook" }),
    metrics,
    readiness,
    damage,
  });

  const timedReconcile: Reconcile = async (ref, trace) => {
    const end = metrics.reconcileDuration.startTimer();
    try {
      const again = await options.reconcile(ref, trace);
      end({ outcome: "ok" });
      return again;
    } catch (e) {
      end({ outcome: "error" });
      throw e;
    }
  };

  // The inbox is ready before the first delivery is taken (the SQLite inbox starts its store
  // thread, the Redis one connects). Problems are reported here and by /readyz, not fatal: the
  // deliveries meanwhile are answered 503 and GitLab shows them as failed.
  const inboxProblems = await inbox.health();
  if (inboxProblems.length > 0) logger.warn({ problems: inboxProblems }, "the inbox cannot store events yet");
  // A damaged database is logged now (damage() logs it), not first when /healthz is asked.
  await damage();

  const http = createServer(app);
  // Slow or stalled clients must not hold sockets forever; GitLab itself gives up after 10 s.
  http.requestTimeout = 30_000;
  http.headersTimeout = 15_000;
  try {
    await listen(http, config.port, options.host);
  } catch (e) {
    await inbox.close();
    throw new Error(`cannot listen on port ${config.port}: ${(e as Error).message}`);
  }
  const port = (http.address() as AddressInfo).port;

  inbox.start(timedReconcile, { concurrency: config.workerConcurrency });
  options.schedules?.start(scheduleCoordinator(inbox));
  logger.info({ port, inbox: inboxBackend(config), dataDir: config.dataDir, concurrency: config.workerConcurrency }, "mops-bot serve is listening");

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      const started = Date.now();
      await closeServer(http, config.shutdownTimeoutMs);
      await options.schedules?.stop();
      const left = Math.max(0, config.shutdownTimeoutMs - (Date.now() - started));
      const unfinished = await inbox.stop({ timeoutMs: left });
      if (unfinished > 0) {
        logger.warn({ unfinished }, "stopped with reconciles still running; their events run again on the next start");
      }
      await inbox.close();
      logger.info("mops-bot serve stopped");
    })();
    return closed;
  };

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, "stopping: no new deliveries, finishing running reconciles");
      close().then(
        () => process.exit(0),
        (e: unknown) => {
          logger.error({ err: e }, "error while stopping");
          process.exit(1);
        },
      );
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }

  return { port, metrics, inbox, close };
}
