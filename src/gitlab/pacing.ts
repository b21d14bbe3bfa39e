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
  /**
   * The low-water mark as a share of `RateLimit-Limit`: once no more than this share of the
   * window's budget is left, every request waits for the window to reset.
   */
  lowWaterFraction: number;
  /**
   * The low-water mark never goes below this many requests (nor below the requests the client
   * may have in flight, which GitLab has not counted yet when it answers).
   */
  pauseAtRemaining: number;
  /** Never wait longer than this for one pause (guards against a nonsensical reset header). */
  maxPauseMs: number;
  /**
   * How long one request may keep being answered 429 before the bot gives up on it. 429s do
   * not use up the request's retries (those are for failures); this bounds them in time instead.
   */
  giveUpAfterMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { lowWaterFraction: 0.05, pauseAtRemaining: 5, maxPauseMs: 65_000, giveUpAfterMs: 15 * 60_000 };

/**
 * One gate for every request of a client, following GitLab's throttle headers. GitLab sends
 * `RateLimit-Limit`, `-Observed`, `-Remaining` and `-Reset` (Unix seconds) on responses of a
 * throttled route, and `Retry-After` (seconds) and `RateLimit-ResetTime` (HTTP date) with a 429
 * (`lib/gitlab/rack_attack/request_throttle_data.rb` and `lib/gitlab/middleware/rack_attack_headers.rb`
 * in gitlabhq; `doc/user/gitlab_com/index.md`).
 *
 * The gate keeps its own count of the window's budget: it takes one for every request it lets
 * through, and a response can only lower the count (responses arrive out of order, and one sent
 * before others were counted reports more than is left). When the budget falls to the low-water
 * mark, or a 429 arrives, the gate closes until the window resets, and every request, not only
 * the one that noticed, waits there.
 */
export class RateLimitGate {
  private blockedUntil = 0;
  private remaining: number | undefined;
  private limit: number | undefined;
  private resetAt: number | undefined;

  /**
   * `inFlight`: how many requests the client may have in flight at once. After a window resets
   * they go out before any answer tells the new budget, so the low-water mark is never below it.
   */
  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: Clock,
    private readonly inFlight = 1,
  ) {}

  /** Record the budget GitLab reported on a response. */
  observe(headers: Headers): void {
    const remaining = wholeNumber(headers.get("ratelimit-remaining"));
    if (remaining === undefined) return;
    const now = this.clock();
    const resetAt = parseRateLimitReset(headers.get("ratelimit-reset"), now);
    this.limit = wholeNumber(headers.get("ratelimit-limit")) ?? this.limit;
    const sameWindow = resetAt !== undefined && this.resetAt !== undefined && Math.abs(resetAt - this.resetAt) < 1000;
    if (sameWindow && this.remaining !== undefined) {
      this.remaining = Math.min(this.remaining, remaining);
    } else if (resetAt === undefined || this.resetAt === undefined || resetAt > this.resetAt || this.remaining === undefined) {
      // A new window (or the first we hear of): its count starts from what GitLab says.
      this.remaining = remaining;
      this.resetAt = resetAt ?? this.resetAt;
    }
    // An older window's late answer says nothing about the current one.
  }

  /** Stop every request until `untilMs` (epoch ms), e.g. after a 429 with `Retry-After`. */
  blockUntil(untilMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs);
  }

  /**
   * 0 when a request may go now (and it is counted against the budget), else how long to wait
   * before asking again, in ms.
   */
  reserve(): number {
    const now = this.clock().getTime();
    if (now < this.blockedUntil) return this.blockedUntil - now;
    if (this.remaining === undefined || this.resetAt === undefined) return 0;
    if (this.resetAt <= now) {
      // The window has reset; the next answer tells the new budget.
      this.remaining = undefined;
      return 0;
    }
    if (this.remaining <= this.lowWater()) {
      this.blockUntil(now + Math.min(this.resetAt - now, this.options.maxPauseMs));
      return this.blockedUntil - now;
    }
    this.remaining -= 1;
    return 0;
  }

  private lowWater(): number {
    const share = this.limit === undefined ? 0 : Math.ceil(this.limit * this.options.lowWaterFraction);
    return Math.max(this.options.pauseAtRemaining, share, this.inFlight);
  }
}

function wholeNumber(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/**
 * The note pace the bot keeps unless told otherwise: 60 a minute, well under GitLab's default note
 * limit of 300 a minute per user (doc/administration/settings/rate_limit_on_notes_creation.md in
 * gitlabhq), which admins may lower; MOPS_NOTES_PER_MINUTE or scope.yml set another.
 */
export const DEFAULT_NOTES_PER_MINUTE = 60;

/**
 * At most `perMinute` events in any sliding 60-second window. GitLab limits note creation per
 * user with its application rate limiter (`notes_create` in `lib/gitlab/application_rate_limiter.rb`,
 * set by the instance's admin), and that limit does not show in the RateLimit headers, so the bot
 * keeps to a pace it is told, halves it on a refusal, and goes back to it after a quiet spell.
 * Callers are served in order.
 */
export class SlidingWindowPacer {
  private readonly times: number[] = [];
  private chain: Promise<void> = Promise.resolve();
  private pace: number;
  private readonly configured: number;
  private slowedAt = Number.NEGATIVE_INFINITY;

  constructor(
    perMinute: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    private readonly windowMs = 60_000,
  ) {
    if (!(perMinute >= 1)) throw new Error(`The note pace must allow at least 1 note a minute (got ${perMinute}).`);
    this.pace = Math.floor(perMinute);
    this.configured = this.pace;
  }

  /** Events allowed per window now. */
  get perMinute(): number {
    return this.pace;
  }

  /**
   * GitLab refused an event for going too fast: the instance allows less than we were told, so
   * halve the pace (never below one a minute). The refused event stays counted as spent, so the
   * next ones wait for the window to move on. `sentAt` (epoch ms): when the refused event was
   * sent; one sent before the last slow-down was sent at the old pace and does not halve it
   * again, so notes refused together halve it once. Returns the pace.
   */
  slowDown(sentAt: number): number {
    if (sentAt <= this.slowedAt) return this.pace;
    this.pace = Math.max(1, Math.floor(this.pace / 2));
    this.slowedAt = this.clock().getTime();
    return this.pace;
  }

  /** Resolves when one more event may happen now; returns the ms waited. */
  acquire(): Promise<number> {
    const turn = this.chain.then(async () => {
      let waited = 0;
      for (;;) {
        const now = this.clock().getTime();
        // Ten windows without a refusal: the slow-down has done its job (a long-running serve
        // would otherwise stay at the lowest pace a burst ever forced).
        if (this.pace < this.configured && now - this.slowedAt >= 10 * this.windowMs) this.pace = this.configured;
        while (this.times.length > 0 && this.times[0]! <= now - this.windowMs) this.times.shift();
        if (this.times.length < this.pace) {
          this.times.push(now);
          return waited;
        }
        const wait = this.times[this.times.length - this.pace]! + this.windowMs - now;
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
