/**
 * The one place HTTP requests to GitLab are made. It is a gitbeaker requester (built with
 * `createRequesterFn`), so it also serves gitbeaker's resource classes
 * (`new Gitlab({ host, token, requesterFn: requester.requesterFn })`), and adds what the bot
 * relies on: one rate-limit gate shared by all its requests (`RateLimit-*` headers and 429s, see
 * pacing.ts), jittered backoff on 5xx and network errors, pacing of note creation, bounded
 * concurrency, per-route request counts, a trace id on every request, and errors a MOps reader
 * can act on with no token in them.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  createRequesterFn,
  type FormattedResponse,
  type RequesterType,
  type ResourceOptions,
  type ResponseBodyTypes,
} from "@gitbeaker/requester-utils";
import PQueue from "p-queue";
import type { Logger } from "pino";
import type { RequestStats } from "../engine/platform.js";
import { GitLabApiError, GitLabNetworkError, RefusedWriteError, UncertainWriteError, gitlabMessageOf, redactSecrets, type RequestDescription } from "./errors.js";
import { gitlabLogger } from "./logger.js";
import {
  backoffDelay,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RETRY,
  DEFAULT_NOTES_PER_MINUTE,
  parseRateLimitReset,
  parseRetryAfter,
  RateLimitGate,
  realSleep,
  SlidingWindowPacer,
  type Clock,
  type RateLimitOptions,
  type RetryPolicy,
  type Sleep,
} from "./pacing.js";
import { endpointPath, routeTemplate } from "./routes.js";

// ---------------------------------------------------------------------------------------------
// Tracing: an event id set around a piece of work (the webhook events one reconcile answers) is
// attached to every request made inside it, and to the adapter's log lines about them as `eventId`.

const traceStore = new AsyncLocalStorage<{ traceId: string }>();

/** Run `fn` so that every GitLab request it makes carries `traceId` (header and log lines). */
export function withTrace<T>(traceId: string, fn: () => T): T {
  return traceStore.run({ traceId }, fn);
}

export function currentTraceId(): string | undefined {
  return traceStore.getStore()?.traceId;
}

/** `logger` for the work in progress: inside withTrace, a child whose lines carry the event id. */
export function eventLogger(logger: Logger): Logger {
  const eventId = currentTraceId();
  return eventId === undefined ? logger : logger.child({ eventId });
}

/**
 * Header carrying the trace id. GitLab takes it as the request's correlation id only where its
 * Workhorse runs with `propagateCorrelationID` (off by default: `workhorse/main.go` in gitlabhq);
 * otherwise GitLab makes its own, which the debug line of each request logs as `gitlabRequestId`.
 */
export const TRACE_HEADER = "x-request-id";

// ---------------------------------------------------------------------------------------------

export interface GitLabRequestStats extends RequestStats {
  /** Responses by HTTP status, plus `network-error` for requests that got no response. */
  byStatus: Record<string, number>;
  /** Time spent waiting for rate limits and note pacing, in ms (not backoff). */
  pausedMs: number;
}

export interface GitLabRequesterOptions {
  /** GitLab's base URL, e.g. `https://gitlab.com`. */
  url: string;
  token: string;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  rateLimit?: Partial<RateLimitOptions>;
  /** Note creations allowed per minute (default GitLab.com's 60); a 429 on one halves it. */
  notesPerMinute?: number;
  /** Time allowed for one attempt, in ms (default 30 s). */
  timeoutMs?: number;
  clock?: Clock;
  sleep?: Sleep;
  /** Source of jitter, [0, 1). */
  random?: () => number;
  logger?: Logger;
  /** Told of every attempt's outcome (`GET /projects/:id/issues`, `200` or `network-error`), e.g. for /metrics. */
  onResponse?: (route: string, status: string) => void;
  /**
   * Send only GET requests: any other is refused before it leaves, with an error naming this
   * reader (e.g. `mops-bot plan`). For commands that must not change GitLab whatever a job does.
   */
  readOnlyFor?: string;
}

type Outcome =
  | { kind: "response"; status: number; headers: Headers; body: unknown; ok: boolean; sentAt: number }
  | { kind: "network"; reason: string; aborted: boolean; error: unknown };

