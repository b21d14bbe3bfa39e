/**
 * The HTTP side of `serve`. `POST /webhooks/gitlab` goes straight to the delivery handler
 * (./delivery.ts, a plain node:http handler because it is the hot path); health, readiness and
 * metrics are served by express.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import { redactUrlCredentials } from "../redact.js";
import { createDeliveryHandler, type DeliveryOptions } from "./delivery.js";

export { DEFAULT_BODY_LIMIT_BYTES, dedupeKeyFor } from "./delivery.js";

export interface WebhookAppOptions extends DeliveryOptions {
  /** Problems that make the bot unable to work (policies, GitLab, inbox); empty when ready. */
  readiness: () => Promise<string[]>;
  /** Damage a restart will not cure (a corrupt inbox); /healthz fails while there is any. */
  damage?: () => Promise<string[]>;
}

export const WEBHOOK_PATH = "/webhooks/gitlab";

/** A request listener for `http.createServer` (and supertest). */
export function createWebhookApp(options: WebhookAppOptions): RequestListener {
  const { logger, metrics } = options;
  const deliver = createDeliveryHandler(options);

  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", async (_req, res) => {
    const problems = options.damage ? await options.damage().catch((e: unknown) => [`the health check itself failed: ${(e as Error).message}`]) : [];
    if (problems.length === 0) res.json({ status: "ok" });
    else res.status(503).json({ status: "failing", problems: problems.map(redactUrlCredentials) });
  });

  app.get("/readyz", async (_req, res) => {
    let problems: string[];
    try {
      problems = await options.readiness();
    } catch (e) {
      problems = [`the readiness check itself failed: ${(e as Error).message}`];
    }
    // /readyz is unauthenticated: a problem quoting a URL must not carry the credentials in it.
    if (problems.length === 0) res.json({ status: "ready" });
    else res.status(503).json({ status: "not ready", problems: problems.map(redactUrlCredentials) });
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

  const isDelivery = (req: IncomingMessage): boolean => {
    if (req.method !== "POST" || !req.url) return false;
    const q = req.url.indexOf("?");
    const path = q < 0 ? req.url : req.url.slice(0, q);
    return path === WEBHOOK_PATH || path === `${WEBHOOK_PATH}/`;
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    if (!isDelivery(req)) {
      app(req, res);
      return;
    }
    deliver(req, res).catch((err: unknown) => {
      logger.error({ err }, "unexpected error while handling a webhook delivery");
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ status: "error", error: "internal error; see the mops-bot log" }));
      }
    });
  };
}
