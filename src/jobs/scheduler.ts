/**
 * In-process schedules for a long-running `serve`: the jobs of policies/schedules.yml on their
 * cron expressions and time zones (node-cron). A job never overlaps itself: a tick that comes
 * while the previous run is still going is skipped and logged.
 *
 * Several replicas sharing one inbox each run this scheduler; the coordinator given to `start`
 * (node-cron's `distributed` mode) lets exactly one replica run each tick: the first to claim the
 * tick's key (job name + the tick's time) runs it, the others skip it.
 */
import cron, { type RunCoordinator, type ScheduledTask } from "node-cron";
import type { Logger } from "pino";
import type { ScheduleDef } from "../policy/model.js";

/** How long a replica's claim on one tick is kept (node-cron's `distributedLease`). */
const TICK_CLAIM_MS = 60 * 60 * 1000;

export interface Scheduler {
  /** With a coordinator, each tick runs on whichever replica claims it first; without one, here. */
  start(coordinator?: RunCoordinator): void;
  stop(): Promise<void>;
  /** Runs a scheduled job now unless it is already running; false when skipped. */
  trigger(job: string): Promise<boolean>;
  /** The next run of each job once started (null before start), for logs and health pages. */
  nextRuns(): { job: string; next: Date | null }[];
}

export function createScheduler(options: {
  schedules: ScheduleDef[];
  runJob: (name: string) => Promise<void>;
  logger: Logger;
}): Scheduler {
  const running = new Map<string, Promise<void>>();
  const trigger = async (job: string): Promise<boolean> => {
    if (running.has(job)) {
      options.logger.warn({ job }, "scheduled job still running from its previous tick; this tick is skipped");
      return false;
    }
    const run = options
      .runJob(job)
      .catch((err: unknown) => options.logger.error({ job, err: err instanceof Error ? err.message : String(err) }, "scheduled job failed"))
      .finally(() => running.delete(job));
    running.set(job, run);
    await run;
    return true;
  };
  let started = false;
  let coordinator: RunCoordinator | undefined;
  // node-cron asks this before each tick; it defers to the coordinator given to start().
  const election: RunCoordinator = {
    shouldRun: async (key, ttlMs) => {
      if (!coordinator) return true;
      const elected = await coordinator.shouldRun(key, ttlMs);
      if (!elected) options.logger.info({ tick: key }, "scheduled job tick taken by another replica");
      return elected;
    },
  };
  const tasks: { job: string; task: ScheduledTask }[] = options.schedules.map((s) => ({
    job: s.job,
    task: cron.createTask(s.cron, () => trigger(s.job), {
      timezone: s.timeZone,
      name: s.job,
      noOverlap: true,
      distributed: true,
      runCoordinator: election,
      distributedLease: TICK_CLAIM_MS,
    }),
  }));
  return {
    start(given?: RunCoordinator) {
      coordinator = given;
      started = true;
      for (const { job, task } of tasks) {
        void task.start();
        options.logger.info({ job, next: task.getNextRun()?.toISOString() }, "scheduled job registered");
      }
    },
    async stop() {
      started = false;
      await Promise.all(tasks.map(({ task }) => task.stop()));
      await Promise.all(running.values());
    },
    trigger,
    nextRuns: () => tasks.map(({ job, task }) => ({ job, next: started ? task.getNextRun() : null })),
  };
}
