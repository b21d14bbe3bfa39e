/**
 * The embedded inbox: one SQLite file in WAL mode. Every 202 waits for the commit of its event:
 * events arriving in the same event-loop turn are committed together (group commit).
 *
 * Durability, chosen by `durability`:
 * - `process-crash` (default): `synchronous=NORMAL`. In WAL mode a commit is in the OS page cache
 *   before `run()` returns, so an acknowledged event survives a crash, `kill -9` or restart of
 *   the bot. A power cut or kernel crash can roll back the last commits, and GitLab does not
 *   redeliver an acknowledged event, so those would be lost for good.
 * - `power-loss`: `synchronous=FULL`, an fsync of the WAL per commit, so "acknowledged = stored"
 *   holds for power loss too. The fsync (a few hundred µs, far more on a busy disk) blocks the
 *   event loop once per commit, which bench/webhook.ts shows costs most of the throughput; it is
 *   not the default for that reason.
 *
 * The worker's own writes ride in that same commit: reconciles that ended since the last one are
 * marked done, and due resources are claimed, all in one transaction per turn. So under load a
 * turn costs one commit however many events it records, finishes and claims.
 *
 * Checkpoints (copying the WAL back into the database file, with fsyncs of their own) would
 * otherwise run inside whichever commit crosses the WAL size threshold, stalling the event loop
 * and every acknowledgement waiting on it. While the worker runs, a background thread with its
 * own connection checkpoints instead (PASSIVE: it never blocks a commit), and the event-loop
 * connections never checkpoint. Checkpoints move committed data around; they add nothing to what
 * a commit already guarantees, so acknowledgements still wait only for their own commit.
 *
 * One process owns the worker of a data directory. The `inbox` CLI may open the same file at the
 * same time (WAL allows it); the worker polls, so a CLI retry is picked up within a poll interval.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type pino from "pino";
import { formatRef, type RefKind, type ResourceRef } from "../domain/snapshot.js";
import { backoffDelayMs, type BackoffPolicy } from "./backoff.js";
import { checkConcurrency, checkedMaxAttempts, DAY_MS, errorText, PRUNE_EVERY_MS } from "./inboxCommon.js";
import { migrate } from "./sqliteSchema.js";
import type {
  Inbox,
  InboxEntry,
  InboxEvent,
  InboxEventKind,
  InboxState,
  InboxStats,
  Reconcile,
  RecordResult,
  ScheduleCoordinator,
  WorkerOptions,
} from "./types.js";

export interface SqliteInboxOptions {
  /** Directory of `inbox.sqlite`; created when missing. */
  dataDir: string;
  logger: pino.Logger;
  /** Attempts before an event goes dead. */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** How long `done` rows are kept as dedupe records. */
  retentionMs?: number;
  /** Longest wait between two looks for due work (retries, CLI changes). */
  pollIntervalMs?: number;
  /** Epoch milliseconds; injected by tests. */
  now?: () => number;
  /**
   * What an acknowledged event survives. `process-crash` (default): synchronous=NORMAL, no fsync;
   * survives kill -9 and restarts but a power cut or kernel crash may lose the last acknowledged
   * events. `power-loss`: synchronous=FULL, an fsync per commit; see bench/webhook.ts for what
   * each costs.
   */
  durability?: "power-loss" | "process-crash";
}

export const INBOX_FILE = "inbox.sqlite";

/** How often the background thread checkpoints the WAL while the worker runs. */
const CHECKPOINT_EVERY_MS = 250;

/**
 * The checkpoint thread: plain CommonJS, run with `eval` so it needs no loader for TypeScript.
 * It reports failures to the parent, which logs them; a failed checkpoint only lets the WAL grow.
 */
