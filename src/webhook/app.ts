/**
 * The HTTP edge of `serve`: verify, validate, record in the inbox, answer 202. Nothing here
 * calls GitLab, so a delivery is answered in milliseconds (GitLab gives up after 10 s and
 * disables hooks that keep failing). Order of checks: token (headers only) -> content type ->
 * body size -> signature over the raw bytes -> JSON -> payload shape. Nothing is parsed before
 * the sender is authenticated.
 */
import { createHash } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import type pino from "pino";
import { formatRef } from "../domain/snapshot.js";
import type { Inbox } from "../queue/types.js";
import { eventKindInfo } from "./events.js";
import type { ServeMetrics } from "./metrics.js";
import { classify } from "./payload.js";
import { signingKey, tokenMatches, verifySignature } from "./verify.js";

export interface WebhookAppOptions {
  /** Accepted `X-Gitlab-Token` values (several during a rotation). */
  secrets: readonly string[];
  /** `whsec_…`: when set, every delivery must carry a valid Standard Webhooks signature. */
  signingToken?: string;
  /** Largest body accepted; GitLab payloads can reach 25 MB. */
  bodyLimitBytes?: number;
  inbox: Pick<Inbox, "record">;
  /** Events caused by this GitLab user alone are acknowledged but not queued. */
  botUsername: string;
  logger: pino.Logger;
  metrics: ServeMetrics;
  /** Problems that make the bot unable to work (policies, GitLab, inbox); empty when ready. */
  readiness: () => Promise<string[]>;
  /** Set when running behind a reverse proxy, so logs show the real sender IP (express "trust proxy"). */
  trustProxy?: boolean | string | number;
  /** Epoch milliseconds; injected by tests. */
  now?: () => number;
}

export const WEBHOOK_PATH = "/webhooks/gitlab";
export const DEFAULT_BODY_LIMIT_BYTES = 25 * 1024 * 1024;
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** The media type of a Content-Type header, lower-cased, without parameters. */
function mediaType(header: string | undefined): string | undefined {
  return header?.split(";")[0]?.trim().toLowerCase() || undefined;
}

function isJson(type: string | undefined): boolean {
  return type === "application/json" || (type !== undefined && /^application\/[a-z0-9.+-]+\+json$/.test(type));
}

/** `Idempotency-Key` (same across GitLab's retries and resends), else a hash of what was sent. */
export function dedupeKeyFor(idempotencyKey: string | undefined, eventHeader: string, rawBody: Buffer): string {
  const key = idempotencyKey?.trim();
  if (key && key.length <= MAX_IDEMPOTENCY_KEY_LENGTH) return `idem:${key}`;
  return `sha256:${createHash("sha256").update(eventHeader, "utf8").update("\n").update(rawBody).digest("hex")}`;
}

