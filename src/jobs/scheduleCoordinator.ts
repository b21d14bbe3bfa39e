/**
 * Which replica runs a scheduled job's tick. Replicas that share a Redis inbox each run the
 * scheduler; the first to claim a tick's key runs it and the others skip it. An inbox that one
 * process owns (SQLite) has no other replica to agree with: the scheduler's own no-overlap rule
 * is enough, so there is no coordinator.
 */
import type { Inbox } from "../queue/types.js";

/** Decides which replica runs a tick (node-cron's `RunCoordinator` shape). */
export interface ScheduleCoordinator {
  shouldRun(key: string, ttlMs: number): Promise<boolean>;
}

export function scheduleCoordinator(inbox: Pick<Inbox, "claimFirst">): ScheduleCoordinator | undefined {
  const claimFirst = inbox.claimFirst?.bind(inbox);
  return claimFirst ? { shouldRun: (key, ttlMs) => claimFirst(key, ttlMs) } : undefined;
}
