/**
 * The Prometheus metrics of `serve`, on a registry of their own (no global state). The webhook
 * edge counts deliveries; the worker's figures (depth, dead letters, in flight) are read from the
 * inbox at scrape time; `apiRequests` is for the GitLab client to count its calls by route.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { CONFLICT_KINDS } from "../domain/plan.js";
import type { InboxStats } from "../queue/types.js";
import { allEventSlugs } from "./events.js";

export interface ServeMetrics {
  registry: Registry;
  /** Authenticated deliveries, by event slug (`issue`, `note`, `push`, …). */
  eventsReceived: Counter<"event">;
  /** Acknowledged but not queued, by event slug and reason code. */
  eventsIgnored: Counter<"event" | "reason">;
  /** Deliveries whose dedupe key was already stored. */
  eventsDeduped: Counter<"event">;
  /** Deliveries refused with 4xx/5xx, by status code. */
  eventsRejected: Counter<"status">;
  /** Seconds per reconcile, by outcome (`ok` / `error`). */
  reconcileDuration: Histogram<"outcome">;
  /** GitLab API requests, by `METHOD /route/template` and HTTP status (or `error`). */
  apiRequests: Counter<"route" | "status">;
  /** History cache lookups, by history (`label_events`, `state_events`, `notes`) and outcome (`hit`, `miss`). */
  historyCacheLookups: Counter<"history" | "outcome">;
  /** Plans whose rules disagree (nothing written for what they contest), by kind of conflict. */
  planConflicts: Counter<"kind">;
  /** Makes the queue gauges read this source on every scrape. */
  observeInbox(source: () => Promise<InboxStats>): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): ServeMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "mops_bot_" });

  const eventsReceived = new Counter({
    name: "mops_bot_webhook_events_received_total",
    help: "Authenticated webhook deliveries, by event kind",
    labelNames: ["event"] as const,
    registers: [registry],
  });
  const eventsIgnored = new Counter({
    name: "mops_bot_webhook_events_ignored_total",
    help: "Webhook deliveries acknowledged without queueing, by event kind and reason",
    labelNames: ["event", "reason"] as const,
    registers: [registry],
  });
  const eventsDeduped = new Counter({
    name: "mops_bot_webhook_events_deduplicated_total",
    help: "Webhook deliveries already in the inbox (same Idempotency-Key or same body)",
    labelNames: ["event"] as const,
    registers: [registry],
  });
  const eventsRejected = new Counter({
    name: "mops_bot_webhook_requests_rejected_total",
    help: "Webhook requests refused, by HTTP status",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  for (const event of allEventSlugs()) {
    eventsReceived.inc({ event }, 0);
    eventsDeduped.inc({ event }, 0);
  }
  const reconcileDuration = new Histogram({
    name: "mops_bot_reconcile_duration_seconds",
    help: "Time to reconcile one resource, by outcome",
    labelNames: ["outcome"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const apiRequests = new Counter({
    name: "mops_bot_gitlab_api_requests_total",
    help: "GitLab API requests, by route template and status",
    labelNames: ["route", "status"] as const,
    registers: [registry],
  });

  const historyCacheLookups = new Counter({
    name: "mops_bot_history_cache_lookups_total",
    help: "History reads answered from the cache (hit) or from GitLab (miss), by history",
    labelNames: ["history", "outcome"] as const,
    registers: [registry],
  });
  const planConflicts = new Counter({
    name: "mops_bot_plan_conflicts_total",
    help: "Conflicts between rules in the plans of reconciled resources (nothing is written for what they contest), by kind",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  for (const kind of CONFLICT_KINDS) planConflicts.inc({ kind }, 0);

  let source: (() => Promise<InboxStats>) | undefined;
  const read = async (pick: (s: InboxStats) => number): Promise<number | undefined> => (source ? pick(await source()) : undefined);
  new Gauge({
    name: "mops_bot_queue_depth",
    help: "Events waiting for or in a reconcile",
    registers: [registry],
    async collect() {
      const v = await read((s) => s.pending + s.inFlight);
      if (v !== undefined) this.set(v);
    },
  });
  new Gauge({
    name: "mops_bot_queue_in_flight",
    help: "Events whose reconcile is running",
    registers: [registry],
    async collect() {
      const v = await read((s) => s.inFlight);
      if (v !== undefined) this.set(v);
    },
  });
  new Gauge({
    name: "mops_bot_queue_dead_letters",
    help: "Events that failed every attempt; see `mops-bot inbox list --state dead`",
    registers: [registry],
    async collect() {
      const v = await read((s) => s.dead);
      if (v !== undefined) this.set(v);
    },
  });

  return {
    registry,
    eventsReceived,
    eventsIgnored,
    eventsDeduped,
    eventsRejected,
    reconcileDuration,
    apiRequests,
    historyCacheLookups,
    planConflicts,
    observeInbox(s) {
      source = s;
    },
  };
}
