/**
 * How the SQLite inbox takes deliveries in: the part of ./sqliteInbox.ts on the path of every
 * 202. With `process-crash` durability a delivery is appended to the journal (./journal.ts) and
 * answered; the inbox's next turn (within IMPORT_EVERY_MS) records it in SQLite, many at a time,
 * and reports back with `recorded`. With `power-loss` durability it is sent to the store thread
 * at once and answered when committed.
 *
 * Redeliveries are answered `duplicate` from the keys journaled but not yet recorded, and from a
 * Bloom filter of the keys in SQLite (./keyFilter.ts) backed by a read on the caller's thread
 * when the filter cannot rule a key out.
 */
import type Database from "better-sqlite3";
import type pino from "pino";
import { formatRef } from "../domain/snapshot.js";
import { eventLine, parseEventLines } from "./eventLines.js";
import { Journal } from "./journal.js";
import { KeyFilter } from "./keyFilter.js";
import type { NewEvent, RecordOutcome } from "./sqliteRows.js";
import type { StoreClient } from "./sqliteStoreClient.js";
import type { InboxEvent, RecordResult } from "./types.js";

/**
 * How long journaled events wait for the turn that records them in SQLite. Recording many events
 * per commit costs the store thread (and the CPU it shares with the event loop) a fraction per
 * event of recording each at once; a reconcile starts that much later, which nobody notices.
 */
const IMPORT_EVERY_MS = 25;
/** A turn is asked for at once when this many events wait. */
const IMPORT_MAX_EVENTS = 1000;

/** The key filter has room for at least this many keys (about 120 KB). */
const MIN_KEY_FILTER_CAPACITY = 100_000;

/** Journaled events on their way into SQLite. */
export interface Import {
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

export interface IntakeOptions {
  dataDir: string;
  /** A connection of the caller's thread, used for reads only. */
  reader: Database.Database;
  store: StoreClient;
  durability: "power-loss" | "process-crash";
  log: pino.Logger;
  now: () => number;
  pollIntervalMs: number;
}

export interface IntakeHooks {
  /** Journaled events wait: the inbox should run a turn soon and hand them over (`takeImports`). */
  requestTurn(): void;
  /** Power-loss deliveries were committed waiting for these resources' reconciles. */
  queued(refKeys: string[]): void;
}

export class SqliteIntake {
  private readonly journaled: boolean;
  private readonly storedKey: Database.Statement;
  /** Which dedupe keys SQLite may hold, so that a new key needs no read (process-crash only). */
  private knownKeys: KeyFilter | undefined;
  /** Opened by the first record() or the worker's start: only the serving process owns it. */
  private journal: Journal | undefined;
  private batch: PendingRecord[] = [];
  /** Keys journaled and not yet recorded: a redelivery meanwhile is still a duplicate. */
  private readonly unimported = new Set<string>();
  private imports: Import[] = [];
  /** Events in `imports`, counted as they come so a batch need not add up the whole list. */
  private importWaiting = 0;
  private importTimer: NodeJS.Timeout | undefined;
  /** Power-loss durability: deliveries on their way to a commit. */
  private readonly recordsInFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly options: IntakeOptions,
    private readonly hooks: IntakeHooks,
  ) {
    this.journaled = options.durability === "process-crash";
    this.storedKey = options.reader.prepare(`SELECT 1 FROM events WHERE dedupe_key = ?`).pluck();
  }

  /** Resolves once the delivery is stored as its durability requires (the 202 waits for it). */
  record(event: InboxEvent): Promise<RecordResult> {
    try {
      this.open();
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.journaled) {
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
  open(): void {
    if (this.journal) return;
    const journal = new Journal(this.options.dataDir);
    this.journal = journal;
    if (this.journaled) this.loadKnownKeys();
    for (const left of journal.takeLeftovers()) {
      if (left.tornBytes > 0) this.options.log.warn({ bytes: left.tornBytes }, "the journal ended in a line cut short by a crash; that delivery had not been acknowledged and is dropped");
      const lines = parseEventLines(left.text);
      const events = lines.length;
      // Already answered once: a redelivery of one of them is a duplicate.
      for (const line of lines) if (line) this.knownKeys?.add(line.dedupeKey);
      this.options.log.info({ events }, "importing deliveries acknowledged before the last stop or crash");
      this.imports.push({ seqs: [left.seq], text: left.text, keys: [], events });
      this.importWaiting += events;
    }
    if (this.imports.length > 0) this.hooks.requestTurn();
  }

  /**
   * Fills the key filter from SQLite: at the first record or start, and again after a prune when
   * more keys went in than it was sized for. Reading the keys takes about 0.75 s per million.
   */
  private loadKnownKeys(): void {
    const { reader } = this.options;
    const count = reader.prepare(`SELECT COUNT(*) FROM events`).pluck().get() as number;
    const filter = new KeyFilter(Math.max(MIN_KEY_FILTER_CAPACITY, 2 * count));
    for (const key of reader.prepare(`SELECT dedupe_key FROM events`).pluck().iterate()) filter.add(key as string);
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
    if (!this.journaled) {
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
      this.options.log.error({ err: e, dataDir: this.options.dataDir }, "the inbox could not write its journal, so deliveries of this moment were answered 503 (GitLab shows them as failed and can resend them); check that the data directory has free space and is writable");
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
      this.hooks.requestTurn();
    }, delayMs);
    // Nothing is lost if the process ends first: the events are in the journal.
    this.importTimer.unref();
  }

