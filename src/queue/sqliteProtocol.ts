/**
 * The messages between the SQLite inbox (./sqliteInbox.ts, on the event loop) and its store
 * thread (./sqliteThread.ts). Each request names one store operation; the thread runs them in
 * the order they were sent, the ones that arrived together in one transaction, and answers each
 * with its id.
 */
import type { InboxState } from "./types.js";
import type { Durability, EventRow, FailureUpdate, TurnRequest, TurnResult } from "./sqliteRows.js";

/** What the store thread is started with (`workerData`). */
export interface StoreThreadData {
  /** The thread's TypeScript module, loaded by ./sqliteThreadEntry.mjs. */
  entry: string;
  file: string;
  durability: Durability;
}

/**
 * Operation name -> [argument, answer]. Every one runs inside the transaction of the group it
 * arrived with (see `SqliteStore.run`).
 */
export interface StoreOperations {
  turn: [TurnRequest, TurnResult];
  fail: [FailureUpdate[], void];
  recoverInterrupted: [{ now: number; maxAttempts: number; error: string }, number];
  list: [{ state: InboxState | undefined; limit: number }, EventRow[]];
  retry: [{ target: number | "all-dead"; now: number }, number];
  drop: [number, boolean];
  counts: [null, { state: InboxState; n: number }[]];
  prune: [number, number];
  probe: [number, void];
  check: [null, string[]];
}
export type StoreOperation = keyof StoreOperations;

/** Messages to the thread: a request, or the last one, which closes the database. */
export type StoreMessage = StoreRequest | { id: number; op: "close"; arg: null };

export interface StoreRequest<K extends StoreOperation = StoreOperation> {
  id: number;
  op: K;
  arg: StoreOperations[K][0];
}

/** An error as it crosses the thread boundary: SQLite's code (SQLITE_FULL, …) kept for the logs. */
export interface StoreError {
  message: string;
  code?: string;
}

export type StoreResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: StoreError };

/** The thread answers every message of a group in one message. */
export type StoreAnswers = StoreResponse[];