const NOTE_CREATE_RE = /\/notes$/;
/**
 * POSTs that create a note, an issue, a branch, a merge request or a milestone. Sent twice they make
 * two (or fail on the first), so a 5xx or a lost answer is not retried here: the caller looks for
 * what it wrote first (gitlab/checkedPost.ts).
 */
const CREATE_RE = /\/(notes|issues|repository\/branches|merge_requests|milestones)$/;

function isNoteCreation(request: RequestDescription): boolean {
  return request.method === "POST" && NOTE_CREATE_RE.test(request.route);
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = (cause as { code?: unknown } | undefined)?.code ?? (error as Error & { code?: unknown }).code;
    const causeMessage = cause instanceof Error ? cause.message : undefined;
    if (error.name === "TimeoutError") return "the request timed out";
    return [error.message, causeMessage, typeof code === "string" ? `(${code})` : undefined].filter(Boolean).join(": ");
  }
  if (error !== null && typeof error === "object") {
    const e = error as { message?: unknown; code?: unknown };
    return [e.message, e.code].filter((x) => typeof x === "string").join(" ") || "unknown network error";
  }
  return String(error);
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text();
  if (text === "") return null;
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
  if (type === "application/json" || type.endsWith("+json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export class GitLabRequester {
  /** For gitbeaker resource classes: `new Gitlab({ host, token, requesterFn })`. */
  readonly requesterFn: (serviceOptions: ResourceOptions) => RequesterType;
  /** A requester bound to this instance's URL and token; endpoints are relative to `/api/v4/`. */
  readonly api: RequesterType;
  readonly host: string;

  private readonly retry: RetryPolicy;
  private readonly rateLimit: RateLimitOptions;
  private readonly queue: PQueue;
  private readonly gate: RateLimitGate;
  private readonly notePacer: SlidingWindowPacer;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly secrets: string[];
  private readonly log: Logger;
  private readonly onResponse: ((route: string, status: string) => void) | undefined;
  private readonly readOnlyFor: string | undefined;
  private readonly counters: GitLabRequestStats = { total: 0, byRoute: {}, retries: 0, byStatus: {}, pausedMs: 0 };

  constructor(options: GitLabRequesterOptions) {
    if (!/^https?:\/\//.test(options.url)) {
      throw new Error(`The GitLab URL must start with https:// (got "${options.url}").`);
    }
    if (options.token.trim() === "") throw new Error("No GitLab token was given: set one in the bot's configuration.");
    this.host = options.url.replace(/\/+$/, "").replace(/\/api\/v4$/, "");
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    if (this.retry.attempts < 1) throw new Error(`retry.attempts must be at least 1 (got ${this.retry.attempts}).`);
    this.clock = options.clock ?? (() => new Date());
    this.onResponse = options.onResponse;
    this.readOnlyFor = options.readOnlyFor;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const concurrency = options.concurrency ?? 4;
    this.queue = new PQueue({ concurrency });
    this.rateLimit = { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
    this.gate = new RateLimitGate(this.rateLimit, this.clock, concurrency);
    this.notePacer = new SlidingWindowPacer(options.notesPerMinute ?? DEFAULT_NOTES_PER_MINUTE, this.clock, this.sleep);
    this.secrets = [options.token];
    this.log = gitlabLogger(options.logger);

    this.requesterFn = createRequesterFn(
      (_service, requestOptions) => Promise.resolve(requestOptions),
      (endpoint, requestOptions) => this.handle(endpoint, requestOptions ?? {}),
    );
    const token = options.token;
    this.api = this.requesterFn({
      headers: { "user-agent": "mops-bot" },
      authHeaders: { "private-token": () => Promise.resolve(token) },
      url: `${this.host}/api/v4`,
      rateLimits: {},
    });
  }

  stats(): GitLabRequestStats {
    return {
      total: this.counters.total,
      byRoute: { ...this.counters.byRoute },
      retries: this.counters.retries,
      byStatus: { ...this.counters.byStatus },
      pausedMs: this.counters.pausedMs,
    };
  }

  /** Notes this client may create a minute now (lower than configured after a note was refused). */
  notePace(): number {
    return this.notePacer.perMinute;
  }

  private redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  private count(record: Record<string, number>, key: string): void {
    record[key] = (record[key] ?? 0) + 1;
  }

  private async handle(endpoint: string, options: Record<string, unknown>): Promise<FormattedResponse<ResponseBodyTypes>> {
    const method = String(options.method ?? "GET").toUpperCase();
    if (this.readOnlyFor !== undefined && method !== "GET") {
      throw new RefusedWriteError(`${this.readOnlyFor} only reads GitLab; a job tried to send ${method}. Nothing was written.`);
    }
    const prefix = String(options.prefixUrl ?? `${this.host}/api/v4`);
    const url = new URL(endpoint.replace(/^\/+/, ""), prefix.endsWith("/") ? prefix : `${prefix}/`);
    url.search = typeof options.searchParams === "string" ? options.searchParams : "";
    const traceId = currentTraceId();
    const request: RequestDescription = { method, route: routeTemplate(url.pathname), endpoint: endpointPath(url.pathname), traceId };
    const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
    if (traceId !== undefined) headers[TRACE_HEADER] = traceId;
    const init: RequestInit = { method, headers };
    if (options.body !== undefined) init.body = options.body as string | FormData;
    const callerSignal = options.signal instanceof AbortSignal ? options.signal : undefined;

    const createsNote = isNoteCreation(request);
    if (createsNote) this.counters.pausedMs += await this.notePacer.acquire();

    // POSTs that create something are not resent blindly after a 5xx or a lost answer: GitLab may
    // have made it; the caller looks for it first (gitlab/checkedPost.ts).
    const creates = method === "POST" && CREATE_RE.test(request.route);
    // `attempt` counts the tries that failed (5xx, no answer) plus the current one: 429s do not use
    // up the retries, they are bounded in time instead.
    let attempt = 1;
    let firstThrottledAt: number | undefined;
    let throttled = 0;
    for (;;) {
      const outcome = await this.queue.add(() => this.attempt(url, init, request, callerSignal));
      const last = attempt >= this.retry.attempts;

      if (outcome.kind === "network") {
        if (outcome.aborted) throw outcome.error;
        if (creates) {
          throw new UncertainWriteError(new GitLabNetworkError({ request, host: this.host, reason: this.redact(outcome.reason), attempts: attempt }), this.pauseBeforeResend);
        }
        if (last) {
          throw new GitLabNetworkError({ request, host: this.host, reason: this.redact(outcome.reason), attempts: attempt });
        }
        const delay = backoffDelay(attempt - 1, this.retry, this.random);
        this.noteRetry(request, attempt, `network error: ${this.redact(outcome.reason)}`, delay);
        await this.sleep(delay);
        attempt += 1;
        continue;
      }

      if (outcome.ok) {
        return { body: outcome.body as ResponseBodyTypes, headers: Object.fromEntries(outcome.headers.entries()), status: outcome.status };
      }

      if (outcome.status === 429) {
        const now = this.clock().getTime();
        firstThrottledAt ??= now;
        throttled += 1;
        if (now - firstThrottledAt >= this.rateLimit.giveUpAfterMs) {
          throw this.apiError(outcome, request, attempt, { throttledForMs: now - firstThrottledAt });
        }
        if (createsNote) {
          this.counters.pausedMs += await this.afterNoteThrottled(outcome.headers, request, outcome.sentAt);
        } else {
          // attempt() has already closed the gate; the retry waits there with every other request.
          this.noteRetry(request, throttled, "429 Too Many Requests", 0);
        }
        continue;
      }

      if (outcome.status < 500 || last) throw this.apiError(outcome, request, attempt);
      if (creates) throw new UncertainWriteError(this.apiError(outcome, request, attempt), this.pauseBeforeResend);

      const delay = backoffDelay(attempt - 1, this.retry, this.random);
      this.noteRetry(request, attempt, `status ${outcome.status}`, delay);
      await this.sleep(delay);
      attempt += 1;
    }
  }

  private apiError(
    outcome: Extract<Outcome, { kind: "response" }>,
    request: RequestDescription,
    attempts: number,
    extra: { throttledForMs?: number } = {},
  ): GitLabApiError {
    return new GitLabApiError({
      status: outcome.status,
      request,
      gitlabMessage: this.redact(gitlabMessageOf(outcome.body)),
      gitlabRequestId: outcome.headers.get("x-request-id") ?? undefined,
      attempts,
      ...extra,
    });
  }

  /**
   * A 429 on note creation: GitLab's note limit (application rate limiter) is lower than our
   * pace, so slow the pace down, then wait for a turn at the new pace. A note 429 from that
   * limiter carries no `Retry-After` (`lib/api/helpers/rate_limiter.rb` in gitlabhq), and it
   * says nothing about other requests; one that does carry it has closed the shared gate too.
   * `sentAt`: when the refused note went out; notes sent before the last slow-down were sent
   * at the old pace, so their refusals do not slow it again.
   */
  private async afterNoteThrottled(headers: Headers, request: RequestDescription, sentAt: number): Promise<number> {
    const pace = this.notePacer.slowDown(sentAt);
    this.counters.retries += 1;
    this.log.warn(
      { route: `${request.method} ${request.route}`, notesPerMinute: pace, eventId: request.traceId, retryAfter: headers.get("retry-after") ?? undefined },
      `GitLab refused a note for going too fast; notes are now paced at ${pace} a minute`,
    );
    return this.notePacer.acquire();
  }

  /** The backoff a caller waits before sending again a write whose outcome was unknown. */
  private readonly pauseBeforeResend = (attempt: number): Promise<void> => {
    this.counters.retries += 1;
    return this.sleep(backoffDelay(attempt - 1, this.retry, this.random));
  };

  private noteRetry(request: RequestDescription, attempt: number, why: string, delayMs: number): void {
    this.counters.retries += 1;
    this.log.warn(
      { route: `${request.method} ${request.route}`, attempt, delayMs, eventId: request.traceId },
      `GitLab request will be retried after ${why}`,
    );
  }

  /**
   * After a 429, close the shared gate for as long as GitLab asks: `Retry-After` first, else
   * until `RateLimit-Reset`. Done before the queue slot is released, so no request queued behind
   * this one slips out before the pause is known. A 429 with neither (GitLab's application rate
   * limiter for one endpoint) closes the gate for a backoff only; the retry is not counted.
   */
  private closeGateAfter429(headers: Headers, request: RequestDescription): void {
    const now = this.clock();
    const wait =
      parseRetryAfter(headers.get("retry-after"), now) ??
      (parseRateLimitReset(headers.get("ratelimit-reset"), now) ?? now.getTime()) - now.getTime();
    if (wait > 0) {
      this.gate.blockUntil(now.getTime() + Math.min(wait, this.rateLimit.maxPauseMs));
    } else if (headers.get("retry-after") === null && !isNoteCreation(request)) {
      this.gate.blockUntil(now.getTime() + backoffDelay(0, this.retry, this.random));
    }
  }

  /** One HTTP exchange, run inside the concurrency queue after any rate-limit pause. */
  private async attempt(
    url: URL,
    init: RequestInit,
    request: RequestDescription,
    callerSignal: AbortSignal | undefined,
  ): Promise<Outcome> {
    // Ask again after every pause: another request's 429 may have closed the gate meanwhile.
    for (let pause = this.gate.reserve(); pause > 0; pause = this.gate.reserve()) {
      this.counters.pausedMs += pause;
      this.log.info({ route: `${request.method} ${request.route}`, pauseMs: pause, eventId: request.traceId }, "Pausing for GitLab's rate limit");
      await this.sleep(pause);
    }
    this.counters.total += 1;
    this.count(this.counters.byRoute, `${request.method} ${request.route}`);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = callerSignal === undefined ? timeout : AbortSignal.any([callerSignal, timeout]);
    const started = this.clock().getTime();
    try {
      const response = await fetch(url, { ...init, signal });
      const body = await readBody(response);
      this.gate.observe(response.headers);
      this.count(this.counters.byStatus, String(response.status));
      this.onResponse?.(`${request.method} ${request.route}`, String(response.status));
      if (response.status === 429) this.closeGateAfter429(response.headers, request);
      this.log.debug(
        {
          route: `${request.method} ${request.route}`,
          status: response.status,
          ms: this.clock().getTime() - started,
          eventId: request.traceId,
          gitlabRequestId: response.headers.get("x-request-id") ?? undefined,
        },
        "GitLab request",
      );
      return { kind: "response", status: response.status, headers: response.headers, body, ok: response.ok, sentAt: started };
    } catch (error) {
      this.count(this.counters.byStatus, "network-error");
      this.onResponse?.(`${request.method} ${request.route}`, "network-error");
      return { kind: "network", reason: describeNetworkError(error), aborted: callerSignal?.aborted === true, error };
    }
  }
}

export function createGitLabRequester(options: GitLabRequesterOptions): GitLabRequester {
  return new GitLabRequester(options);
}
