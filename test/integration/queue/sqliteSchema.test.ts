// An inbox file written by the first schema keeps its events when a newer mops-bot opens it, and
// the worker runs them.
import Database from "better-sqlite3";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { INBOX_FILE, SqliteInbox } from "../../../src/queue/sqliteInbox.js";
import { silentLogger, tempDir, waitFor } from "../webhook/helpers.js";

const SCHEMA_V1 = `
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, dedupe_key TEXT NOT NULL UNIQUE, ref_key TEXT NOT NULL,
    ref_kind TEXT NOT NULL, ref_path TEXT NOT NULL, ref_iid INTEGER NOT NULL, kind TEXT NOT NULL,
    event_uuid TEXT, received_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'done', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, claimed_at INTEGER,
    finished_at INTEGER, last_error TEXT
  );
  CREATE INDEX events_due ON events (state, next_attempt_at);
  CREATE INDEX events_ref ON events (ref_key, state);
  CREATE INDEX events_finished ON events (state, finished_at);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  PRAGMA user_version = 1;
`;

describe("the SQLite inbox schema", () => {
  let tmp: ReturnType<typeof tempDir>;
  let inbox: SqliteInbox | undefined;
  afterEach(async () => {
    await inbox?.stop({ timeoutMs: 1000 });
    await inbox?.close();
    tmp.remove();
  });

  it("upgrades a version 1 file in place: its events stay, are deduplicated and get reconciled", async () => {
    tmp = tempDir("mops-inbox-schema-");
    const old = new Database(join(tmp.dir, INBOX_FILE));
    old.exec(SCHEMA_V1);
    old.prepare(
      `INSERT INTO events (dedupe_key, ref_key, ref_kind, ref_path, ref_iid, kind, received_at, state, attempts, next_attempt_at)
       VALUES ('idem:old', 'mops/requests#7', 'issue', 'mops/requests', 7, 'issue', 1, 'pending', 0, 1)`,
    ).run();
    old.close();

    inbox = new SqliteInbox({ dataDir: tmp.dir, logger: silentLogger(), pollIntervalMs: 10 });
    const indexes = new Database(join(tmp.dir, INBOX_FILE), { readonly: true });
    const names = (indexes.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'events_%'`).all() as { name: string }[]).map((r) => r.name);
    expect(indexes.pragma("user_version", { simple: true })).toBe(2);
    indexes.close();
    expect(names.sort()).toEqual(["events_done", "events_open", "events_pending_ref"]);

    const duplicate = await inbox.record({ dedupeKey: "idem:old", ref: { kind: "issue", path: "mops/requests", iid: 7 }, kind: "issue", receivedAt: new Date() });
    expect(duplicate).toBe("duplicate");
    const seen: string[][] = [];
    inbox.start(async (_ref, trace) => {
      seen.push(trace.eventIds);
    }, { concurrency: 1 });
    await waitFor(() => seen.length === 1);
    expect(seen).toEqual([["idem:old"]]);
    await waitFor(async () => (await inbox!.list({ state: "done" })).length === 1);
  });
});
