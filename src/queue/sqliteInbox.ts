/**
 * The embedded inbox: one SQLite file in WAL mode, under `MOPS_DATA_DIR`.
 *
 * The SQL runs on a store thread (./sqliteStore.ts behind ./sqliteThread.ts), never on the event
 * loop that answers webhooks: statements and commits cost more than the HTTP handling of a
 * delivery itself, and would halve how many deliveries the bot can acknowledge. This class keeps
 * the worker's state (what runs, what is queued) and sends the thread what to write; the thread
 * commits whatever arrived together in one transaction.
 *
 * Durability, chosen by `durability`:
 * - `process-crash` (default): a delivery is appended to the journal (./journal.ts, one write to
 *   the OS page cache) and then acknowledged; the store thread imports the journal into SQLite
 *   every few milliseconds, many events per commit. What was acknowledged survives a crash,
 *   `kill -9` or restart of the bot: the journal is imported again at the next start. A power
 *   cut or kernel crash can lose the last acknowledged events, and GitLab does not redeliver an
 *   acknowledged event, so those would be lost for good.
 * - `power-loss`: the 202 waits for the SQLite commit of its event with `synchronous=FULL` (an
 *   fsync per commit), so "acknowledged = stored" holds for power loss too, at the price of
 *   waiting for the disk (bench/webhook.ts shows it).
 *
 * A redelivery is answered `duplicate` from the journal's keys not yet imported and a lookup of
 * the dedupe key in SQLite (a read, on this thread's own connection).
 *
 * One process owns the worker of a data directory (and its journal). The `inbox` CLI may open
 * the same file at the same time (WAL allows it); it never touches the journal. The worker polls,
 * so a CLI retry is picked up within a poll interval.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type pino from "pino";
import { formatRef, type RefKind, type ResourceRef } from "../domain/snapshot.js";
import type { BackoffPolicy } from "./backoff.js";
import { checkConcurrency, checkedMaxAttempts, DAY_MS, errorText, PRUNE_EVERY_MS } from "./inboxCommon.js";
import { eventLine, parseEventLines } from "./eventLines.js";
import { Journal } from "./journal.js";
import { KeyFilter } from "./keyFilter.js";
import { StoreClient } from "./sqliteStoreClient.js";
import { migrate } from "./sqliteSchema.js";
import { failureUpdate, type ClaimedRow, type EventRow, type NewEvent, type RecordOutcome, type TurnRequest } from "./sqliteStore.js";
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

/**
 * How long journaled events wait before the store thread imports them. Importing many events per
 * commit costs the store thread (and the CPU it shares with the event loop) a fraction per event
 * of importing each at once; a reconcile starts that much later, which nobody notices.
 */
const IMPORT_EVERY_MS = 25;
/** An import starts at once when this many events wait. */
const IMPORT_MAX_EVENTS = 1000;

/** The key filter has room for at least this many keys (about 120 KB). */
const MIN_KEY_FILTER_CAPACITY = 100_000;

/** Journaled events on their way into SQLite. */
interface Import {
  seqs: number[];
  text: string;
  /** Their dedupe keys, answered `duplicate` until the import is committed. */
  keys: string[];
  /** Lines in `text`. */
  events: number;
  /** Power-loss durability: the deliveries waiting for this commit to be answered. */
  acks?: PendingRecord[];
}

interface PendingRecord {
  event: InboxEvent;
  resolve: (r: RecordResult) => void;
  reject: (e: unknown) => void;
}