export function createWebhookApp(options: WebhookAppOptions): express.Express {
  const secrets = options.secrets.filter((s) => s.length > 0);
  const key = options.signingToken ? signingKey(options.signingToken) : undefined;
  if (secrets.length === 0 && !key) {
    throw new Error("the webhook endpoint needs a secret token or a signing token; without one anybody could post events");
  }
  const { logger, metrics, inbox } = options;
  const now = options.now ?? Date.now;
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? false);

  const reject = (req: Request, res: Response, status: number, error: string, problems?: string[]): void => {
    metrics.eventsRejected.inc({ status: String(status) });
    const log = { ip: req.ip, event: req.get("x-gitlab-event"), status, reason: error, problems };
    if (status >= 500) logger.error(log, "webhook delivery not stored");
    else logger.warn(log, "webhook delivery rejected");
    res.status(status).json(problems ? { status: "rejected", error, problems } : { status: "rejected", error });
  };

  const authenticate = (req: Request, res: Response, next: NextFunction): void => {
    if (secrets.length > 0) {
      const token = req.get("x-gitlab-token");
      if (token === undefined) return reject(req, res, 401, "missing X-Gitlab-Token header");
      if (!tokenMatches(secrets, token)) return reject(req, res, 401, "X-Gitlab-Token does not match the configured webhook secret");
    }
    next();
  };

  const requireJson = (req: Request, res: Response, next: NextFunction): void => {
    const type = mediaType(req.get("content-type"));
    if (!isJson(type)) return reject(req, res, 415, `Content-Type must be application/json, got ${type ?? "none"}`);
    next();
  };

  const readRaw = express.raw({ type: () => true, limit, inflate: true });

  const bodyErrors = (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === "entity.too.large") return reject(req, res, 413, `body is larger than the ${limit} byte limit`);
    if (e.type === "encoding.unsupported" || e.type === "charset.unsupported") return reject(req, res, 415, e.message ?? "unsupported encoding");
    if (typeof e.status === "number" && e.status >= 400 && e.status < 500) return reject(req, res, 400, `could not read the body: ${e.message ?? "bad request"}`);
    next(err);
  };

  const receive = async (req: Request, res: Response): Promise<void> => {
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (key) {
      const check = verifySignature(
        key,
        { id: req.get("webhook-id"), timestamp: req.get("webhook-timestamp"), signature: req.get("webhook-signature") },
        raw,
        Math.floor(now() / 1000),
      );
      if (!check.ok) return reject(req, res, 401, check.reason);
    }
    const header = req.get("x-gitlab-event");
    if (!header) return reject(req, res, 400, "missing X-Gitlab-Event header (is this a GitLab webhook?)");
    const info = eventKindInfo(header);
    metrics.eventsReceived.inc({ event: info.slug });

    if (!info.handledAs) {
      const c = classify(info, header, undefined, options.botUsername);
      if (c.outcome === "ignore") {
        metrics.eventsIgnored.inc({ event: info.slug, reason: c.reasonCode });
        res.status(202).json({ status: "ignored", reason: c.reason });
        return;
      }
    }

    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch (e) {
      return reject(req, res, 400, `body is not valid JSON: ${(e as Error).message}`);
    }
    const c = classify(info, header, body, options.botUsername);
    if (c.outcome === "invalid") return reject(req, res, 400, `the ${header} payload does not have the expected shape`, c.problems);
    if (c.outcome === "ignore") {
      metrics.eventsIgnored.inc({ event: info.slug, reason: c.reasonCode });
      logger.debug({ event: header, reason: c.reason }, "webhook delivery ignored");
      res.status(202).json({ status: "ignored", reason: c.reason });
      return;
    }

    const dedupeKey = dedupeKeyFor(req.get("idempotency-key"), header, raw);
    const eventUuid = req.get("x-gitlab-event-uuid");
    let result;
    try {
      result = await inbox.record({ dedupeKey, ref: c.ref, kind: c.kind, receivedAt: new Date(now()), ...(eventUuid ? { eventUuid } : {}) });
    } catch (e) {
      logger.error({ err: e, event: header, ref: formatRef(c.ref) }, "could not store a webhook event in the inbox");
      return reject(req, res, 503, "the event could not be stored; GitLab will report this delivery as failed");
    }
    const ref = formatRef(c.ref);
    if (result === "duplicate") {
      metrics.eventsDeduped.inc({ event: info.slug });
      res.status(202).json({ status: "duplicate", ref });
      return;
    }
    logger.debug({ event: header, ref, dedupeKey, action: c.action }, "webhook event queued");
    res.status(202).json({ status: "queued", ref, event: c.kind });
  };

  app.post(WEBHOOK_PATH, authenticate, requireJson, readRaw, bodyErrors, receive);

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/readyz", async (_req, res) => {
    let problems: string[];
    try {
      problems = await options.readiness();
    } catch (e) {
      problems = [`the readiness check itself failed: ${(e as Error).message}`];
    }
    if (problems.length === 0) res.json({ status: "ready" });
    else res.status(503).json({ status: "not ready", problems });
  });

  app.get("/metrics", async (_req, res) => {
    res.set("Content-Type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.use((req: Request, res: Response) => {
    res.status(404).json({ status: "not found", error: `nothing at ${req.method} ${req.path}; GitLab webhooks go to POST ${WEBHOOK_PATH}` });
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err, path: req.path }, "unexpected error while answering a request");
    if (!res.headersSent) res.status(500).json({ status: "error", error: "internal error; see the mops-bot log" });
  });

  return app;
}
