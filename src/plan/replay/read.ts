/**
 * Reading the board for a replay, once and read-only: every issue and merge request in scope that
 * was open at some point of the window (open now, or closed or merged since it began), at most
 * `maxResources` of them (the most recently updated when there are more), each with its label,
 * state and milestone events and its notes.
 */
import PQueue from "p-queue";
import type { Logger } from "pino";
import type { MilestoneEvent, ResourceKind, ResourceSnapshot } from "../../domain/snapshot.js";
import type { PlatformReader } from "../../engine/platform.js";
import type { ResourceHistory } from "./history.js";
import type { ReplaySource } from "./replay.js";

export const DEFAULT_MAX_RESOURCES = 1000;

export interface ReadReplayOptions {
  from: Date;
  to: Date;
  maxResources: number;
  logger: Logger;
}

/** Open at some point after `from`: still open, or closed or merged after it. */
function openDuring(s: ResourceSnapshot, from: Date, to: Date): boolean {
  if (s.createdAt > to) return false;
  if (s.state === "opened") return true;
  const ended = s.mergedAt ?? s.closedAt ?? s.updatedAt;
  return ended > from;
}

/** `platform` places milestones in time by its own clock: the replay's end. */
export async function readReplaySource(platform: PlatformReader, options: ReadReplayOptions): Promise<ReplaySource> {
  if (platform.currentUser === undefined) throw new Error("The replay tells the bot's own actions apart, so it needs the GitLab connection.");
  const relevant: ResourceSnapshot[] = [];
  for (const kind of ["issue", "merge_request"] as ResourceKind[]) {
    for await (const s of platform.list({ kind, state: "all" })) if (openDuring(s, options.from, options.to)) relevant.push(s);
  }
  // More than the bound: the most recently updated, where the window's activity is.
  const kept = [...relevant].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()).slice(0, options.maxResources);
  const unreadable = new Map<string, { history: string; resources: number; reason: string }>();
  const orEmpty = async <T>(history: string, read: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await read();
    } catch (e) {
      const entry = unreadable.get(history) ?? { history, resources: 0, reason: e instanceof Error ? e.message : String(e) };
      entry.resources++;
      unreadable.set(history, entry);
      return [];
    }
  };
  const queue = new PQueue({ concurrency: 8 });
  const histories = await Promise.all(
    kept.map((current) =>
      queue.add(async (): Promise<ResourceHistory> => {
        const [labelEvents, stateEvents, milestoneEvents, notes] = await Promise.all([
          orEmpty("label events", () => platform.labelEvents(current)),
          orEmpty("state events", async () => (await platform.stateEvents?.(current)) ?? []),
          orEmpty<MilestoneEvent>("milestone events", async () => (await platform.milestoneEvents?.(current)) ?? []),
          orEmpty("notes", () => platform.notes(current)),
        ]);
        return { current, labelEvents, stateEvents, milestoneEvents, notes };
      }),
    ),
  );
  for (const u of unreadable.values()) options.logger.warn(u, "some history could not be read for the replay; it is taken as empty");
  return {
    histories,
    milestones: await platform.milestones(),
    bot: await platform.currentUser(),
    from: options.from,
    to: options.to,
    relevant: relevant.length,
    ...(relevant.length > kept.length ? { sampled: { kept: kept.length, of: relevant.length } } : {}),
    unreadable: [...unreadable.values()],
  };
}
