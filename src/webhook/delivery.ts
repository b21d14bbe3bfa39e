/**
 * `POST /webhooks/gitlab`: verify, validate, record in the inbox, answer 202. Nothing here calls
 * GitLab, so a delivery is answered in milliseconds (GitLab gives up after 10 s and disables
 * hooks that keep failing). Order of checks: token (headers only) -> content type -> body size
 * -> signature over the raw bytes -> JSON -> payload shape. Nothing is parsed before the sender
 * is authenticated.
 *
 * This route is a plain node:http handler rather than an express route: it is the one hot path,
 * and express's per-request routing and request/response decoration cost more than everything
 * below together (see bench/webhook.ts). The other endpoints stay on express.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type pino from "pino";
import { formatRef } from "../domain/snapshot.js";
import type { InboxIntake, RecordResult } from "../queue/types.js";
import { eventKindInfo } from "./events.js";
import type { ServeMetrics } from "./metrics.js";
import { classify } from "./payload.js";
import { secretMatcher, signingKey, verifySignature } from "./verify.js";

export interface DeliveryOptions {
  /** Accepted `X-Gitlab-Token` values (several during a rotation). */
  secrets: readonly string[];
  /** `whsec_…`: when set, every delivery must carry a valid Standard Webhooks signature. */
  signingToken?: string;
  /** Largest body accepted; GitLab payloads can reach 25 MB. */
  bodyLimitBytes?: number;
  inbox: Pick<InboxIntake, "record">;
  /** Events caused by this GitLab user alone are acknowledged but not queued. */
  botUsername: string;
  logger: pino.Logger;
  metrics: ServeMetrics;
  /** Behind a reverse proxy: log the first `X-Forwarded-For` address as the sender. */
  trustProxy?: boolean;
  /** Epoch milliseconds; injected by tests. */
  now?: () => number;
}

