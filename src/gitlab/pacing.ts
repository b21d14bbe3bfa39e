/**
 * How fast the bot talks to GitLab: retry delays, `Retry-After`, the `RateLimit-*` budget and the
 * note-creation limit. Time comes from an injected clock and sleep, so tests never wait.
 */

export type Sleep = (ms: number) => Promise<void>;
export type Clock = () => Date;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export interface RetryPolicy {
  /** Total attempts per request, the first included. */
  attempts: number;
  /** Backoff before the first retry, in ms; doubled each time. */
  baseMs: number;
  /** Upper bound of one backoff delay, in ms. */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 500, maxMs: 30_000 };

/**
 * "Full jitter" exponential backoff: a random delay between half and all of `base * 2^retry`
 * (capped), so that concurrent requests that failed together do not retry together.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** `Retry-After` as milliseconds to wait: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/**
 * `RateLimit-Reset` as an absolute time in ms. GitLab sends Unix seconds; the IETF draft sends
 * seconds from now. Values small enough to be a delta are read as one.
 */
export function parseRateLimitReset(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n > 1_000_000_000 ? n * 1000 : now.getTime() + n * 1000;
}

export interface RateLimitOptions {
  /** At or below this many remaining requests, wait for the window to reset. */
  pauseAtRemaining: number;
  /** Below this fraction of the limit, spread the remaining requests over the rest of the window. */
  slowBelowFraction: number;
  /** Never wait longer than this for one pause (guards against a nonsensical reset header). */
  maxPauseMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { pauseAtRemaining: 5, slowBelowFraction: 0.1, maxPauseMs: 65_000 };

/**
 * Follows GitLab's `RateLimit-Remaining/-Limit/-Reset` headers and `Retry-After` answers, and
 * tells each request how long to wait before it goes out. One gate is shared by all requests
 * of a client, so a 429 on one request pauses the others too.
 */
export class RateLimitGate {
  private blockedUntil = 0;
  private remaining: number | undefined;
  private limit: number | undefined;
  private resetAt: number | undefined;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: Clock,
  ) {}

  /** Record the budget GitLab reported on a response. */
  observe(headers: Headers): void {
    const remaining = headers.get("ratelimit-remaining");
    if (remaining === null || !/^\d+$/.test(remaining.trim())) return;
    this.remaining = Number(remaining.trim());
    const limit = headers.get("ratelimit-limit");
    this.limit = limit !== null && /^\d+$/.test(limit.trim()) ? Number(limit.trim()) : this.limit;
    this.resetAt = parseRateLimitReset(headers.get("ratelimit-reset"), this.clock()) ?? this.resetAt;
  }

  /** Stop every request until `untilMs` (epoch ms), e.g. after a 429 with `Retry-After`. */
  blockUntil(untilMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs);
  }

  /** How long the next request must wait, in ms; counts the request against the known budget. */
  delayForNext(): number {
    const now = this.clock().getTime();
    if (now < this.blockedUntil) return this.blockedUntil - now;
    if (this.remaining === undefined || this.resetAt === undefined || this.resetAt <= now) return 0;
    const untilReset = Math.min(this.resetAt - now, this.options.maxPauseMs);
    const remaining = this.remaining;
    this.remaining = Math.max(0, remaining - 1);
    if (remaining <= this.options.pauseAtRemaining) {
      // The window is nearly spent: wait for it to reset, and let the next response re-arm us.
      this.remaining = undefined;
      return untilReset;
    }
    if (this.limit !== undefined && remaining < this.limit * this.options.slowBelowFraction) {
      return Math.round(untilReset / remaining);
    }
    return 0;
  }
}

/**
 * At most `perMinute` events in any sliding 60-second window (GitLab.com allows 60 note
 * creations a minute per user, and that limit does not show in the RateLimit headers).
 * Callers are served in order.
 */
export class SlidingWindowPacer {
  private readonly times: number[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    private readonly windowMs = 60_000,
  ) {
    if (!(perMinute >= 1)) throw new Error(`The note pace must allow at least 1 note a minute (got ${perMinute}).`);
  }

  /** Resolves when one more event may happen now; returns the ms waited. */
  acquire(): Promise<number> {
    const turn = this.chain.then(async () => {
      let waited = 0;
      for (;;) {
        const now = this.clock().getTime();
        while (this.times.length > 0 && this.times[0]! <= now - this.windowMs) this.times.shift();
        if (this.times.length < this.perMinute) {
          this.times.push(now);
          return waited;
        }
        const wait = this.times[0]! + this.windowMs - now;
        waited += wait;
        await this.sleep(wait);
      }
    });
    this.chain = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }
}
