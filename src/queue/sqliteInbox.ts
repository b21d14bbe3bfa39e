/**
 * The embedded inbox: one SQLite file in WAL mode, under `MOPS_DATA_DIR`.
 *
 * The SQL runs on a store thread (./sqliteStore.ts behind ./sqliteThread.ts), never on the event
 * loop that answers webhooks: statements and commits cost more than the HTTP handling of a
 * delivery itself, and would halve how many deliveries the bot can acknowledge. How deliveries
 * come in (journal, dedupe answers) is ./sqliteIntake.ts. This class runs the worker: it keeps
 * what runs and what is queued, and sends the store thread one turn at a time (new events, done
 * marks of finished reconciles, claims of due resources), each turn one transaction.
 *
 * Durability, chosen by `durability`:
 * - `process-crash` (default): a delivery is appended to the journal (./journal.ts, one write to
 *   the OS page cache) and then acknowledged; the next turn records it in SQLite, within 25 ms
 *   and many events per commit. What was acknowledged survives a crash, `kill -9` or restart of
 *   the bot: the journal is recorded again at the next start. A power cut or kernel crash can
 *   lose the last acknowledged events, and GitLab does not redeliver an acknowledged event, so
 *   those would be lost for good.
 * - `power-loss`: the 202 waits for the SQLite commit of its event with `synchronous=FULL` (an
 *   fsync per commit), so "acknowledged = stored" holds for power loss too, at the price of
 *   waiting for the disk (bench/webhook.ts shows it).
 *
 * One process owns the worker of a data directory (and its journal). The `inbox` CLI may open
 * the same file at the same time (WAL allows it); it never touches the journal. The worker polls,
 * so a CLI retry is picked up within a poll interval.
 */
import Database from "better-sqlite3";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type pino from "pino";
import type { RefKind, ResourceRef } from "../domain/snapshot.js";
import type { BackoffPolicy } from "./backoff.js";
import { checkConcurrency, checkedMaxAttempts, DAY_MS, errorText, PRUNE_EVERY_MS } from "./inboxCommon.js";
import { checkInboxNotLost, hasDatabase, INBOX_MARKER_FILE, markInboxCreated } from "./inboxMarker.js";
import { StoreClient } from "./sqliteStoreClient.js";
import { migrate } from "./sqliteSchema.js";
import { SqliteIntake } from "./sqliteIntake.js";
import type { ClaimedRow, EventRow, TurnRequest } from "./sqliteRows.js";
import { failureUpdate } from "./sqliteStore.js";
import type {
  Inbox,
  InboxEntry,
  InboxEvent,
  InboxEventKind,
  InboxState,
  InboxStats,
  Reconcile,
  RecordResult,
  RunAgain,
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
   * What an acknowledged event survives. `process-crash` (default): journaled, no fsync; survives
   * kill -9 and restarts, but a power cut or kernel crash may lose the last acknowledged events.
   * `power-loss`: the 202 waits for a synchronous=FULL commit (an fsync); see the top of this file
   * and bench/webhook.ts for what each costs.
   */
  durability?: "power-loss" | "process-crash";
  /**
   * Start with an empty inbox even though this directory had one whose file is gone
   * (`serve --new-inbox`); without it, that start is refused (see ./inboxMarker.ts).
   */
  newInbox?: boolean;
}

export const INBOX_FILE = "inbox.sqlite";

const CHECK_EVERY_MS = 60_000;

