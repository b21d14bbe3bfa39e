/**
 * The fake GitLab's HTTP side on node:http: authentication (PRIVATE-TOKEN or Bearer), simulated
 * latency, injected faults (429 with Retry-After, 502, 500, a POST carried out but answered 504),
 * RateLimit-* headers with optional enforcement, routing, and a log of every request for tests to
 * count and inspect.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Webhooks } from "./hooks.js";
import { Mutations } from "./mutations.js";
import { HttpError, parseBody, parseSearch, type Params } from "./params.js";
import { Presenter } from "./present.js";
import { Router, type Reply } from "./router.js";
import { registerCore } from "./routes/core.js";
import { registerIssuables } from "./routes/issuables.js";
import { registerLabels } from "./routes/labels.js";
import { registerMilestones } from "./routes/milestones.js";
import { registerNotes } from "./routes/notes.js";
import { registerMilestoneEvents } from "./routes/milestoneEvents.js";
import { registerStateEvents } from "./routes/stateEvents.js";
import { Seeder } from "./seed.js";
import { Store } from "./store.js";
import type { CreatedLabel, FakeGitlabOptions, Faults, QuickActionRecord, RequestRecord, UserRecord, WebhookDelivery } from "./types.js";

const API_PREFIX = "/api/v4";

interface RateWindow {
  start: number;
  count: number;
}

export class FakeGitlab extends Seeder {
  /** Base URL of the instance, e.g. `http://127.0.0.1:41234`. */
  url = "";
  /** `url` + `/api/v4`. */
  apiUrl = "";
  readonly token: string;
  readonly bot: UserRecord;
  /** Runtime-changeable fault injection. */
  faults: Faults = {};
  /**
   * Route templates this GitLab does not have, like an older version (`resource_state_events`
   * came in GitLab 13.2): answered as any unknown API route, `404 {"error":"404 Not Found"}`.
   */
  readonly absentRoutes = new Set<string>();
  readonly requests: RequestRecord[] = [];
  /** Unexpected exceptions inside the fake (answered 500); a test should expect none. */
  readonly errors: Error[] = [];
  private latencyMs: number;
  private readonly server: Server;
  private readonly router = new Router();
  private readonly hooks: Webhooks;
  private readonly rateWindows = new Map<number, RateWindow>();
  private readonly clock: () => Date;
  private readonly random: () => number;

  constructor(private readonly options: FakeGitlabOptions) {
    const clock = options.now ?? (() => new Date());
    const store = new Store(clock);
    const mutations = new Mutations(store, { scopedLabelsExclusive: options.scopedLabelsExclusive ?? false });
    super(store, mutations);
    if (!options.token) throw new Error("startFakeGitlab needs a token: the bot's PRIVATE-TOKEN.");
    this.clock = clock;
    this.random = options.random ?? Math.random;
    this.token = options.token;
    this.latencyMs = options.latencyMs ?? 0;
    this.bot = this.addUser({ username: options.botUsername ?? "mops-bot", name: "MOps Bot", token: options.token, bot: true });
    const present = new Presenter(store, () => this.url);
    this.hooks = new Webhooks(store, () => this.url, options.gitlabVersion ?? "18.6.0");
    if (options.webhookUrl) this.hooks.target = { url: options.webhookUrl, token: options.webhookToken };
    mutations.onChange((event) => this.hooks.handle(event));
    const deps = { store, mutations, present, perPageMax: options.perPageMax ?? 100 };
    registerCore(this.router, deps);
    registerIssuables(this.router, deps);
    registerNotes(this.router, deps);
    registerMilestones(this.router, deps);
    registerLabels(this.router, deps);
    registerStateEvents(this.router, deps);
    registerMilestoneEvents(this.router, deps);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.errors.push(error instanceof Error ? error : new Error(String(error)));
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "500 Internal Server Error" }));
      });
    });
    // Clients keeping connections alive must not hold close() up.
    this.server.keepAliveTimeout = 1000;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.url}${API_PREFIX}`;
  }

  /** Stops the server after pending webhook deliveries finish. */
  async close(): Promise<void> {
    await this.hooks.settled();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  // ---- observation ---------------------------------------------------------------------------

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Request counts by `METHOD /route/template`. */
  countsByRoute(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.requests) counts[r.route] = (counts[r.route] ?? 0) + 1;
    return counts;
  }

  /** Requests that are not GET (the bot's writes, and anyone else's). */
  writes(): RequestRecord[] {
    return this.requests.filter((r) => r.method !== "GET");
  }

  /** Forgets requests, created labels, quick actions and deliveries seen so far (state stays). */
  resetCounters(): void {
    this.requests.length = 0;
    this.mutations.createdLabels.length = 0;
    this.mutations.quickActionsExecuted.length = 0;
    this.hooks.deliveries.length = 0;
    this.hooks.failures = 0;
    this.rateWindows.clear();
  }

  /** Labels GitLab created because an update named a label that did not exist. */
  get createdLabels(): CreatedLabel[] {
    return this.mutations.createdLabels;
  }

  get quickActionsExecuted(): QuickActionRecord[] {
    return this.mutations.quickActionsExecuted;
  }

  get webhookDeliveries(): WebhookDelivery[] {
    return this.hooks.deliveries;
  }

  get webhookFailures(): number {
    return this.hooks.failures;
  }

  /** Points webhooks somewhere else (or nowhere with `undefined`). */
  setWebhook(url: string | undefined, token?: string): void {
    this.hooks.target = url ? { url, token } : undefined;
  }

  /** Resolves when every webhook delivery started so far has finished. */
  webhooksSettled(): Promise<void> {
    return this.hooks.settled();
  }

  // ---- request handling ----------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await readBody(req);
    const record: RequestRecord = { method, route: `${method} <unmatched>`, path: url.pathname + url.search, status: 0 };
    this.requests.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
      const type = typeof body === "string" ? "text/plain; charset=utf-8" : "application/json";
      res.writeHead(status, body === undefined ? headers : { "content-type": type, ...headers });
      res.end(text);
    };

    const rawPath = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : undefined;
    const match = rawPath === undefined ? undefined : this.router.match(method, rawPath);
    if (match) record.route = `${method} ${match.route.template}`;

    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const fault = this.nextFault();
    if (fault === 502) return send(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", { "content-type": "text/html" });
    if (fault === 500) return send(500, { message: "500 Internal Server Error" });

    const user = this.authenticate(req, url);
    if (!user) return send(401, { message: "401 Unauthorized" });
    record.user = user.username;
    const limit = this.rateLimit(user);
    if (fault === 429 || limit.exceeded) {
      const retryAfter = fault === 429 ? (this.faults.retryAfterSeconds ?? 1) : limit.retryAfter;
      return send(429, "Retry later\n", { ...limit.throttled, "retry-after": String(retryAfter) });
    }

    if (match && this.absentRoutes.has(match.route.template)) return send(404, { error: "404 Not Found" }, limit.headers);
    if (!match) {
      const known = rawPath !== undefined && this.router.hasPath(rawPath);
      return send(known ? 405 : 404, known ? { error: "405 Not Allowed" } : { error: "404 Not Found" }, limit.headers);
    }
    let reply: Reply;
    try {
      const params: Params = parseSearch(url.searchParams);
      if (method !== "GET") parseBody(req.headers["content-type"], raw, params);
      reply = match.route.handler({ params, path: match.path, user, url, route: record.route });
    } catch (error) {
      if (error instanceof HttpError) return send(error.status, error.body, limit.headers);
      throw error;
    }
    const status = reply.status ?? 200;
    if (method === "POST" && status < 300 && this.loseAnswer()) {
      // The write stands; only its answer is lost, as behind a proxy that timed out.
      return send(504, "<html><body><h1>504 Gateway Time-out</h1></body></html>", { "content-type": "text/html" });
    }
    send(status, reply.body, { ...limit.headers, ...(reply.headers ?? {}) });
  }

  /** Whether the answer to a POST that was just carried out is lost (faults.nextLostPosts, rateLostPost). */
  private loseAnswer(): boolean {
    if ((this.faults.nextLostPosts ?? 0) > 0) {
      this.faults.nextLostPosts! -= 1;
      return true;
    }
    return this.faults.rateLostPost !== undefined && this.random() < this.faults.rateLostPost;
  }

  private authenticate(req: IncomingMessage, url: URL): UserRecord | undefined {
    const header = req.headers["private-token"];
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const token = (Array.isArray(header) ? header[0] : header) ?? bearer ?? url.searchParams.get("private_token") ?? undefined;
    return token === undefined ? undefined : this.store.usersByToken.get(token);
  }

  private nextFault(): 429 | 502 | 500 | undefined {
    const queued = this.faults.next?.shift();
    if (queued !== undefined) return queued;
    if (this.faults.rate429 && this.random() < this.faults.rate429) return 429;
    if (this.faults.rate502 && this.random() < this.faults.rate502) return 502;
    return undefined;
  }

  /**
   * A fixed one-minute window per user, as GitLab's authenticated API throttle counts. Every
   * answer carries RateLimit-Name/-Limit/-Observed/-Remaining/-Reset (Reset in Unix seconds), and
   * a 429 adds Retry-After (seconds to the window's end) and RateLimit-ResetTime (HTTP date):
   * `lib/gitlab/rack_attack/request_throttle_data.rb` (common_response_headers,
   * throttled_response_headers) and `lib/gitlab/middleware/rack_attack_headers.rb` (headers on
   * unthrottled answers) in gitlabhq.
   */
  private rateLimit(user: UserRecord): { headers: Record<string, string>; throttled: Record<string, string>; exceeded: boolean; retryAfter: number } {
    const setting = this.options.rateLimit;
    const perMinute = typeof setting === "number" ? setting : (setting?.perMinute ?? 2000);
    const enforce = typeof setting === "object" && setting.enforce === true;
    const clock = (typeof setting === "object" ? setting.clock : undefined) ?? this.clock;
    const now = clock().getTime();
    const start = Math.floor(now / 60_000) * 60_000;
    let window = this.rateWindows.get(user.id);
    if (!window || window.start !== start) this.rateWindows.set(user.id, (window = { start, count: 0 }));
    window.count++;
    const reset = start + 60_000;
    const retryAfter = Math.max(Math.ceil((reset - now) / 1000), 1);
    const headers = {
      "ratelimit-name": "throttle_authenticated_api",
      "ratelimit-limit": String(perMinute),
      "ratelimit-observed": String(window.count),
      "ratelimit-remaining": String(Math.max(perMinute - window.count, 0)),
      "ratelimit-reset": String(Math.floor(reset / 1000)),
    };
    const throttled = { ...headers, "retry-after": String(retryAfter), "ratelimit-resettime": new Date(reset).toUTCString() };
    return { headers, throttled, exceeded: enforce && window.count > perMinute, retryAfter };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Starts a fake GitLab on 127.0.0.1 at a random port. */
export async function startFakeGitlab(options: FakeGitlabOptions): Promise<FakeGitlab> {
  const fake = new FakeGitlab(options);
  await fake.listen();
  return fake;
}
