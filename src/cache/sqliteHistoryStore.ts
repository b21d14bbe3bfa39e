/**
 * History cache entries in an SQLite file (`history.sqlite` in the cache directory), so a
 * scheduled CI job that keeps the directory between pipelines (GitLab's `cache:` keyword) starts
 * warm. Bounded: entries older than the expiry are dropped, and past the size bound the oldest go
 * first. A file that cannot be opened or read is moved aside and started anew: the cache can be cold,
 * never the reason a run fails.
 */
import { mkdirSync, renameSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { HistoryEntry, HistoryStore } from "./historyCache.js";

export interface SqliteHistoryStoreOptions {
  dir: string;
  /** Entries stored longer ago than this are dropped (ms). */
  maxAgeMs: number;
  /** Total size of the stored rows above which the oldest entries are dropped (bytes). */
  maxBytes: number;
  now?: () => number;
}

/** Prune after this many writes, not after every one. */
const PRUNE_EVERY = 500;

export class SqliteHistoryStore implements HistoryStore {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private writes = 0;
  // Prepared once: a sweep reads and writes an entry per history of every open issue, and each
  // statement prepared anew holds native memory until V8 happens to collect its handle.
  private readonly select: Database.Statement<[string], { updated_at: string; body: string; stored_at: number }>;
  private readonly upsert: Database.Statement<[string, string, string, number, number]>;
  private readonly remove: Database.Statement<[string]>;

  constructor(private readonly options: SqliteHistoryStoreOptions) {
    this.now = options.now ?? Date.now;
    mkdirSync(options.dir, { recursive: true });
    const file = path.join(options.dir, "history.sqlite");
    this.db = openOrReplace(file);
    this.select = this.db.prepare("SELECT updated_at, body, stored_at FROM history WHERE key = ?");
    this.upsert = this.db.prepare(
      "INSERT INTO history (key, updated_at, body, size, stored_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET updated_at = excluded.updated_at, body = excluded.body, size = excluded.size, stored_at = excluded.stored_at",
    );
    this.remove = this.db.prepare("DELETE FROM history WHERE key = ?");
    this.prune();
  }

  async get(key: string): Promise<HistoryEntry | undefined> {
    const row = this.select.get(key);
    if (row === undefined || this.now() - row.stored_at > this.options.maxAgeMs) return undefined;
    return { updatedAt: row.updated_at, rows: JSON.parse(row.body) as unknown[] };
  }

  async set(key: string, entry: HistoryEntry): Promise<void> {
    const body = JSON.stringify(entry.rows);
    // One entry larger than a tenth of the bound would push out everything else: not kept.
    if (body.length > this.options.maxBytes / 10) return;
    this.upsert.run(key, entry.updatedAt, body, body.length, this.now());
    if (++this.writes % PRUNE_EVERY === 0) this.prune();
  }

  async delete(keys: string[]): Promise<void> {
    this.db.transaction(() => {
      for (const k of keys) this.remove.run(k);
    })();
  }

  async close(): Promise<void> {
    this.prune();
    this.db.close();
  }

  /** Drops expired entries, then the oldest until the total is within the bound. */
  prune(): void {
    this.db.prepare("DELETE FROM history WHERE stored_at < ?").run(this.now() - this.options.maxAgeMs);
    const total = (this.db.prepare("SELECT COALESCE(SUM(size), 0) AS total FROM history").get() as { total: number }).total;
    if (total <= this.options.maxBytes) return;
    let excess = total - this.options.maxBytes;
    const oldest = this.db.prepare("SELECT key, size FROM history ORDER BY stored_at ASC").iterate() as Iterable<{ key: string; size: number }>;
    const doomed: string[] = [];
    for (const row of oldest) {
      if (excess <= 0) break;
      doomed.push(row.key);
      excess -= row.size;
    }
    this.db.transaction(() => {
      for (const k of doomed) this.remove.run(k);
    })();
  }
}

function open(file: string): Database.Database {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  // A cache may lose its last writes in a power cut; it may not slow every read of a sweep.
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE IF NOT EXISTS history (key TEXT PRIMARY KEY, updated_at TEXT NOT NULL, body TEXT NOT NULL, size INTEGER NOT NULL, stored_at INTEGER NOT NULL)");
  db.exec("CREATE INDEX IF NOT EXISTS history_stored_at ON history (stored_at)");
  db.prepare("SELECT COUNT(*) FROM history").get();
  return db;
}

function openOrReplace(file: string): Database.Database {
  try {
    return open(file);
  } catch {
    // Damaged or from an incompatible version: keep it for a look, start a cold cache.
    for (const suffix of ["", "-wal", "-shm"]) {
      try {
        renameSync(`${file}${suffix}`, `${file}${suffix}.damaged`);
      } catch {
        // not there
      }
    }
    return open(file);
  }
}
