/**
 * The durable inbox between the webhook edge and the engine. A webhook is only a hint that a
 * resource changed, so the inbox stores resource refs, not payloads: the reconcile re-reads the
 * resource from GitLab. The interface is backend-neutral (embedded SQLite for one process, BullMQ
 * on Redis for several replicas); the one place that picks a backend is `openInbox` in ./openInbox.ts.
 */
import type pino from "pino";
import type { ResourceRef } from "../domain/snapshot.js";

/**
 * What the engine does for one resource. `eventIds` are the dedupe keys of every event it covers.
 * It may ask to run again later (a person is still editing: the bot waits before it complains);
 * the events then stay pending until that moment, without counting as a failed attempt.
 */
export type Reconcile = (ref: ResourceRef, trace: { eventIds: string[]; logger: pino.Logger }) => Promise<void | RunAgain>;

export interface RunAgain {
  /** How long from now, by the inbox's clock. */
  inMs: number;
  /** Why, for `mops-bot inbox list` and the log. */
  why: string;
}

/** The webhook event kinds that lead to a reconcile (the `X-Gitlab-Event` family). */
export type InboxEventKind = "issue" | "merge_request" | "note" | "milestone";

export interface InboxEvent {
  /** `Idempotency-Key` when GitLab sent one, otherwise a hash of the event header and raw body. */
  dedupeKey: string;
  ref: ResourceRef;
  kind: InboxEventKind;
  receivedAt: Date;
  /** `X-Gitlab-Event-UUID`, kept for tracing a chain of hooks. */
  eventUuid?: string;
}

export type RecordResult = "queued" | "duplicate";

/**
 * - pending: waiting (possibly for a retry time);
 * - in_flight: claimed by a worker, reconcile running (after a crash these are run again);
 * - done: reconciled; kept as a dedupe record for the retention period;
 * - dead: failed `maxAttempts` times; waits for `mops-bot inbox retry` or `drop`.
 */
export type InboxState = "pending" | "in_flight" | "done" | "dead";

export const INBOX_STATES: readonly InboxState[] = ["pending", "in_flight", "done", "dead"];

export interface InboxEntry {
  id: number;
  dedupeKey: string;
  ref: ResourceRef;
  kind: InboxEventKind;
  eventUuid: string | null;
  state: InboxState;
  attempts: number;
  receivedAt: Date;
  /** When a pending entry may run next (later than now while it backs off after a failure). */
  nextAttemptAt: Date;
  finishedAt: Date | null;
  lastError: string | null;
}

export interface InboxStats {
  pending: number;
  inFlight: number;
  dead: number;
}

export interface WorkerOptions {
  /** Resources reconciled in parallel; one resource never runs twice at once. */
  concurrency: number;
}

/**
 * The webhook edge's side: store an event before answering, and say whether events can be
 * stored (/readyz) and whether the storage is damaged beyond a restart (/healthz).
 */
export interface InboxIntake {
  /** Resolves only once the event is durably stored (or known as a duplicate). */
  record(event: InboxEvent): Promise<RecordResult>;
  /** Problems that make the inbox unusable (for /readyz); empty when it can store events. */
  health(): Promise<string[]>;
  /**
   * Damage that restarting will not cure, such as a corrupt database page (for /healthz, so an
   * orchestrator replaces or alerts rather than waiting); empty when the storage is sound.
   * Absent for backends whose storage another service owns (Redis).
   */
  damage?(): Promise<string[]>;
}

/** The worker's side: run the reconciles of stored events, and stop doing so. */
export interface InboxWorker {
  /** Starts the worker loop; in-flight entries left by a previous process are run again. */
  start(reconcile: Reconcile, options: WorkerOptions): void;
  /**
   * Stops taking new work and waits up to `timeoutMs` for running reconciles. Entries still
   * running at the timeout stay in_flight in storage and run again on the next start.
   * Resolves to the number of reconciles that did not finish in time.
   */
  stop(options: { timeoutMs: number }): Promise<number>;
}

/** What `mops-bot inbox list|retry|drop` and the metrics look at and change. */
export interface InboxAdmin {
  list(filter?: { state?: InboxState; limit?: number }): Promise<InboxEntry[]>;
  /** Puts an entry (one id, or every dead one) back to run now with a fresh attempt count; resolves to how many. Running entries are left alone. */
  retry(target: number | "all-dead"): Promise<number>;
  /** Deletes one entry for good; false when there is no such entry or it is running right now. */
  drop(id: number): Promise<boolean>;
  /** Entries waiting or running. */
  depth(): Promise<number>;
  deadLetters(): Promise<InboxEntry[]>;
  stats(): Promise<InboxStats>;
}

/** One backend's inbox, as `openInbox` returns it; each caller takes the narrowest side it needs. */
export interface Inbox extends InboxIntake, InboxWorker, InboxAdmin {
  /**
   * True for the first of the replicas sharing this inbox to ask for `key`, false for every other
   * (the claim is kept at least `ttlMs`). Absent where one process owns the inbox (SQLite).
   * The scheduler elects the replica that runs a tick with it (src/jobs/scheduleCoordinator.ts).
   */
  claimFirst?(key: string, ttlMs: number): Promise<boolean>;
  /** Releases the storage; call after stop(). */
  close(): Promise<void>;
}