const CHECKPOINTER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 5000");
setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (e) {
    parentPort.postMessage(e instanceof Error ? e.message : String(e));
  }
}, workerData.everyMs);
`;
const sqliteDriverPath = createRequire(import.meta.url).resolve("better-sqlite3");

interface Row {
  id: number;
  dedupe_key: string;
  ref_key: string;
  ref_kind: string;
  ref_path: string;
  ref_iid: number;
  kind: string;
  event_uuid: string | null;
  received_at: number;
  state: InboxState;
  attempts: number;
  next_attempt_at: number;
  finished_at: number | null;
  last_error: string | null;
}

function turnStatements(conn: Database.Database) {
  return {
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
  };
}
type TurnStatements = ReturnType<typeof turnStatements>;

/** What a running reconcile needs of each event it covers. */
type ClaimedRow = Pick<Row, "id" | "dedupe_key" | "attempts" | "ref_kind" | "ref_path" | "ref_iid">;

interface PendingRecord {
  event: InboxEvent;
  resolve: (r: RecordResult) => void;
  reject: (e: unknown) => void;
}

function toEntry(r: Row): InboxEntry {
  return {
    id: r.id,
    dedupeKey: r.dedupe_key,
    ref: { kind: r.ref_kind as RefKind, path: r.ref_path, iid: r.ref_iid },
    kind: r.kind as InboxEventKind,
    eventUuid: r.event_uuid,
    state: r.state,
    attempts: r.attempts,
    receivedAt: new Date(r.received_at),
    nextAttemptAt: new Date(r.next_attempt_at),
    finishedAt: r.finished_at === null ? null : new Date(r.finished_at),
    lastError: r.last_error,
  };
}

export class SqliteInbox implements Inbox {
  private readonly db: Database.Database;
  /** The worker's own connection; see the constructor for why it may skip fsync. */
  private readonly workDb: Database.Database;
  private readonly log: pino.Logger;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly retentionMs: number;
  private readonly pollIntervalMs: number;
  private readonly now: () => number;
  private readonly stmt;

  private batch: PendingRecord[] = [];
  /** Events of reconciles that succeeded, to be marked done in the next turn's commit. */
  private finished: { ids: string; at: number }[] = [];
  private flushScheduled = false;
  /** Resources with events this process queued since it last claimed them. */
  private readonly queuedRefs = new Set<string>();
  /**
   * Whether the next claim must look through storage for due work (at start, on the wake timer,
   * after a CLI retry or a failed commit) rather than only at `queuedRefs`: events backing off,
   * or put back by the CLI, are not in that set.
   */
  private scanDue = true;
  private closed = false;

  private reconcile: Reconcile | undefined;
  private concurrency = 1;
  private stopping = false;
  /** ref key -> the running reconcile of that resource. */
  private readonly running = new Map<string, Promise<void>>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private checkpointer: Worker | undefined;
  private readonly file: string;

  constructor(options: SqliteInboxOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    const file = join(options.dataDir, INBOX_FILE);
    this.file = file;
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(options.durability === "power-loss" ? "synchronous = FULL" : "synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    migrate(this.db);
    // Claims and done marks ride in the turn's commit on `db`. The rarer bookkeeping (failed
    // attempts, recovery, pruning) goes through this connection and needs no fsync of its own: if
    // a power cut loses it, the event is simply reconciled again, which is harmless. The next FULL
    // commit flushes these WAL frames too.
    this.workDb = new Database(file);
    this.workDb.pragma("synchronous = NORMAL");
    this.workDb.pragma("busy_timeout = 5000");
    this.log = options.logger;
    this.maxAttempts = checkedMaxAttempts(options.maxAttempts);
    this.backoff = options.backoff ?? { baseMs: 5_000, maxMs: 15 * 60_000 };
    this.retentionMs = options.retentionMs ?? 7 * DAY_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.now = options.now ?? Date.now;

    const db = this.db;
    const work = this.workDb;
    this.stmt = {
      // Positional parameters: binding by name costs a property lookup per column per event.
      insert: db.prepare(
        `INSERT INTO events (dedupe_key, ref_key, ref_kind, ref_path, ref_iid, kind, event_uuid, received_at, state, attempts, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)
         ON CONFLICT (dedupe_key) DO NOTHING`,
      ),
      /** For an event whose resource this very turn claims: stored claimed, saving a rewrite of the row. */
      insertClaimed: db.prepare(
        `INSERT INTO events (dedupe_key, ref_key, ref_kind, ref_path, ref_iid, kind, event_uuid, received_at, state, attempts, next_attempt_at, claimed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'in_flight', 0, ?, ?)
         ON CONFLICT (dedupe_key) DO NOTHING`,
      ),
      /** Claims and done marks, on the connection that runs the turn (see `flush`). */
      turnOn: new Map([db, work].map((conn) => [conn, turnStatements(conn)])),
      nextDueTime: work.prepare(
        `SELECT MIN(next_attempt_at) AS t FROM events
         WHERE state = 'pending' AND ref_key NOT IN (SELECT value FROM json_each(?))`,
      ),
      markFailed: work.prepare(
        `UPDATE events SET state = @state, attempts = @attempts, next_attempt_at = @nextAttemptAt, finished_at = @finishedAt, last_error = @error
         WHERE id = @id AND state = 'in_flight'`,
      ),
      inFlight: work.prepare(`SELECT * FROM events WHERE state = 'in_flight'`),
      listAll: db.prepare(`SELECT * FROM events ORDER BY id LIMIT ?`),
      listState: db.prepare(`SELECT * FROM events WHERE state = ? ORDER BY id LIMIT ?`),
      retryOne: db.prepare(
        `UPDATE events SET state = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL, last_error = NULL
         WHERE id = ? AND state != 'in_flight'`,
      ),
      retryDead: db.prepare(
        `UPDATE events SET state = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL, last_error = NULL WHERE state = 'dead'`,
      ),
      drop: db.prepare(`DELETE FROM events WHERE id = ? AND state != 'in_flight'`),
      counts: db.prepare(`SELECT state, COUNT(*) AS n FROM events WHERE state != 'done' GROUP BY state`),
      prune: work.prepare(`DELETE FROM events WHERE state = 'done' AND finished_at < ?`),
      probe: db.prepare(`INSERT INTO meta (key, value) VALUES ('last_health_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    };
  }

  record(event: InboxEvent): Promise<RecordResult> {
    if (this.closed) return Promise.reject(new Error("the inbox is closed"));
    return new Promise<RecordResult>((resolve, reject) => {
      this.batch.push({ event, resolve, reject });
      this.requestTurn();
    });
  }

  /** Runs `flush` once the current event-loop turn has handed over everything it has. */
  private requestTurn(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Group commit: every event recorded during the last turn, every reconcile that succeeded since
   * the last commit, and the claims of due resources go into one transaction (one fsync).
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    const batch = this.batch;
    const finished = this.finished;
    this.batch = [];
    this.finished = [];
    const now = this.now();
    const mayClaim = this.reconcile !== undefined && !this.stopping && this.running.size < this.concurrency;
    const scanned = mayClaim && this.scanDue;
    // A turn that records events commits on `db` (fsync with power-loss durability) and its
    // claims and done marks ride along; a turn of worker bookkeeping alone needs no fsync.
    const conn = batch.length > 0 ? this.db : this.workDb;
    const turn = this.stmt.turnOn.get(conn)!;
    let results: RecordResult[];
    let claimed: Map<string, ClaimedRow[]>;
    try {
      [results, claimed] = conn.transaction(() => {
        for (const done of finished) turn.markDone.run(done.at, done.ids);
        const limit = this.concurrency - this.running.size;
        // Resources with events from earlier turns (or found due in storage) are claimed first;
        // this turn's events then join a claim of their resource, or start one while a slot is
        // free, by being stored claimed (one write of the row instead of an insert and an update).
        const claims = mayClaim ? this.claim(turn, limit, now) : new Map<string, ClaimedRow[]>();
        const recorded = batch.map(({ event }) => {
          const refKey = formatRef(event.ref);
          const { kind: refKind, path: refPath, iid: refIid } = event.ref;
          const receivedAt = event.receivedAt.getTime();
          const eventUuid = event.eventUuid ?? null;
          let rows = claims.get(refKey);
          if (!rows && mayClaim && claims.size < limit && !this.running.has(refKey) && !this.queuedRefs.has(refKey)) {
            // Older events of the resource (backing off, or put back by the CLI) ride along, as in `claim`.
            rows = (turn.claimRef.all(now, refKey) as ClaimedRow[]).sort((a, b) => a.id - b.id);
            claims.set(refKey, rows);
          }
          if (rows) {
            const info = this.stmt.insertClaimed.run(event.dedupeKey, refKey, refKind, refPath, refIid, event.kind, eventUuid, receivedAt, receivedAt, now);
            if (info.changes === 0) return "duplicate" as const;
            rows.push({ id: Number(info.lastInsertRowid), dedupe_key: event.dedupeKey, attempts: 0, ref_kind: refKind, ref_path: refPath, ref_iid: refIid });
            return "queued" as const;
          }
          const info = this.stmt.insert.run(event.dedupeKey, refKey, refKind, refPath, refIid, event.kind, eventUuid, receivedAt, receivedAt);
          if (info.changes === 0) return "duplicate" as const;
          // Without a running worker, start() looks through storage anyway.
          if (this.reconcile) this.queuedRefs.add(refKey);
          return "queued" as const;
        });
        for (const [refKey, rows] of claims) if (rows.length === 0) claims.delete(refKey);
        return [recorded, claims] as const;
      })();
    } catch (e) {
      for (const item of batch) item.reject(e);
      // The reconciles did succeed; their done marks are tried again with the next commit.
      this.finished = finished.concat(this.finished);
      this.scanDue = true;
      this.log.error({ err: e }, "the inbox could not commit; deliveries of this moment were answered 503");
      if (this.reconcile && !this.stopping) this.scheduleWake(now);
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]!));
    for (const [refKey, rows] of claimed) this.running.set(refKey, this.runOne(refKey, rows));
    if (this.reconcile && !this.stopping && (scanned || this.wakeTimer === undefined)) this.scheduleWake(now);
  }

  start(reconcile: Reconcile, options: WorkerOptions): void {
    if (this.closed) throw new Error("the inbox is closed");
    if (this.reconcile) throw new Error("the inbox worker is already running");
    checkConcurrency(options.concurrency);
    this.reconcile = reconcile;
    this.concurrency = options.concurrency;
    this.stopping = false;
    this.recoverInterrupted();
    this.scanDue = true;
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.startCheckpointer();
    this.pump();
  }

  /** Hands WAL checkpoints to a background thread; see the top of this file for why. */
  private startCheckpointer(): void {
    const worker = new Worker(CHECKPOINTER_SOURCE, {
      eval: true,
      workerData: { driver: sqliteDriverPath, file: this.file, everyMs: CHECKPOINT_EVERY_MS },
    });
    worker.unref();
    worker.on("message", (message: string) => this.log.warn({ reason: message }, "could not checkpoint the inbox's write-ahead log; it grows until a checkpoint succeeds"));
    worker.on("error", (e) => {
      this.log.warn({ err: e }, "the inbox's checkpoint thread stopped; commits checkpoint again themselves");
      this.db.pragma("wal_autocheckpoint = 1000");
      this.workDb.pragma("wal_autocheckpoint = 1000");
    });
    this.checkpointer = worker;
    this.db.pragma("wal_autocheckpoint = 0");
    this.workDb.pragma("wal_autocheckpoint = 0");
  }

  private async stopCheckpointer(): Promise<void> {
    const worker = this.checkpointer;
    if (!worker) return;
    this.checkpointer = undefined;
    worker.removeAllListeners("error");
    await worker.terminate();
    if (this.closed) return;
    this.db.pragma("wal_autocheckpoint = 1000");
    this.workDb.pragma("wal_autocheckpoint = 1000");
  }

  /**
   * Entries left in_flight were claimed by a process that died (or timed out on shutdown) before
   * finishing. They run again; the interrupted run counts as an attempt so that an event whose
   * reconcile crashes the process cannot loop forever.
   */
  private recoverInterrupted(): void {
    const now = this.now();
    const rows = this.stmt.inFlight.all() as Row[];
    if (rows.length === 0) return;
    this.workDb.transaction(() => {
      for (const row of rows) this.fail(row, "interrupted: the process stopped while this event was being reconciled", now, now);
    })();
    this.log.warn({ count: rows.length }, "re-queued events whose reconcile was interrupted by a stop or crash");
  }

  /** Records a failed attempt; the next one waits for the backoff unless `retryAt` says otherwise. */
  private fail(row: Pick<Row, "id" | "attempts">, error: string, now: number, retryAt?: number): "dead" | "pending" {
    const attempts = row.attempts + 1;
    const dead = attempts >= this.maxAttempts;
    // markFailed only touches in_flight rows; recovery runs on rows read as in_flight.
    this.stmt.markFailed.run({
      id: row.id,
      state: dead ? "dead" : "pending",
      attempts,
      nextAttemptAt: dead ? now : (retryAt ?? now + backoffDelayMs(this.backoff, attempts)),
      finishedAt: dead ? now : null,
      error,
    });
    return dead ? "dead" : "pending";
  }

  private prune(): void {
    if (this.closed) return;
    const info = this.stmt.prune.run(this.now() - this.retentionMs);
    if (info.changes > 0) this.log.debug({ pruned: info.changes }, "pruned old dedupe records");
  }

  /** Looks for due work now: the next turn claims due resources while there is capacity. */
  private pump(): void {
    if (!this.reconcile || this.stopping || this.closed) return;
    this.requestTurn();
  }

  /** Claims up to `limit` due resources that are not running; runs inside the turn's transaction. */
  private claim(turn: TurnStatements, limit: number, now: number): Map<string, ClaimedRow[]> {
    let refs: string[];
    if (this.scanDue) {
      const busy = JSON.stringify([...this.running.keys()]);
      refs = (turn.nextDueRefs.all(now, busy, limit) as { ref_key: string }[]).map((r) => r.ref_key);
      // A full page of due resources may hide more; look again when a slot frees.
      this.scanDue = refs.length === limit;
    } else {
      // Only events queued since the last claim can have become due; no need to search storage.
      refs = [];
      for (const refKey of this.queuedRefs) {
        if (refs.length === limit) break;
        if (!this.running.has(refKey)) refs.push(refKey);
      }
    }
    const claimed = new Map<string, ClaimedRow[]>();
    for (const refKey of refs) {
      this.queuedRefs.delete(refKey);
      // Every pending event of the resource is covered by one reconcile, since it reads the
      // resource as it is now; events still backing off ride along.
      const rows = (turn.claimRef.all(now, refKey) as ClaimedRow[]).sort((a, b) => a.id - b.id);
      if (rows.length > 0) claimed.set(refKey, rows);
    }
    return claimed;
  }

  private scheduleWake(now: number): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    // With every slot taken, the end of a running reconcile is what looks for work next.
    if (this.running.size >= this.concurrency) return;
    const busy = JSON.stringify([...this.running.keys()]);
    const next = (this.stmt.nextDueTime.get(busy) as { t: number | null }).t;
    const delay = next === null ? this.pollIntervalMs : Math.min(this.pollIntervalMs, Math.max(0, next - now));
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.scanDue = true;
      this.pump();
    }, delay);
    this.wakeTimer.unref();
  }

  private async runOne(refKey: string, rows: ClaimedRow[]): Promise<void> {
    const first = rows[0]!;
    const ref: ResourceRef = { kind: first.ref_kind as RefKind, path: first.ref_path, iid: first.ref_iid };
    const eventIds = rows.map((r) => r.dedupe_key);
    const logger = this.log.child({ ref: refKey, eventIds });
    let error: unknown;
    let failed = false;
    try {
      await this.reconcile!(ref, { eventIds, logger });
    } catch (e) {
      failed = true;
      error = e;
    }
    this.running.delete(refKey);
    if (this.closed) return; // stop() timed out and the store is gone: the rows stay in_flight and run again on restart
    const now = this.now();
    if (!failed) {
      this.finished.push({ at: now, ids: JSON.stringify(rows.map((r) => r.id)) });
      this.requestTurn();
      logger.debug({ events: rows.length }, "reconciled");
    } else {
      const text = errorText(error);
      const outcomes = this.workDb.transaction(() => rows.map((row) => this.fail(row, text, now)))();
      // The wake-up is set again for the retry time.
      this.scanDue = true;
      const dead = outcomes.filter((o) => o === "dead").length;
      if (dead > 0) logger.error({ err: error, dead }, "reconcile failed for the last allowed time; the event is now a dead letter (see `mops-bot inbox list --state dead`)");
      else logger.warn({ err: error }, "reconcile failed; it will be retried");
    }
    this.pump();
  }

  async stop({ timeoutMs }: { timeoutMs: number }): Promise<number> {
    this.stopping = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.stopCheckpointer();
    const all = Promise.allSettled([...this.running.values()]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([all, timedOut]);
    clearTimeout(timer);
    this.reconcile = undefined;
    // Reconciles that ended while stopping are marked done now, not at the next start.
    this.flush();
    return this.running.size;
  }

  async list(filter: { state?: InboxState; limit?: number } = {}): Promise<InboxEntry[]> {
    const limit = filter.limit ?? 1000;
    const rows = (filter.state ? this.stmt.listState.all(filter.state, limit) : this.stmt.listAll.all(limit)) as Row[];
    return rows.map(toEntry);
  }

  async retry(target: number | "all-dead"): Promise<number> {
    const now = this.now();
    const info = target === "all-dead" ? this.stmt.retryDead.run(now) : this.stmt.retryOne.run(now, target);
    if (info.changes > 0) {
      this.scanDue = true;
      this.pump();
    }
    return info.changes;
  }

  async drop(id: number): Promise<boolean> {
    return this.stmt.drop.run(id).changes === 1;
  }

  async stats(): Promise<InboxStats> {
    const stats: InboxStats = { pending: 0, inFlight: 0, dead: 0 };
    for (const { state, n } of this.stmt.counts.all() as { state: InboxState; n: number }[]) {
      if (state === "pending") stats.pending = n;
      else if (state === "in_flight") stats.inFlight = n;
      else if (state === "dead") stats.dead = n;
    }
    return stats;
  }

  async depth(): Promise<number> {
    const s = await this.stats();
    return s.pending + s.inFlight;
  }

  async deadLetters(): Promise<InboxEntry[]> {
    return this.list({ state: "dead" });
  }

  async health(): Promise<string[]> {
    if (this.closed) return ["the inbox is closed"];
    try {
      this.stmt.probe.run(String(this.now()));
      return [];
    } catch (e) {
      return [`the inbox cannot store events: ${errorText(e)}`];
    }
  }

  /** One process owns a SQLite inbox, so there is no other replica to agree with. */
  scheduleCoordinator(): ScheduleCoordinator | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Events accepted but not yet committed are committed now, so their callers still get an
    // answer; nothing new is claimed for a worker that is going away.
    this.stopping = true;
    this.flush();
    this.closed = true;
    await this.stopCheckpointer();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.workDb.close();
    this.db.close();
  }
}