function toEntry(r: EventRow): InboxEntry {
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
  private readonly store: StoreClient;
  private readonly log: pino.Logger;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly retentionMs: number;
  private readonly pollIntervalMs: number;
  private readonly now: () => number;
  private readonly dataDir: string;
  /** This thread's own connection, for reads only (the dedupe lookup of the intake). */
  private readonly reader: Database.Database;
  private readonly intake: SqliteIntake;
  /** Events of reconciles that succeeded, to be marked done in the next turn. */
  private finished: { ids: number[]; at: number }[] = [];
  /** Something waits for the next turn of the worker: done marks, or a look for due work. */
  private turnWanted = false;
  private turnScheduled = false;
  /** The turn on the store thread right now; one at a time, so each sees the last one's claims. */
  private turnInFlight: Promise<void> | undefined;
  /** Resources with events this process queued since it last claimed them, oldest first. */
  private readonly queuedRefs = new Set<string>();
  /**
   * Whether the next claim must look through storage for due work (at start, on the wake timer,
   * after a CLI retry or a failed commit) rather than only at `queuedRefs`: events backing off,
   * or put back by the CLI, are not in that set.
   */
  private scanDue = true;
  /** No new events are accepted (close() has begun). */
  private closing = false;
  private closed = false;

  private reconcile: Reconcile | undefined;
  private concurrency = 1;
  private stopping = false;
  /** ref key -> the running reconcile of that resource. */
  private readonly running = new Map<string, Promise<void>>();
  private wakeTimer: NodeJS.Timeout | undefined;
  /** The last damage check and what it found. */
  private lastCheck: { at: number; problems: string[] } | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: SqliteInboxOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.dataDir = options.dataDir;
    const file = join(options.dataDir, INBOX_FILE);
    checkInboxNotLost(options.dataDir, file, options.newInbox === true);
    // Replacing: --new-inbox where this directory had an inbox whose database is gone or empty.
    const replacing = options.newInbox === true && !hasDatabase(file) && existsSync(join(options.dataDir, INBOX_MARKER_FILE));
    // Opened on the caller's thread first, so that a file that cannot be opened or was written
    // by a newer mops-bot stops start-up with its own message.
    this.reader = new Database(file);
    try {
      this.reader.pragma("journal_mode = WAL");
      this.reader.pragma("busy_timeout = 5000");
      migrate(this.reader);
    } catch (e) {
      this.reader.close();
      throw e;
    }
    markInboxCreated(options.dataDir, new Date((options.now ?? Date.now)()), replacing);
    this.log = options.logger;
    if (replacing) {
      this.log.warn({ dataDir: options.dataDir }, "started with --new-inbox: events the previous inbox held, if any, are not in this one; run `mops-bot sweep` to catch up");
    }
    this.maxAttempts = checkedMaxAttempts(options.maxAttempts);
    this.backoff = options.backoff ?? { baseMs: 5_000, maxMs: 15 * 60_000 };
    this.retentionMs = options.retentionMs ?? 7 * DAY_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.now = options.now ?? Date.now;
    const durability = options.durability ?? "process-crash";
    this.store = new StoreClient(file, durability, (e) => {
      this.log.error({ err: e }, "the inbox's store thread stopped, so deliveries are answered 503; restart mops-bot once the cause in this message is fixed (often a full disk or an unwritable data directory)");
    });
    this.intake = new SqliteIntake(
      { dataDir: options.dataDir, reader: this.reader, store: this.store, durability, log: this.log, now: this.now, pollIntervalMs: this.pollIntervalMs },
      {
        requestTurn: () => this.requestTurn(),
        queued: (refKeys) => {
          // Without a running worker, start() looks through storage anyway.
          if (!this.reconcile) return;
          for (const refKey of refKeys) this.queuedRefs.add(refKey);
          this.pump();
        },
      },
    );
  }

  record(event: InboxEvent): Promise<RecordResult> {
    if (this.closing) return Promise.reject(new Error("the inbox is closed"));
    const gone = this.store.failure();
    if (gone) return Promise.reject(gone);
    return this.intake.record(event);
  }

  /**
   * Asks for a turn (new events, done marks and claims) once the current event-loop turn has
   * handed over everything it has; while a turn is on the store thread, the next one starts when
   * it returns.
   */
  private requestTurn(): void {
    this.turnWanted = true;
    if (this.turnScheduled || this.turnInFlight) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      void this.runTurn();
    });
  }

  /** Sends one turn to the store thread and applies its answer. */
  private runTurn(): Promise<void> {
    if (this.turnInFlight || !this.turnWanted || this.closed) return this.turnInFlight ?? Promise.resolve();
    this.turnWanted = false;
    const turn = this.sendTurn().finally(() => {
      this.turnInFlight = undefined;
      if (this.turnWanted) this.requestTurn();
    });
    this.turnInFlight = turn;
    return turn;
  }

  private async sendTurn(): Promise<void> {
    const finished = this.finished;
    const imports = this.intake.takeImports();
    this.finished = [];
    const now = this.now();
    const working = this.reconcile !== undefined && !this.stopping;
    const mayClaim = working && this.running.size < this.concurrency;
    const scanned = mayClaim && this.scanDue;
    const req: TurnRequest = {
      now,
      records: imports.map((i) => i.text).join(""),
      finished,
      ...(mayClaim
        ? {
            claim: {
              limit: this.concurrency - this.running.size,
              busy: [...this.running.keys()],
              queued: [...this.queuedRefs].filter((r) => !this.running.has(r)),
              scan: this.scanDue,
            },
          }
        : {}),
      wantNextDue: working && (scanned || this.wakeTimer === undefined),
    };
    if (req.records === "" && finished.length === 0 && !req.claim && !req.wantNextDue) return;
    let result;
    try {
      result = await this.store.call("turn", req);
    } catch (e) {
      this.intake.notRecorded(imports, e);
      // The reconciles did succeed; their done marks are tried again with the next commit.
      this.finished = finished.concat(this.finished);
      this.scanDue = true;
      this.log.error({ err: e }, "the inbox could not commit a turn of its worker; it is tried again");
      if (working && !this.stopping) this.scheduleWake(this.pollIntervalMs);
      return;
    }
    this.intake.recorded(imports, result.outcomes);
    if (scanned) this.scanDue = result.scanFull;
    for (const refKey of result.looked) this.queuedRefs.delete(refKey);
    // Events that could not be claimed now wait for a slot or for their resource's reconcile to
    // end, which asks for the next turn. Without a running worker, start() looks through storage.
    if (this.reconcile) for (const refKey of result.queuedRefs) this.queuedRefs.add(refKey);
    for (const [refKey, rows] of result.claimed) this.running.set(refKey, this.runOne(refKey, rows));
    if (result.nextDue !== undefined && this.reconcile && !this.stopping) {
      // With every slot taken, the end of a running reconcile is what looks for work next.
      if (this.running.size >= this.concurrency) this.clearWake();
      else this.scheduleWake(result.nextDue === null ? this.pollIntervalMs : Math.min(this.pollIntervalMs, Math.max(0, result.nextDue - now)));
    }
  }

  start(reconcile: Reconcile, options: WorkerOptions): void {
    if (this.closing) throw new Error("the inbox is closed");
    if (this.reconcile) throw new Error("the inbox worker is already running");
    checkConcurrency(options.concurrency);
    this.intake.open();
    this.reconcile = reconcile;
    this.concurrency = options.concurrency;
    this.stopping = false;
    // The store thread runs requests in order, so recovery is done before the first claim.
    this.store
      .call("recoverInterrupted", { now: this.now(), maxAttempts: this.maxAttempts, error: "interrupted: the process stopped while this event was being reconciled" })
      .then(
        (count) => {
          if (count > 0) this.log.warn({ count }, "re-queued events whose reconcile was interrupted by a stop or crash");
        },
        (e: unknown) => this.log.error({ err: e }, "could not re-queue events interrupted by a stop or crash; they run at the next start"),
      );
    this.scanDue = true;
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.pump();
  }

  /** Reconciles the events of one claimed resource; failures wait for their backoff. */
  private async runOne(refKey: string, rows: ClaimedRow[]): Promise<void> {
    const first = rows[0]!;
    const ref: ResourceRef = { kind: first.ref_kind as RefKind, path: first.ref_path, iid: first.ref_iid };
    const eventIds = rows.map((r) => r.dedupe_key);
    const logger = this.log.child({ ref: refKey, eventIds });
    let error: unknown;
    let failed = false;
    let again: RunAgain | void = undefined;
    try {
      again = await this.reconcile!(ref, { eventIds, logger });
    } catch (e) {
      failed = true;
      error = e;
    }
    this.running.delete(refKey);
    if (this.closed) return; // stop() timed out and the store is gone: the rows stay in_flight and run again on restart
    const now = this.now();
    if (!failed && again) {
      // Pending again from that moment, attempts unchanged: waiting is not failing.
      const at = now + Math.max(0, again.inMs);
      const updates = rows.map((row) => ({ id: row.id, state: "pending" as const, attempts: row.attempts, nextAttemptAt: at, finishedAt: null, error: again.why }));
      this.store.call("fail", updates).catch((e: unknown) => logger.error({ err: e }, "could not record the later run; the events stay in flight and run again at the next start"));
      this.scanDue = true;
      logger.info({ inMs: again.inMs }, again.why);
    } else if (!failed) {
      this.finished.push({ at: now, ids: rows.map((r) => r.id) });
      this.requestTurn();
      logger.debug({ events: rows.length }, "reconciled");
    } else {
      const text = errorText(error);
      const updates = rows.map((row) => failureUpdate(row, text, now, { maxAttempts: this.maxAttempts, backoff: this.backoff }));
      // Sent before the next turn, so the thread writes the failure before it claims again.
      this.store.call("fail", updates).catch((e: unknown) => logger.error({ err: e }, "could not record a failed attempt; the events stay in flight and run again at the next start"));
      // The wake-up is set again for the retry time.
      this.scanDue = true;
      const dead = updates.filter((u) => u.state === "dead").length;
      if (dead > 0) logger.error({ err: error, dead }, "reconcile failed for the last allowed time; the event is now a dead letter (see `mops-bot inbox list --state dead`)");
      else logger.warn({ err: error }, "reconcile failed; it will be retried");
    }
    this.pump();
  }

  private prune(): void {
    if (this.closing) return;
    this.store.call("prune", this.now() - this.retentionMs).then(
      (pruned) => {
        if (pruned > 0) this.log.debug({ pruned }, "pruned old dedupe records");
        if (!this.closing) this.intake.refreshKnownKeys();
      },
      (e: unknown) => this.log.warn({ err: e }, "could not prune old dedupe records; tried again in an hour"),
    );
  }

  /** Looks for due work now: the next turn claims due resources while there is capacity. */
  private pump(): void {
    if (!this.reconcile || this.stopping || this.closing) return;
    this.requestTurn();
  }

  private clearWake(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
  }

  private scheduleWake(delayMs: number): void {
    this.clearWake();
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.scanDue = true;
      this.pump();
    }, delayMs);
    this.wakeTimer.unref();
  }

  /** Waits until every event accepted and every done mark so far has been through a commit. */
  private async settle(): Promise<void> {
    await this.intake.settle();
    await this.turnInFlight;
    if (this.intake.hasImports() || this.finished.length > 0) {
      this.turnWanted = true;
      await this.runTurn();
    }
  }

  async stop({ timeoutMs }: { timeoutMs: number }): Promise<number> {
    this.stopping = true;
    this.clearWake();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    const all = Promise.allSettled([...this.running.values()]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([all, timedOut]);
    clearTimeout(timer);
    this.reconcile = undefined;
    // Reconciles that ended while stopping are marked done now, not at the next start.
    await this.settle();
    return this.running.size;
  }

  /**
   * Imports what is journaled now, so that what this process acknowledged is seen by the
   * question that follows (`list`, `stats`, `retry`, `drop`).
   */
  private async caughtUp(): Promise<void> {
    await this.turnInFlight;
    if (this.intake.hasImports()) {
      this.turnWanted = true;
      await this.runTurn();
    }
  }

  async list(filter: { state?: InboxState; limit?: number } = {}): Promise<InboxEntry[]> {
    await this.caughtUp();
    const rows = await this.store.call("list", { state: filter.state, limit: filter.limit ?? 1000 });
    return rows.map(toEntry);
  }

  async retry(target: number | "all-dead"): Promise<number> {
    await this.caughtUp();
    const changes = await this.store.call("retry", { target, now: this.now() });
    if (changes > 0) {
      this.scanDue = true;
      this.pump();
    }
    return changes;
  }

  async drop(id: number): Promise<boolean> {
    await this.caughtUp();
    return this.store.call("drop", id);
  }

  async stats(): Promise<InboxStats> {
    await this.caughtUp();
    const stats: InboxStats = { pending: 0, inFlight: 0, dead: 0 };
    for (const { state, n } of await this.store.call("counts", null)) {
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
    if (this.closing) return ["the inbox is closed"];
    try {
      await this.store.call("probe", this.now());
      return [];
    } catch (e) {
      return [`the inbox cannot store events: ${errorText(e)}`];
    }
  }

  /**
   * PRAGMA quick_check reads the whole file, so it runs at most once a minute (it takes
   * milliseconds for an inbox of a week's events, on the store thread, not the event loop).
   */
  async damage(): Promise<string[]> {
    const now = this.now();
    if (this.lastCheck && now - this.lastCheck.at < CHECK_EVERY_MS) return this.lastCheck.problems;
    let problems: string[];
    try {
      const found = await this.store.call("check", null);
      problems = found.length === 0 ? [] : [`the inbox database ${join(this.dataDir, INBOX_FILE)} is damaged (PRAGMA quick_check: ${found.join("; ")}); stop mops-bot, move the file aside and restore it from a backup, or start with --new-inbox and run a sweep`];
    } catch (e) {
      const text = errorText(e);
      problems = /corrupt|malformed|not a database/i.test(text) ? [`the inbox database ${join(this.dataDir, INBOX_FILE)} is damaged: ${text}`] : [];
    }
    this.lastCheck = { at: now, problems };
    if (problems.length > 0) this.log.error({ problems }, "the inbox database is damaged");
    return problems;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    // Events accepted but not yet committed are committed now, so their callers still get an
    // answer; nothing new is claimed for a worker that is going away.
    this.closing = true;
    this.stopping = true;
    this.clearWake();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.settle();
    this.closed = true;
    this.intake.close();
    await this.store.close();
    this.reader.close();
  }
}
