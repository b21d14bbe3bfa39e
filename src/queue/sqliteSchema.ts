/**
 * The inbox's SQLite schema. One row per received event; the unique dedupe key is what makes a
 * redelivered webhook a no-op. Rows in state `done` are the dedupe records and are pruned after
 * the retention period.
 */
import type Database from "better-sqlite3";

const SCHEMA_VERSION = 1;

export function migrate(db: Database.Database): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `the inbox database was written by a newer mops-bot (schema ${version}, this one knows ${SCHEMA_VERSION}); upgrade mops-bot or point MOPS_DATA_DIR elsewhere`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      id              INTEGER PRIMARY KEY AUTOINCREMENT,
      dedupe_key      TEXT    NOT NULL UNIQUE,
      ref_key         TEXT    NOT NULL,
      ref_kind        TEXT    NOT NULL,
      ref_path        TEXT    NOT NULL,
      ref_iid         INTEGER NOT NULL,
      kind            TEXT    NOT NULL,
      event_uuid      TEXT,
      received_at     INTEGER NOT NULL,
      state           TEXT    NOT NULL CHECK (state IN ('pending', 'in_flight', 'done', 'dead')),
      attempts        INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      claimed_at      INTEGER,
      finished_at     INTEGER,
      last_error      TEXT
    );
    CREATE INDEX IF NOT EXISTS events_due ON events (state, next_attempt_at);
    CREATE INDEX IF NOT EXISTS events_ref ON events (ref_key, state);
    CREATE INDEX IF NOT EXISTS events_finished ON events (state, finished_at);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
