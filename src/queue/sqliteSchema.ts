/**
 * The inbox's SQLite schema. One row per received event; the unique dedupe key is what makes a
 * redelivered webhook a no-op. Rows in state `done` are the dedupe records and are pruned after
 * the retention period.
 */
import type Database from "better-sqlite3";

const SCHEMA_VERSION = 2;

/**
 * Version 2 replaces the version 1 indexes by partial ones. Each event is written three times
 * (recorded, claimed, done) and every index covering a changed column is rewritten each time; the
 * partial indexes hold only the rows the queries look for (open events, pending events of a
 * resource, done events to prune), so an event touches about half as many index entries.
 */
const INDEXES_V2 = `
  CREATE INDEX IF NOT EXISTS events_open ON events (state, next_attempt_at, ref_key) WHERE state != 'done';
  CREATE INDEX IF NOT EXISTS events_pending_ref ON events (ref_key) WHERE state = 'pending';
  CREATE INDEX IF NOT EXISTS events_done ON events (finished_at) WHERE state = 'done';
`;

export function migrate(db: Database.Database): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `the inbox database was written by a newer mops-bot (schema ${version}, this one knows ${SCHEMA_VERSION}); upgrade mops-bot or point MOPS_DATA_DIR elsewhere`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
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
      DROP INDEX IF EXISTS events_due;
      DROP INDEX IF EXISTS events_ref;
      DROP INDEX IF EXISTS events_finished;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    db.exec(INDEXES_V2);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