  /**
   * Power-loss durability: the deliveries are sent to the store thread at once, beside the
   * worker's turns (a turn with records only claims nothing, so it cannot clash with the one in
   * flight); the store commits whatever arrived together, and each 202 waits for its commit.
   */
  private async recordNow(batch: Import): Promise<void> {
    let result;
    try {
      result = await this.options.store.call("turn", { now: this.options.now(), records: batch.text, finished: [], wantNextDue: false });
    } catch (e) {
      this.notRecorded([batch], e);
      return;
    }
    this.recorded([batch], result.outcomes);
    if (result.queuedRefs.length > 0) this.hooks.queued(result.queuedRefs);
  }

  /** The events of `imports` were committed: the journal may let them go, the waiting acks get their answer. */
  recorded(imports: Import[], outcomes: RecordOutcome[]): void {
    const seqs = imports.flatMap((i) => i.seqs);
    if (seqs.length > 0) {
      try {
        this.journal!.imported(seqs);
      } catch (e) {
        this.options.log.warn({ err: e }, "could not empty the inbox journal; it is imported again (as duplicates) at the next start");
      }
    }
    let line = 0;
    for (const i of imports) {
      for (const key of i.keys) this.unimported.delete(key);
      i.acks?.forEach((item, n) => item.resolve(outcomes[line + n] === "duplicate" ? "duplicate" : "queued"));
      line += i.events;
    }
    const invalid = outcomes.filter((o) => o === "invalid").length;
    if (invalid > 0) this.options.log.warn({ lines: invalid, dataDir: this.options.dataDir }, "the journal held damaged lines, which were skipped; if deliveries seem missing, resend them from the webhook's Recent events in GitLab");
  }

  /** A turn carrying `imports` failed: waiting acks get a 503, journaled events are tried again. */
  notRecorded(imports: Import[], e: unknown): void {
    const retry = imports.filter((i) => !i.acks);
    for (const i of imports) for (const item of i.acks ?? []) item.reject(e);
    if (imports.some((i) => i.acks)) this.options.log.error({ err: e }, "the inbox could not commit; deliveries of this moment were answered 503");
    if (retry.length === 0) return;
    const events = retry.reduce((n, i) => n + i.events, 0);
    this.options.log.error({ err: e, events }, "could not move journaled deliveries into the inbox; tried again shortly (they are safe in the journal)");
    this.imports = retry.concat(this.imports);
    this.importWaiting += events;
    if (!this.closed) this.scheduleImport(this.options.pollIntervalMs);
  }

  /** Journaled events waiting to be recorded; the turn that takes them reports back. */
  takeImports(): Import[] {
    const imports = this.imports;
    this.imports = [];
    this.importWaiting = 0;
    if (this.importTimer) clearTimeout(this.importTimer);
    this.importTimer = undefined;
    return imports;
  }

  hasImports(): boolean {
    return this.imports.length > 0;
  }

  /** After a prune: reload the key filter when more keys went in than it was sized for. */
  refreshKnownKeys(): void {
    if (this.knownKeys?.full() && !this.closed) this.loadKnownKeys();
  }

  /** Writes what this event-loop turn accepted and waits for the power-loss commits under way. */
  async settle(): Promise<void> {
    this.writeBatch();
    await Promise.allSettled([...this.recordsInFlight]);
  }

  /** Call after the last turn; what could not be recorded stays in the journal for the next start. */
  close(): void {
    this.closed = true;
    if (this.importTimer) clearTimeout(this.importTimer);
    this.journal?.close();
  }
}
