/**
 * The SQLite inbox's storage operations, synchronous, over one database file. They run on the
 * store thread (./sqliteThread.ts), never on the event loop that answers webhooks: every
 * statement and commit here would otherwise hold up the acknowledgements waiting behind it.
 * ./sqliteInbox.ts decides what to do; this file only knows how to do it in SQL.
 *
 * Two connections: a turn that records events commits on `db` (fsync per commit with power-loss
 * durability); bookkeeping alone (done marks without new events, failed attempts, recovery,
 * pruning) commits on `work`, which never fsyncs: if a power cut loses it, an event is simply
 * reconciled again, which is harmless. The next commit on `db` flushes those WAL frames too.
 */
import Database from "better-sqlite3";
import { backoffDelayMs, type BackoffPolicy } from "./backoff.js";
import type { StoreOperation, StoreOperations, StoreRequest, StoreResponse } from "./sqliteProtocol.js";
import { parseEventLines } from "./eventLines.js";
import type { InboxState } from "./types.js";
import type { ClaimedRow, Durability, EventRow, FailureUpdate, RecordOutcome, TurnRequest, TurnResult } from "./sqliteRows.js";

/**
 * A failed attempt of an event: it waits for the backoff (or `retryAt`) before running again,
 * or becomes a dead letter once it has used up its attempts.
 */
export function failureUpdate(
  row: Pick<EventRow, "id" | "attempts">,
  error: string,
  now: number,
  policy: { maxAttempts: number; backoff: BackoffPolicy },
  retryAt?: number,
): FailureUpdate {
  const attempts = row.attempts + 1;
  const dead = attempts >= policy.maxAttempts;
  return {
    id: row.id,
    state: dead ? "dead" : "pending",
    attempts,
    nextAttemptAt: dead ? now : (retryAt ?? now + backoffDelayMs(policy.backoff, attempts)),
    finishedAt: dead ? now : null,
    error,
  };
}

function open(file: string, synchronous: "FULL" | "NORMAL"): Database.Database {
  const conn = new Database(file);
  conn.pragma("journal_mode = WAL");
  conn.pragma(`synchronous = ${synchronous}`);
  conn.pragma("busy_timeout = 5000");
  return conn;
}