export const DEFAULT_BODY_LIMIT_BYTES = 25 * 1024 * 1024;
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** `Idempotency-Key` (same across GitLab's retries and resends), else a hash of what was sent. */
export function dedupeKeyFor(idempotencyKey: string | undefined, eventHeader: string, rawBody: Buffer): string {
  const key = idempotencyKey?.trim();
  if (key && key.length <= MAX_IDEMPOTENCY_KEY_LENGTH) return `idem:${key}`;
  return `sha256:${createHash("sha256").update(eventHeader, "utf8").update("\n").update(rawBody).digest("hex")}`;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
function mediaType(value: string | undefined): string | undefined {
  return value?.split(";")[0]?.trim().toLowerCase() || undefined;
}

function isJson(type: string | undefined): boolean {
  return type === "application/json" || (type !== undefined && /^application\/[a-z0-9.+-]+\+json$/.test(type));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

type BodyResult = { ok: true; raw: Buffer } | { ok: false; status: number; error: string };

/** Reads the whole body, refusing early (by Content-Length) or as soon as it passes `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = header(req, "content-length");
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    return Promise.resolve({ ok: false, status: 413, error: `body is larger than the ${limit} byte limit` });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish({ ok: false, status: 413, error: `body is larger than the ${limit} byte limit` });
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => finish({ ok: true, raw: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) }));
    req.on("error", (e) => finish({ ok: false, status: 400, error: `could not read the body: ${e.message}` }));
    req.on("aborted", () => finish({ ok: false, status: 400, error: "the sender aborted the request" }));
  });
}

export function createDeliveryHandler(options: DeliveryOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const secrets = options.secrets.filter((s) => s.length > 0);
  const key = options.signingToken ? signingKey(options.signingToken) : undefined;
  if (secrets.length === 0 && !key) {
    throw new Error("the webhook endpoint needs a secret token or a signing token; without one anybody could post events");
  }
  const tokenMatches = secretMatcher(secrets);
  const { logger, metrics, inbox } = options;
  const now = options.now ?? Date.now;
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;

  const senderIp = (req: IncomingMessage): string | undefined => {
    const forwarded = options.trustProxy ? header(req, "x-forwarded-for")?.split(",")[0]?.trim() : undefined;
    return forwarded || req.socket.remoteAddress;
  };

  const reject = (req: IncomingMessage, res: ServerResponse, status: number, error: string, problems?: string[]): void => {
    metrics.eventsRejected.inc({ status: String(status) });
    const log = { ip: senderIp(req), event: header(req, "x-gitlab-event"), status, reason: error, problems };
    if (status >= 500) logger.error(log, "webhook delivery not stored");
    else logger.warn(log, "webhook delivery rejected");
    // The rest of an unread body is drained so the connection can be reused.
    if (!req.complete) req.resume();
    send(res, status, problems ? { status: "rejected", error, problems } : { status: "rejected", error });
  };

  return async (req, res) => {
    if (secrets.length > 0) {
      const token = header(req, "x-gitlab-token");
      if (token === undefined) return reject(req, res, 401, "missing X-Gitlab-Token header");
      if (!tokenMatches(token)) return reject(req, res, 401, "X-Gitlab-Token does not match the configured webhook secret");
    }
    const type = mediaType(header(req, "content-type"));
    if (!isJson(type)) return reject(req, res, 415, `Content-Type must be application/json, got ${type ?? "none"}`);
    const encoding = header(req, "content-encoding")?.trim().toLowerCase();
    if (encoding && encoding !== "identity") return reject(req, res, 415, `compressed bodies (Content-Encoding: ${encoding}) are not accepted`);

    const body = await readBody(req, limit);
    if (!body.ok) return reject(req, res, body.status, body.error);
    const raw = body.raw;

    if (key) {
      const check = verifySignature(
        key,
        { id: header(req, "webhook-id"), timestamp: header(req, "webhook-timestamp"), signature: header(req, "webhook-signature") },
        raw,
        Math.floor(now() / 1000),
      );
      if (!check.ok) return reject(req, res, 401, check.reason);
    }
    const event = header(req, "x-gitlab-event");
    if (!event) return reject(req, res, 400, "missing X-Gitlab-Event header (is this a GitLab webhook?)");
    const info = eventKindInfo(event);
    metrics.eventsReceived.inc({ event: info.slug });

    let parsed: unknown;
    if (info.handledAs) {
      try {
        parsed = JSON.parse(raw.toString("utf8"));
      } catch (e) {
        return reject(req, res, 400, `body is not valid JSON: ${(e as Error).message}`);
      }
    }
    // Event kinds the bot does not use are acknowledged without parsing their body.
    const c = classify(info, event, parsed, options.botUsername);
    if (c.outcome === "invalid") return reject(req, res, 400, `the ${event} payload does not have the expected shape`, c.problems);
    if (c.outcome === "ignore") {
      metrics.eventsIgnored.inc({ event: info.slug, reason: c.reasonCode });
      logger.debug({ event, reason: c.reason }, "webhook delivery ignored");
      return send(res, 202, { status: "ignored", reason: c.reason });
    }

    const dedupeKey = dedupeKeyFor(header(req, "idempotency-key"), event, raw);
    const eventUuid = header(req, "x-gitlab-event-uuid");
    const ref = formatRef(c.ref);
    let result: RecordResult;
    try {
      result = await inbox.record({ dedupeKey, ref: c.ref, kind: c.kind, receivedAt: new Date(now()), ...(eventUuid ? { eventUuid } : {}) });
    } catch (e) {
      logger.error({ err: e, event, ref }, "could not store a webhook event in the inbox");
      return reject(req, res, 503, "the event could not be stored; GitLab will report this delivery as failed");
    }
    if (result === "duplicate") {
      metrics.eventsDeduped.inc({ event: info.slug });
      return send(res, 202, { status: "duplicate", ref });
    }
    logger.debug({ event, ref, dedupeKey, action: c.action }, "webhook event queued");
    send(res, 202, { status: "queued", ref, event: c.kind });
  };
}
