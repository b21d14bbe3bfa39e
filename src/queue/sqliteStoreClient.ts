/**
 * The event loop's side of the store thread: starts it and turns its messages into promises.
 * While any request waits for an answer the thread keeps the process alive; when idle it does
 * not, so a command that forgets to close the inbox still exits.
 */
import { Worker } from "node:worker_threads";
import type { StoreAnswers, StoreMessage, StoreOperation, StoreOperations, StoreResponse, StoreThreadData } from "./sqliteProtocol.js";
import type { Durability } from "./sqliteRows.js";

/**
 * Compiled (dist/), the thread runs sqliteThread.js directly. From the TypeScript sources (tsx,
 * vitest) it starts through sqliteThreadEntry.mjs, which registers tsx in the thread first: a
 * worker does not inherit the main thread's loader, and dist/ has no tsx to register.
 */
const COMPILED = import.meta.url.endsWith(".js");
const THREAD_MODULE = new URL(COMPILED ? "./sqliteThread.js" : "./sqliteThread.ts", import.meta.url).href;
const ENTRY = COMPILED ? new URL(THREAD_MODULE) : new URL("./sqliteThreadEntry.mjs", import.meta.url);

/** An error the store thread reported, with SQLite's code when it had one. */
export class StoreThreadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "StoreThreadError";
  }
}

export class StoreClient {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** Why the thread is gone, once it is; every later request fails with this. */
  private gone: Error | undefined;

  constructor(file: string, durability: Durability, onGone: (e: Error) => void) {
    const workerData: StoreThreadData = { entry: THREAD_MODULE, file, durability };
    this.worker = new Worker(ENTRY, { workerData });
    this.worker.unref();
    this.worker.on("message", (answers: StoreAnswers) => {
      for (const res of answers) this.answer(res);
    });
    const end = (e: Error): void => {
      if (this.gone) return;
      this.gone = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
      onGone(e);
    };
    this.worker.on("error", (e) => end(new StoreThreadError(`the inbox's store thread failed: ${e.message}`)));
    this.worker.on("exit", (code) => end(new StoreThreadError(`the inbox's store thread stopped (exit code ${code})`)));
  }

  /** Why the store thread is not running; undefined while it is. */
  failure(): Error | undefined {
    return this.gone;
  }

  call<K extends StoreOperation>(op: K, arg: StoreOperations[K][0]): Promise<StoreOperations[K][1]> {
    return this.send({ op, arg } as Omit<StoreMessage, "id">) as Promise<StoreOperations[K][1]>;
  }

  private send(message: Omit<StoreMessage, "id">): Promise<unknown> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  /** Closes the database on the thread, then ends the thread. */
  async close(): Promise<void> {
    if (!this.gone) {
      try {
        await this.send({ op: "close", arg: null });
      } finally {
        this.gone = new StoreThreadError("the inbox is closed");
        await this.worker.terminate();
      }
    }
  }

  private answer(res: StoreResponse): void {
    const w = this.waiting.get(res.id);
    if (!w) return;
    this.waiting.delete(res.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (res.ok) w.resolve(res.value);
    else w.reject(new StoreThreadError(res.error.message, res.error.code));
  }
}
