/**
 * What the SQLite inbox and its store thread exchange: stored rows, new events, one turn's request
 * and answer, a failed attempt. Kept apart from ./sqliteStore.ts so the thread protocol and the
 * event lines can name these types without importing the store that imports them.
 */
import type { InboxState } from "./types.js";

export type Durability = "power-loss" | "process-crash";

/** A stored event as SQLite returns it. */
export interface EventRow {
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

/** What a running reconcile needs of each event it covers. */
export type ClaimedRow = Pick<EventRow, "id" | "dedupe_key" | "attempts" | "ref_kind" | "ref_path" | "ref_iid">;

export interface NewEvent {
  dedupeKey: string;
  refKey: string;
  refKind: string;
  refPath: string;
  refIid: number;
  kind: string;
  eventUuid: string | null;
  receivedAt: number;
}

/**
 * One turn of the inbox: new events, done marks of reconciles that succeeded, and claims of due
 * resources. The inbox sends one at a time, so each sees the claims of the one before.
 */
export interface TurnRequest {
  now: number;
  /** Event lines (./eventLines.ts) to record, as the journal holds them; "" for none. */
  records: string;
  /** Reconciles that succeeded: their events become `done`. */
  finished: { at: number; ids: number[] }[];
  /** Absent when nothing may be claimed (no worker, stopping, every slot busy). */
  claim?: {
    /** Free worker slots. */
    limit: number;
    /** Resources running right now; never claimed twice. */
    busy: string[];
    /** Resources with events queued since their last claim, oldest first, none of them busy. */
    queued: string[];
    /**
     * Look through storage for due work (at start, after a retry, a wake-up or a failure) rather
     * than only at `queued`: events backing off, or put back by the CLI, are not in that list.
     */
    scan: boolean;
  };
  /** Also answer when the next backing-off event of a resource not running falls due. */
  wantNextDue: boolean;
}

export interface TurnResult {
  /** One per line of `records`, in order. */
  outcomes: RecordOutcome[];
  /** Resources whose new events were stored to wait (their resource was busy, or no slot was free). */
  queuedRefs: string[];
  /** Claimed resources with the events each reconcile covers, oldest first. */
  claimed: [refKey: string, rows: ClaimedRow[]][];
  /** Resources this turn tried to claim (claimed, or found with nothing pending). */
  looked: string[];
  /** A storage scan filled every free slot, so more due work may be waiting. */
  scanFull: boolean;
  /** Epoch ms of the next due event of a resource not running; null when none waits. */
  nextDue?: number | null;
}

/** Per recorded line: stored (to wait, or already claimed), known already, or unreadable. */
export type RecordOutcome = "queued" | "duplicate" | "invalid";

/** How a failed attempt is written. */
export interface FailureUpdate {
  id: number;
  state: "pending" | "dead";
  attempts: number;
  nextAttemptAt: number;
  finishedAt: number | null;
  error: string;
}