/** Every statement, prepared on one connection: a group runs all its operations on one. */
function statements(conn: Database.Database) {
  return {
    // Positional parameters: binding by name costs a property lookup per column per event.
    insert: conn.prepare(
      `INSERT INTO events (dedupe_key, ref_key, ref_kind, ref_path, ref_iid, kind, event_uuid, received_at, state, attempts, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)
       ON CONFLICT (dedupe_key) DO NOTHING`,
    ),
    /** For an event whose resource this very turn claims: stored claimed, saving a rewrite of the row. */
    insertClaimed: conn.prepare(
      `INSERT INTO events (dedupe_key, ref_key, ref_kind, ref_path, ref_iid, kind, event_uuid, received_at, state, attempts, next_attempt_at, claimed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'in_flight', 0, ?, ?)
       ON CONFLICT (dedupe_key) DO NOTHING`,
    ),
    nextDueRefs: conn.prepare(
      `SELECT ref_key FROM events
       WHERE state = 'pending' AND next_attempt_at <= ? AND ref_key NOT IN (SELECT value FROM json_each(?))
       GROUP BY ref_key ORDER BY MIN(id) LIMIT ?`,
    ),
    claimRef: conn.prepare(
      `UPDATE events SET state = 'in_flight', claimed_at = ? WHERE ref_key = ? AND state = 'pending'
       RETURNING id, dedupe_key, attempts, ref_kind, ref_path, ref_iid`,
    ),
    markDone: conn.prepare(
      `UPDATE events SET state = 'done', attempts = attempts + 1, finished_at = ?, last_error = NULL
       WHERE id IN (SELECT value FROM json_each(?)) AND state = 'in_flight'`,
    ),
    nextDueTime: conn.prepare(
      `SELECT MIN(next_attempt_at) AS t FROM events
       WHERE state = 'pending' AND ref_key NOT IN (SELECT value FROM json_each(?))`,
    ),
    markFailed: conn.prepare(
      `UPDATE events SET state = @state, attempts = @attempts, next_attempt_at = @nextAttemptAt, finished_at = @finishedAt, last_error = @error
       WHERE id = @id AND state = 'in_flight'`,
    ),
    inFlight: conn.prepare(`SELECT id, attempts FROM events WHERE state = 'in_flight'`),
    listAll: conn.prepare(`SELECT * FROM events ORDER BY id LIMIT ?`),
    listState: conn.prepare(`SELECT * FROM events WHERE state = ? ORDER BY id LIMIT ?`),
    retryOne: conn.prepare(
      `UPDATE events SET state = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL, last_error = NULL
       WHERE id = ? AND state != 'in_flight'`,
    ),
    retryDead: conn.prepare(
      `UPDATE events SET state = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL, last_error = NULL WHERE state = 'dead'`,
    ),
    drop: conn.prepare(`DELETE FROM events WHERE id = ? AND state != 'in_flight'`),
    counts: conn.prepare(`SELECT state, COUNT(*) AS n FROM events WHERE state != 'done' GROUP BY state`),
    prune: conn.prepare(`DELETE FROM events WHERE state = 'done' AND finished_at < ?`),
    // Reads every page and checks its structure (not index contents, which integrity_check adds).
    quickCheck: conn.prepare("PRAGMA quick_check(20)"),
    probe: conn.prepare(`INSERT INTO meta (key, value) VALUES ('last_health_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
  };
}
type Statements = ReturnType<typeof statements>;

/** What each operation does, on the statements of the connection its group runs on. */
const operations: { [K in StoreOperation]: (s: Statements, arg: StoreOperations[K][0]) => StoreOperations[K][1] } = {
  turn: (s, req) => {
    for (const done of req.finished) s.markDone.run(done.at, JSON.stringify(done.ids));
    const claims = new Map<string, ClaimedRow[]>();
    const looked: string[] = [];
    let scanFull = false;
    const claim = req.claim;
    const claimRef = (refKey: string): ClaimedRow[] => {
      // Every pending event of the resource is covered by one reconcile, since it reads the
      // resource as it is now; events still backing off ride along.
      const rows = (s.claimRef.all(req.now, refKey) as ClaimedRow[]).sort((a, b) => a.id - b.id);
      claims.set(refKey, rows);
      return rows;
    };
    if (claim) {
      let refs: string[];
      if (claim.scan) {
        refs = (s.nextDueRefs.all(req.now, JSON.stringify(claim.busy), claim.limit) as { ref_key: string }[]).map((r) => r.ref_key);
        // A full page of due resources may hide more; look again when a slot frees.
        scanFull = refs.length === claim.limit;
      } else {
        // Only events queued since the last claim can have become due; no need to search storage.
        refs = claim.queued.slice(0, claim.limit);
      }
      for (const refKey of refs) {
        looked.push(refKey);
        claimRef(refKey);
      }
    }
    // Resources with events from earlier turns (or found due in storage) were claimed first; a
    // new event joins a claim of its resource, or starts one while a slot is free, by being
    // stored claimed: one write of the row instead of an insert now and an update next turn.
    const waiting = new Set([...(claim?.busy ?? []), ...(claim?.queued ?? [])]);
    const outcomes: RecordOutcome[] = [];
    const queuedRefs = new Set<string>();
    for (const e of parseEventLines(req.records)) {
      if (!e) {
        outcomes.push("invalid");
        continue;
      }
      let rows = claims.get(e.refKey);
      if (!rows && claim && claims.size < claim.limit && !waiting.has(e.refKey)) rows = claimRef(e.refKey);
      if (rows) {
        const info = s.insertClaimed.run(e.dedupeKey, e.refKey, e.refKind, e.refPath, e.refIid, e.kind, e.eventUuid, e.receivedAt, e.receivedAt, req.now);
        if (info.changes === 0) outcomes.push("duplicate");
        else {
          outcomes.push("queued");
          rows.push({ id: Number(info.lastInsertRowid), dedupe_key: e.dedupeKey, attempts: 0, ref_kind: e.refKind, ref_path: e.refPath, ref_iid: e.refIid });
        }
        continue;
      }
      const info = s.insert.run(e.dedupeKey, e.refKey, e.refKind, e.refPath, e.refIid, e.kind, e.eventUuid, e.receivedAt, e.receivedAt);
      if (info.changes === 0) outcomes.push("duplicate");
      else {
        outcomes.push("queued");
        queuedRefs.add(e.refKey);
      }
    }
    const claimed = [...claims].filter(([, rows]) => rows.length > 0);
    const result: TurnResult = { outcomes, queuedRefs: [...queuedRefs], claimed, looked, scanFull };
    if (!req.wantNextDue) return result;
    const busy = [...(claim?.busy ?? []), ...claimed.map(([refKey]) => refKey)];
    return { ...result, nextDue: (s.nextDueTime.get(JSON.stringify(busy)) as { t: number | null }).t };
  },
  // markFailed only touches rows still in flight.
  fail: (s, updates) => {
    for (const u of updates) s.markFailed.run(u);
  },
  // Events left in flight by a process that died (or timed out on shutdown) before finishing
  // run again now; the interrupted run counts as an attempt, so that an event whose reconcile
  // crashes the process cannot loop forever.
  recoverInterrupted: (s, { now, maxAttempts, error }) => {
    const rows = s.inFlight.all() as Pick<EventRow, "id" | "attempts">[];
    for (const row of rows) s.markFailed.run(failureUpdate(row, error, now, { maxAttempts, backoff: { baseMs: 0, maxMs: 0 } }, now));
    return rows.length;
  },
  list: (s, { state, limit }) => (state ? s.listState.all(state, limit) : s.listAll.all(limit)) as EventRow[],
  retry: (s, { target, now }) => (target === "all-dead" ? s.retryDead.run(now) : s.retryOne.run(now, target)).changes,
  drop: (s, id) => s.drop.run(id).changes === 1,
  counts: (s) => s.counts.all() as { state: InboxState; n: number }[],
  prune: (s, before) => s.prune.run(before).changes,
  // A small write, to prove the file still takes writes (disk full, permissions, corruption).
  probe: (s, now) => {
    s.probe.run(String(now));
  },
  // Damage in pages the probe never touches (a torn write, a bad disk): SQLite's own list of it.
  check: (s) => (s.quickCheck.all() as { quick_check: string }[]).map((r) => r.quick_check).filter((m) => m !== "ok"),
};

function failed(id: number, e: unknown): StoreResponse {
  const err = e as { message?: unknown; code?: unknown };
  return { id, ok: false, error: { message: String(err.message ?? e), ...(typeof err.code === "string" ? { code: err.code } : {}) } };
}

export class SqliteStore {
  private readonly db: Database.Database;
  private readonly work: Database.Database;
  private readonly statements: Map<Database.Database, Statements>;

  constructor(file: string, durability: Durability) {
    this.db = open(file, durability === "power-loss" ? "FULL" : "NORMAL");
    this.work = open(file, "NORMAL");
    this.statements = new Map([this.db, this.work].map((conn) => [conn, statements(conn)]));
  }

  /**
   * Runs requests that arrived together in one transaction (group commit): one commit, and with
   * power-loss durability one fsync, however many deliveries and done marks it carries. Each
   * request runs in a savepoint of its own, so one that fails fails alone; if the commit itself
   * fails, every request of the group gets that error.
   */
  run(requests: StoreRequest[]): StoreResponse[] {
    // Events are recorded on the connection with the configured durability; bookkeeping alone
    // needs no fsync (see the top of this file).
    const conn = requests.some((r) => r.op === "turn" && (r.arg as TurnRequest).records !== "") ? this.db : this.work;
    const s = this.statements.get(conn)!;
    try {
      return conn.transaction(() =>
        requests.map((req): StoreResponse => {
          try {
            const value = conn.transaction(() => (operations[req.op] as (s: Statements, arg: unknown) => unknown)(s, req.arg))();
            return { id: req.id, ok: true, value };
          } catch (e) {
            return failed(req.id, e);
          }
        }),
      )();
    } catch (e) {
      return requests.map((req) => failed(req.id, e));
    }
  }

  close(): void {
    this.work.close();
    this.db.close();
  }
}
