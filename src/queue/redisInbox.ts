/**
 * The shared inbox: BullMQ on Redis, for several `serve` replicas behind one load balancer.
 * Same guarantees as the SQLite inbox, across replicas:
 *
 * - dedupe: an event is stored once per Idempotency-Key (a Lua script, atomic);
 * - one reconcile per resource at a time: a run first takes the resource's lock (a key with a
 *   lease, renewed while the reconcile runs) and claims every pending event of the resource;
 *   a job that finds the lock taken waits briefly and tries again;
 * - coalescing: every pending event of a resource rides on one reconcile;
 * - retries with backoff, then dead letters, counted per event as in SQLite;
 * - a replica that dies mid-run: its lock lapses after the lease, and the next run counts the
 *   interrupted attempt and does the work again.
 *
 * BullMQ carries the jobs ("reconcile this resource"), spreads them over the replicas' workers
 * and delays retries. A resource's job id is `<resource>@<generation>`; every claim bumps the
 * generation, so an event stored while its resource is being reconciled gets a new job and runs
 * again afterwards, and an event stored before the claim finds the job that will cover it (a
 * second add with the same id is a no-op). A replica that stores an event and dies before it
 * adds the job leaves a resource without one: every replica looks for such resources regularly.
 */
import { randomUUID } from "node:crypto";
import { DelayedError, type Job, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type pino from "pino";
import { formatRef, parseRef } from "../domain/snapshot.js";
import { backoffDelayMs, type BackoffPolicy } from "./backoff.js";
import { checkConcurrency, checkedMaxAttempts, DAY_MS, errorText, PRUNE_EVERY_MS } from "./inboxCommon.js";
import { connectRedis, redactRedisUrl } from "./redisConnection.js";
import { SCRIPTS } from "./redisScripts.js";
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

export interface RedisInboxOptions {
  /** `REDIS_URL`. */
  url: string;
  logger: pino.Logger;
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** How long processed events are remembered for dedupe. */
  retentionMs?: number;
  /** How often this replica looks for resources whose job went missing (default 5 s). */
  pollIntervalMs?: number;
  /** Epoch milliseconds; injected by tests. */
  now?: () => number;
  /**
   * How long a replica's claim on a resource outlives the replica when it dies (renewed every
   * third of it while the reconcile runs). Default 30 s.
   */
  leaseMs?: number;
  /** Key prefix, to keep several bots apart in one Redis database (default `mops`). */
  prefix?: string;
  /** Attempts per Redis command while reconnecting before giving up (default 20; the CLI uses 1). */
  commandRetries?: number;
}

interface JobData {
  refKey: string;
}

interface ClaimedEvent {
  id: number;
  dedupeKey: string;
  attempts: number;
}

type Claim =
  | { kind: "busy" }
  | { kind: "nothing"; deadNow: number }
  | { kind: "not-due"; deadNow: number; gen: number; dueAt: number }
  | { kind: "claimed"; deadNow: number; gen: number; events: ClaimedEvent[] };

const QUEUE_NAME = "inbox";
const PRUNE_BATCH = 500;
const STRANDED_BATCH = 500;
/** How soon a job that found its resource busy looks again (the running one also wakes it when done). */
const BUSY_RETRY_MS = 250;
const INTERRUPTED = "interrupted: the replica stopped or died while this event was being reconciled";
const STATES: readonly InboxState[] = ["pending", "in_flight", "done", "dead"];

function parseClaim(raw: unknown): Claim {
  const r = raw as (number | string)[];
  const code = Number(r[0]);
  if (code === -1) return { kind: "busy" };
  const gen = Number(r[1]);
  const deadNow = Number(r[2]);
  if (code === 0) return { kind: "nothing", deadNow };
  if (code === -2) return { kind: "not-due", deadNow, gen, dueAt: Number(r[3]) };
  const events: ClaimedEvent[] = [];
  for (let i = 3; i < r.length; i += 3) events.push({ id: Number(r[i]), dedupeKey: String(r[i + 1]), attempts: Number(r[i + 2]) });
  events.sort((a, b) => a.id - b.id);
  return { kind: "claimed", deadNow, gen, events };
}

function toEntry(id: number, h: Record<string, string>): InboxEntry | undefined {
  const ref = h.ref === undefined ? undefined : parseRef(h.ref);
  if (!ref || !h.state) return undefined;
  return {
    id,
    dedupeKey: h.dk ?? "",
    ref,
    kind: h.kind as InboxEventKind,
    eventUuid: h.uuid ?? null,
    state: h.state as InboxState,
    attempts: Number(h.att ?? 0),
    receivedAt: new Date(Number(h.recv)),
    nextAttemptAt: new Date(Number(h.next ?? h.recv)),
    finishedAt: h.fin === undefined ? null : new Date(Number(h.fin)),
    lastError: h.err ?? null,
  };
}

/** Resource key -> a BullMQ job id (which may not contain `:`). */
function jobId(refKey: string, gen: number, retry: boolean): string {
  return `${encodeURIComponent(refKey)}@${gen}${retry ? "r" : ""}`;
}

export class RedisInbox implements Inbox {
  private readonly url: string;
  private readonly log: pino.Logger;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly retentionMs: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly now: () => number;
  /** Prefix of the inbox's own keys. */
  private readonly keys: string;
  private readonly bullPrefix: string;
  private readonly cronPrefix: string;
  private readonly redis: Redis;
  private readonly queue: Queue<JobData>;
  /** Names this replica in the scheduled-job election. */
  private readonly replicaId = randomUUID();

  private worker: Worker<JobData> | undefined;
  private reconcile: Reconcile | undefined;
  private closed = false;
  /** Every job this replica is processing, from its claim to its bookkeeping. */
  private readonly running = new Set<Promise<void>>();
  private readonly renewals = new Set<NodeJS.Timeout>();
  private repairTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: RedisInboxOptions) {
    this.url = options.url;
    this.log = options.logger;
    this.maxAttempts = checkedMaxAttempts(options.maxAttempts);
    this.backoff = options.backoff ?? { baseMs: 5_000, maxMs: 15 * 60_000 };
    this.retentionMs = options.retentionMs ?? 7 * DAY_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.leaseMs = options.leaseMs ?? 30_000;
    if (!Number.isInteger(this.leaseMs) || this.leaseMs < 100) throw new Error(`leaseMs must be a whole number of at least 100, got ${String(options.leaseMs)}`);
    this.now = options.now ?? Date.now;
    const prefix = options.prefix ?? "mops";
    this.keys = `${prefix}:inbox`;
    this.bullPrefix = `${prefix}:bull`;
    this.cronPrefix = `${prefix}:cron`;
    this.redis = connectRedis(this.url, { retriesPerRequest: options.commandRetries ?? 20, logger: this.log, name: "mops-inbox" });
    this.queue = new Queue<JobData>(QUEUE_NAME, { connection: this.redis, prefix: this.bullPrefix });
    this.queue.on("error", (err: Error) => this.log.debug({ err: err.message }, "BullMQ queue error"));
  }

  async record(event: InboxEvent): Promise<RecordResult> {
    if (this.closed) throw new Error("the inbox is closed");
    const refKey = formatRef(event.ref);
    const receivedAt = event.receivedAt.getTime();
    const [id, gen] = (await SCRIPTS.record.run(this.redis, [
      this.keys,
      event.dedupeKey,
      refKey,
      event.kind,
      event.eventUuid ?? "",
      receivedAt,
      this.now(),
    ])) as [number, string];
    if (Number(id) === 0) return "duplicate";
    // Should this fail (Redis went away just now), the event is stored all the same and the
    // next look for stranded resources gives it its job.
    await this.enqueue(refKey, Number(gen), receivedAt, false);
    return "queued";
  }

  /** Adds the job that reconciles `refKey` at `dueAt`; a no-op when that job exists already. */
  private async enqueue(refKey: string, gen: number, dueAt: number, wake: boolean): Promise<void> {
    const delay = Math.max(0, dueAt - this.now());
    // Jobs for events that are due share the generation's id; retries after a failure get
    // their own, so a retry waiting out its backoff never delays a newer event of the resource.
    const id = jobId(refKey, gen, delay > 0);
    await this.queue.add("reconcile", { refKey }, { jobId: id, delay, removeOnComplete: true, removeOnFail: true });
    if (wake && delay === 0) {
      // The job may be waiting out BUSY_RETRY_MS because it found the resource busy: run it now.
      const job = await this.queue.getJob(id);
      if (job && (await job.isDelayed())) await job.promote().catch(() => {});
    }
  }

  start(reconcile: Reconcile, options: WorkerOptions): void {
    if (this.closed) throw new Error("the inbox is closed");
    if (this.reconcile) throw new Error("the inbox worker is already running");
    checkConcurrency(options.concurrency);
    this.reconcile = reconcile;
    const worker = new Worker<JobData>(QUEUE_NAME, (job, token) => this.process(job, token), {
      connection: { url: this.url, retryStrategy: (times: number) => Math.min(50 * times, 2000), connectionName: "mops-inbox-worker" },
      prefix: this.bullPrefix,
      concurrency: options.concurrency,
      lockDuration: this.leaseMs,
      stalledInterval: this.leaseMs,
      maxStalledCount: this.maxAttempts,
    });
    let lastError = 0;
    worker.on("error", (err: Error) => {
      const now = Date.now();
      if (now - lastError > 10_000) this.log.warn({ err: err.message }, "inbox worker: Redis error; retrying");
      lastError = now;
    });
    worker.on("failed", (job, err) => {
      this.log.warn({ ref: job?.data.refKey, err: err.message }, "inbox worker: a job failed; its events run again once Redis answers");
    });
    this.worker = worker;
    void this.prune();
    void this.repair(this.now());
    this.repairTimer = setInterval(() => void this.repair(this.now() - this.pollIntervalMs), this.pollIntervalMs);
    this.repairTimer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  private process(job: Job<JobData>, token: string | undefined): Promise<void> {
    const work = this.processJob(job, token);
    const tracked = work.then(
      () => {},
      () => {},
    );
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
    return work;
  }

  private async processJob(job: Job<JobData>, token: string | undefined): Promise<void> {
    const { refKey } = job.data;
    const ref = parseRef(refKey);
    if (!ref) {
      this.log.error({ ref: refKey }, "inbox job names no resource; dropped");
      return;
    }
    const runToken = randomUUID();
    const claim = parseClaim(
      await SCRIPTS.claim.run(this.redis, [this.keys, refKey, runToken, this.leaseMs, this.now(), this.maxAttempts, INTERRUPTED]),
    );
    if (claim.kind !== "busy" && claim.deadNow > 0) {
      this.log.error({ ref: refKey, dead: claim.deadNow }, "events whose reconcile was interrupted too often are now dead letters (see `mops-bot inbox list --state dead`)");
    }
    switch (claim.kind) {
      case "busy":
        // Another run holds the resource. Wait, without spending an attempt; BullMQ requires
        // the DelayedError after moving the job itself.
        await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
        throw new DelayedError();
      case "nothing":
        return;
      case "not-due":
        await this.enqueue(refKey, claim.gen, claim.dueAt, false);
        return;
      case "claimed":
        await this.runClaimed(ref, refKey, runToken, claim.events);
    }
  }

  private async runClaimed(ref: NonNullable<ReturnType<typeof parseRef>>, refKey: string, runToken: string, events: ClaimedEvent[]): Promise<void> {
    const eventIds = events.map((e) => e.dedupeKey);
    const logger = this.log.child({ ref: refKey, eventIds });
    const renewal = setInterval(() => {
      SCRIPTS.renew.run(this.redis, [this.keys, refKey, runToken, this.leaseMs]).then(
        (held) => {
          if (Number(held) === 0) logger.error("lost the lock on this resource while reconciling it (the lease ran out); another replica may run it too");
        },
        (err: unknown) => logger.warn({ err: errorText(err) }, "could not renew the lock on this resource; retrying"),
      );
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    renewal.unref();
    this.renewals.add(renewal);
    let failed = false;
    let error: unknown;
    let again: RunAgain | void = undefined;
    try {
      again = await this.reconcile!(ref, { eventIds, logger });
    } catch (e) {
      failed = true;
      error = e;
    } finally {
      clearInterval(renewal);
      this.renewals.delete(renewal);
    }
    if (this.closed) return; // stop() timed out and the inbox is closed: the claim lapses and the events run again
    const now = this.now();
    let tail: [string, string];
    if (!failed && again) {
      // Pending again from that moment, attempts unchanged: waiting is not failing.
      const args: (string | number)[] = [this.keys, refKey, runToken, now, again.why];
      for (const e of events) args.push(e.id, e.attempts, now + Math.max(0, again.inMs));
      const [gen, next] = (await SCRIPTS.fail.run(this.redis, args)) as [string, string, number];
      tail = [gen, next];
      logger.info({ inMs: again.inMs }, again.why);
    } else if (!failed) {
      tail = (await SCRIPTS.finish.run(this.redis, [this.keys, refKey, runToken, now, ...events.map((e) => e.id)])) as [string, string];
      logger.debug({ events: events.length }, "reconciled");
    } else {
      const text = errorText(error);
      const args: (string | number)[] = [this.keys, refKey, runToken, now, text];
      for (const e of events) {
        const attempts = e.attempts + 1;
        const dead = attempts >= this.maxAttempts;
        args.push(e.id, attempts, dead ? -1 : now + backoffDelayMs(this.backoff, attempts));
      }
      const [gen, next, dead] = (await SCRIPTS.fail.run(this.redis, args)) as [string, string, number];
      tail = [gen, next];
      if (Number(dead) > 0) logger.error({ err: error, dead }, "reconcile failed for the last allowed time; the event is now a dead letter (see `mops-bot inbox list --state dead`)");
      else logger.warn({ err: error }, "reconcile failed; it will be retried");
    }
    const [gen, next] = tail.map(Number) as [number, number];
    // Events that came in during the run (or wait for a retry) get their job.
    if (next !== -1) await this.enqueue(refKey, gen, next, true);
  }

  /** Gives a job to resources that have events but none (see the file comment). */
  private async repair(changedBefore: number): Promise<void> {
    if (this.closed || !this.worker) return;
    try {
      const rows = (await SCRIPTS.stranded.run(this.redis, [this.keys, this.now(), changedBefore, STRANDED_BATCH])) as string[];
      for (let i = 0; i < rows.length; i += 3) await this.enqueue(rows[i]!, Number(rows[i + 1]), Number(rows[i + 2]), false);
    } catch (err) {
      this.log.debug({ err: errorText(err) }, "could not look for stranded inbox events; trying again later");
    }
  }

  private async prune(): Promise<void> {
    if (this.closed) return;
    try {
      let pruned = 0;
      for (;;) {
        const n = Number(await SCRIPTS.prune.run(this.redis, [this.keys, this.now() - this.retentionMs, PRUNE_BATCH]));
        pruned += n;
        if (n < PRUNE_BATCH) break;
      }
      if (pruned > 0) this.log.debug({ pruned }, "pruned old dedupe records");
    } catch (err) {
      this.log.debug({ err: errorText(err) }, "could not prune old dedupe records; trying again later");
    }
  }

  async stop({ timeoutMs }: { timeoutMs: number }): Promise<number> {
    if (this.repairTimer) clearInterval(this.repairTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return 0;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    // Take no new jobs, then wait for the running ones up to the timeout.
    await Promise.race([worker.pause(true), timedOut]);
    await Promise.race([Promise.allSettled([...this.running]), timedOut]);
    clearTimeout(timer);
    const unfinished = this.running.size;
    // With work left, do not wait for it: its claim lapses after the lease and another replica
    // (or the next start) runs it again.
    await worker.close(unfinished > 0).catch((err: unknown) => this.log.debug({ err: errorText(err) }, "closing the inbox worker"));
    this.reconcile = undefined;
    return unfinished;
  }

  private async entries(ids: string[]): Promise<InboxEntry[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(`${this.keys}:ev:${id}`);
    const results = (await pipeline.exec()) ?? [];
    const out: InboxEntry[] = [];
    results.forEach(([err, hash], i) => {
      if (err) throw err;
      const entry = toEntry(Number(ids[i]), hash as Record<string, string>);
      if (entry) out.push(entry);
    });
    return out;
  }

  async list(filter: { state?: InboxState; limit?: number } = {}): Promise<InboxEntry[]> {
    const limit = filter.limit ?? 1000;
    const states = filter.state ? [filter.state] : STATES;
    const ids: string[] = [];
    for (const state of states) ids.push(...(await this.redis.zrange(`${this.keys}:state:${state}`, 0, limit - 1)));
    const first = ids
      .map(Number)
      .sort((a, b) => a - b)
      .slice(0, limit)
      .map(String);
    return this.entries(first);
  }

  async retry(target: number | "all-dead"): Promise<number> {
    const out = (await SCRIPTS.retry.run(this.redis, [this.keys, this.now(), String(target)])) as (number | string)[];
    const now = this.now();
    for (let i = 1; i < out.length; i += 2) await this.enqueue(String(out[i]), Number(out[i + 1]), now, true);
    return Number(out[0]);
  }

  async drop(id: number): Promise<boolean> {
    return Number(await SCRIPTS.drop.run(this.redis, [this.keys, id])) === 1;
  }

  async stats(): Promise<InboxStats> {
    const [pending, inFlight, dead] = await Promise.all(
      (["pending", "in_flight", "dead"] as const).map((s) => this.redis.zcard(`${this.keys}:state:${s}`)),
    );
    return { pending: pending!, inFlight: inFlight!, dead: dead! };
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
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("no answer within 2 s")), 2000);
        }),
      ]);
      return [];
    } catch (e) {
      return [`the inbox cannot reach Redis at ${redactRedisUrl(this.url)}: ${errorText(e)}`];
    } finally {
      clearTimeout(timer);
    }
  }

  async claimFirst(key: string, ttlMs: number): Promise<boolean> {
    // The first replica to set the key wins. The key outlives a scheduler's tick (at least an
    // hour), so a replica whose clock lags cannot run the same tick again later.
    return (await this.redis.set(`${this.cronPrefix}:${key}`, this.replicaId, "PX", Math.max(ttlMs, 3_600_000), "NX")) === "OK";
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.repairTimer) clearInterval(this.repairTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const renewal of this.renewals) clearInterval(renewal);
    this.renewals.clear();
    if (this.worker) await this.worker.close(true).catch(() => {});
    this.worker = undefined;
    await this.queue.close().catch(() => {});
    this.redis.disconnect();
  }
}