function toNewEvent(event: InboxEvent): NewEvent {
  return {
    dedupeKey: event.dedupeKey,
    refKey: formatRef(event.ref),
    refKind: event.ref.kind,
    refPath: event.ref.path,
    refIid: event.ref.iid,
    kind: event.kind,
    eventUuid: event.eventUuid ?? null,
    receivedAt: event.receivedAt.getTime(),
  };
}

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
  /** `process-crash`: acknowledge once journaled; `power-loss`: once committed with an fsync. */
  private readonly acknowledgeJournaled: boolean;
  /** This thread's own connection, for reads only: the dedupe lookup before journaling. */
  private readonly reader: Database.Database;
  private readonly storedKey: Database.Statement;
  /** Which dedupe keys SQLite may hold, so that a new key needs no read (process-crash only). */
  private knownKeys: KeyFilter | undefined;

  /** Opened by the first record() or start(): only the serving process owns the journal. */
  private journal: Journal | undefined;
  private batch: PendingRecord[] = [];
  /** Keys journaled and not yet imported: a redelivery meanwhile is still a duplicate. */
  private readonly unimported = new Set<string>();
  private imports: Import[] = [];
  /** Power-loss durability: deliveries on their way to a commit. */
  private readonly recordsInFlight = new Set<Promise<void>>();
  /** Events in `imports`. */
  private importWaiting = 0;
  private importTimer: NodeJS.Timeout | undefined;
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
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: SqliteInboxOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.dataDir = options.dataDir;
    const file = join(options.dataDir, INBOX_FILE);
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
    this.storedKey = this.reader.prepare(`SELECT 1 FROM events WHERE dedupe_key = ?`).pluck();
    this.log = options.logger;
    this.maxAttempts = checkedMaxAttempts(options.maxAttempts);
    this.backoff = options.backoff ?? { baseMs: 5_000, maxMs: 15 * 60_000 };
    this.retentionMs = options.retentionMs ?? 7 * DAY_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.now = options.now ?? Date.now;
    const durability = options.durability ?? "process-crash";
    this.acknowledgeJournaled = durability === "process-crash";
    this.store = new StoreClient(file, durability, (e) => {
      this.log.error({ err: e }, "the inbox's store thread stopped; deliveries are answered 503 until mops-bot restarts");
    });
  }

  record(event: InboxEvent): Promise<RecordResult> {
    if (this.closing) return Promise.reject(new Error("the inbox is closed"));
    const gone = this.store.failure();
    if (gone) return Promise.reject(gone);
    try {
      this.openJournal();
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.acknowledgeJournaled) {
      const key = event.dedupeKey;
      if (this.unimported.has(key) || (this.knownKeys!.mayHave(key) && this.storedKey.get(key) !== undefined)) return Promise.resolve("duplicate");
      // Taken now, so that a redelivery within this same turn is a duplicate too.
      this.unimported.add(key);
      this.knownKeys!.add(key);
    }
    return new Promise<RecordResult>((resolve, reject) => {
      this.batch.push({ event, resolve, reject });
      if (this.batch.length === 1) setImmediate(() => this.writeBatch());
    });
  }

  /**
   * The journal of this data directory, opened once by the process that records or works. What a
   * previous process left in it is imported before anything new.
   */
  private openJournal(): void {
    if (this.journal) return;
    const journal = new Journal(this.dataDir);
    this.journal = journal;
    if (this.acknowledgeJournaled) this.loadKnownKeys();
    for (const left of journal.takeLeftovers()) {
      if (left.tornBytes > 0) this.log.warn({ bytes: left.tornBytes }, "the journal ended in a line cut short by a crash; that delivery had not been acknowledged and is dropped");
      const lines = parseEventLines(left.text);
      const events = lines.length;
      // Already answered once: a redelivery of one of them is a duplicate.
      for (const line of lines) if (line) this.knownKeys?.add(line.dedupeKey);
      this.log.info({ events }, "importing deliveries acknowledged before the last stop or crash");
      this.imports.push({ seqs: [left.seq], text: left.text, keys: [], events });
      this.importWaiting += events;
    }
    if (this.imports.length > 0) this.requestTurn();
  }

  /**
   * Fills the key filter from SQLite: at the first record or start, and again after a prune when
   * more keys went in than it was sized for. Reading the keys takes about a second per million.
   */
  private loadKnownKeys(): void {
    const count = this.reader.prepare(`SELECT COUNT(*) FROM events`).pluck().get() as number;
    const filter = new KeyFilter(Math.max(MIN_KEY_FILTER_CAPACITY, 2 * count));
    for (const key of this.reader.prepare(`SELECT dedupe_key FROM events`).pluck().iterate()) filter.add(key as string);
    for (const key of this.unimported) filter.add(key);
    this.knownKeys = filter;
  }

  /**
   * Stores the deliveries of the last event-loop turn: journaled and answered now, and recorded
   * in SQLite by a turn within IMPORT_EVERY_MS; or (power-loss) recorded by the next turn, which
   * answers them once committed.
   */
  private writeBatch(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    const text = batch.map(({ event }) => eventLine(toNewEvent(event))).join("");
    if (!this.acknowledgeJournaled) {
      const sent = this.recordNow({ seqs: [], text, keys: [], events: batch.length, acks: batch });
      this.recordsInFlight.add(sent);
      void sent.finally(() => this.recordsInFlight.delete(sent));
      return;
    }
    const keys = batch.map(({ event }) => event.dedupeKey);
    let seq: number;
    try {
      seq = this.journal!.append(text);
    } catch (e) {
      for (const key of keys) this.unimported.delete(key);
      for (const item of batch) item.reject(e);
      this.log.error({ err: e }, "the inbox could not write its journal; deliveries of this moment were answered 503");
      return;
    }
    for (const item of batch) item.resolve("queued");
    this.imports.push({ seqs: [seq], text, keys, events: batch.length });
    this.importWaiting += batch.length;
    this.scheduleImport(this.importWaiting >= IMPORT_MAX_EVENTS ? 0 : IMPORT_EVERY_MS);
  }

  /** Makes sure a turn takes the journaled events within `delayMs`. */
  private scheduleImport(delayMs: number): void {
    if (this.importTimer && delayMs > 0) return;
    if (this.importTimer) clearTimeout(this.importTimer);
    this.importTimer = setTimeout(() => {
      this.importTimer = undefined;
      this.requestTurn();
    }, delayMs);
  }

  /**
   * Power-loss durability: the deliveries are sent to the store thread at once, beside the
   * worker's turns (a turn with records only claims nothing, so it cannot clash with the one in
   * flight); the store commits whatever arrived together, and each 202 waits for its commit.
   */
  private async recordNow(batch: Import): Promise<void> {
    let result;
    try {
      result = await this.store.call("turn", { now: this.now(), records: batch.text, finished: [], wantNextDue: false });
    } catch (e) {
      this.notRecorded([batch], e);
      return;
    }
    this.recorded([batch], result.outcomes);
    if (!this.reconcile || result.queuedRefs.length === 0) return;
    for (const refKey of result.queuedRefs) this.queuedRefs.add(refKey);
    this.pump();
  }

  /** The events of `imports` were committed: the journal may let them go, the waiting acks get their answer. */
  private recorded(imports: Import[], outcomes: RecordOutcome[]): void {
    const seqs = imports.flatMap((i) => i.seqs);
    if (seqs.length > 0) {
      try {
        this.journal!.imported(seqs);
      } catch (e) {
        this.log.warn({ err: e }, "could not empty the inbox journal; it is imported again (as duplicates) at the next start");
      }
    }
    let line = 0;
    for (const i of imports) {
      for (const key of i.keys) this.unimported.delete(key);
      i.acks?.forEach((item, n) => item.resolve(outcomes[line + n] === "duplicate" ? "duplicate" : "queued"));
      line += i.events;
    }
    const invalid = outcomes.filter((o) => o === "invalid").length;
    if (invalid > 0) this.log.warn({ lines: invalid }, "the journal held lines that are not deliveries; they were skipped");
  }

  /** A turn carrying `imports` failed: waiting acks get a 503, journaled events are tried again. */
  private notRecorded(imports: Import[], e: unknown): void {
    const retry = imports.filter((i) => !i.acks);
    for (const i of imports) for (const item of i.acks ?? []) item.reject(e);
    if (imports.some((i) => i.acks)) this.log.error({ err: e }, "the inbox could not commit; deliveries of this moment were answered 503");
    if (retry.length === 0) return;
    this.log.error({ err: e, events: retry.reduce((n, i) => n + i.events, 0) }, "could not import journaled deliveries into the inbox; tried again shortly (they are safe in the journal)");
    this.imports = retry.concat(this.imports);
    this.importWaiting += retry.reduce((n, i) => n + i.events, 0);
    if (!this.closing) this.scheduleImport(this.pollIntervalMs);
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
    const imports = this.imports;
    this.finished = [];
    this.imports = [];
    this.importWaiting = 0;
    if (this.importTimer) clearTimeout(this.importTimer);
    this.importTimer = undefined;
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
      this.notRecorded(imports, e);
      // The reconciles did succeed; their done marks are tried again with the next commit.
      this.finished = finished.concat(this.finished);
      this.scanDue = true;
      this.log.error({ err: e }, "the inbox could not commit a turn of its worker; it is tried again");
      if (working && !this.stopping) this.scheduleWake(this.pollIntervalMs);
      return;
    }
    this.recorded(imports, result.outcomes);
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
    this.openJournal();
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
        if (this.knownKeys?.full() && !this.closing) this.loadKnownKeys();
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
    this.writeBatch();
    await Promise.allSettled([...this.recordsInFlight]);
    await this.turnInFlight;
    if (this.imports.length > 0 || this.finished.length > 0) {
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
    if (this.imports.length > 0) {
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

  /** One process owns a SQLite inbox, so there is no other replica to agree with. */
  scheduleCoordinator(): ScheduleCoordinator | undefined {
    return undefined;
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
    if (this.importTimer) clearTimeout(this.importTimer);
    this.closed = true;
    await this.store.close();
    this.reader.close();
    // Whatever could not be imported stays in the journal for the next start.
    this.journal?.close();
  }
}
