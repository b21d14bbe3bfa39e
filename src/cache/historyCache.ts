/**
 * What the bot has read of a resource's history (label and state events, notes), remembered
 * between runs and keyed by the resource's `updated_at` from the listing.
 *
 * GitLab moves an issue's or merge request's `updated_at` whenever its labels, state, milestone or
 * fields change, and whenever a note is saved on it (`touch_noteable` in gitlabhq
 * app/models/note.rb). So history stored under the `updated_at` the listing shows now is still the
 * whole history; any other `updated_at` means read again. One exception: a note's touch is
 * throttled to once a minute (`ThrottledTouch::TOUCH_INTERVAL` in
 * app/models/concerns/throttled_touch.rb), so a comment made within a minute of the last change
 * leaves `updated_at` where it was. History read that soon after `updated_at` is therefore not
 * kept: only history read at least `SETTLE_MS` after the resource's last change is. And deleting a
 * note does not touch its issue at all (app/services/notes/destroy_service.rb), so notes are also
 * keyed by the listing's `user_notes_count`, which a deletion lowers. The cache can only be cold, never wrong:
 * a missing, expired or unreadable entry costs a request, and the bot's decisions still live in
 * GitLab. The bot's own writes make the entry stale at once (`forget`), because the `updated_at`
 * they leave behind is not known without another read.
 *
 * Rows are kept as GitLab sent them, so a change in how the bot maps them never reads old shapes.
 */
import type { ResourceKind } from "../domain/snapshot.js";

export type HistoryName = "label_events" | "state_events" | "notes";

export interface HistoryEntry {
  /** The resource's `updated_at` (ISO) when the rows were read. */
  updatedAt: string;
  rows: unknown[];
}

/** Where entries live: in memory, in an SQLite file, or in Redis (shared by replicas). */
export interface HistoryStore {
  get(key: string): Promise<HistoryEntry | undefined>;
  set(key: string, entry: HistoryEntry): Promise<void>;
  delete(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface HistoryCacheStats {
  hits: number;
  misses: number;
}

export interface ResourceKey {
  kind: ResourceKind;
  projectPath: string;
  iid: number;
}

const HISTORIES: HistoryName[] = ["label_events", "state_events", "notes"];

/** GitLab's note-touch throttle (one minute) plus a minute for clocks that disagree. */
export const SETTLE_MS = 2 * 60_000;

export class HistoryCache {
  private readonly counts: HistoryCacheStats = { hits: 0, misses: 0 };

  /**
   * @param namespace keeps instances apart (the GitLab host): one cache directory or Redis may
   *   serve bots of several GitLab instances.
   * @param onLookup told of every hit and miss (serve counts them in /metrics).
   * @param now the wall clock, to tell whether a resource's last change has settled.
   */
  constructor(
    private readonly store: HistoryStore,
    private readonly namespace: string,
    private readonly onLookup?: (history: HistoryName, outcome: "hit" | "miss") => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private key(resource: ResourceKey, history: HistoryName): string {
    return `${this.namespace}|${resource.kind}|${resource.projectPath.toLowerCase()}|${resource.iid}|${history}`;
  }

  /**
   * The history as cached for this `updatedAt` (`hit`), or read with `fetch` and remembered.
   * `version`: anything else the listing shows that must match too (a note count).
   */
  async read(resource: ResourceKey, history: HistoryName, updatedAt: Date, fetch: () => Promise<unknown[]>, version = ""): Promise<{ rows: unknown[]; hit: boolean }> {
    const key = this.key(resource, history);
    const stamp = version === "" ? updatedAt.toISOString() : `${updatedAt.toISOString()}|${version}`;
    const cached = await this.store.get(key).catch(() => undefined);
    if (cached !== undefined && cached.updatedAt === stamp) {
      this.count(history, "hit");
      return { rows: cached.rows, hit: true };
    }
    this.count(history, "miss");
    const readAt = this.now();
    const rows = await fetch();
    // A comment may still arrive without moving updated_at (see above): not kept until settled.
    if (readAt.getTime() - updatedAt.getTime() < SETTLE_MS) return { rows, hit: false };
    // A cache that cannot be written is a cold cache, not a failed read.
    await this.store.set(key, { updatedAt: stamp, rows }).catch(() => undefined);
    return { rows, hit: false };
  }

  /** The bot wrote to this resource: whatever is cached for it is stale. */
  async forget(resource: ResourceKey): Promise<void> {
    await this.store.delete(HISTORIES.map((h) => this.key(resource, h))).catch(() => undefined);
  }

  /** Hits and misses over the cache's life (a run's own figures are counted by its platform). */
  stats(): HistoryCacheStats {
    return { ...this.counts };
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private count(history: HistoryName, outcome: "hit" | "miss"): void {
    if (outcome === "hit") this.counts.hits++;
    else this.counts.misses++;
    this.onLookup?.(history, outcome);
  }
}

/** A store for one process's life: tests, and runs that keep no cache directory. */
export class MemoryHistoryStore implements HistoryStore {
  private readonly entries = new Map<string, HistoryEntry>();

  async get(key: string): Promise<HistoryEntry | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, entry: HistoryEntry): Promise<void> {
    this.entries.set(key, entry);
  }

  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.entries.delete(k);
  }

  async close(): Promise<void> {}

  get size(): number {
    return this.entries.size;
  }
}
