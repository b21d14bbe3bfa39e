/**
 * Posting to Slack incoming webhooks (the official @slack/webhook client), in the background:
 * messages wait in a small queue, each is retried with exponential backoff (honouring a 429's
 * Retry-After), and a failure is reported, never thrown at the caller. A dry run prints the
 * message instead of sending it.
 */
import { IncomingWebhook } from "@slack/webhook";
import PQueue from "p-queue";
import type { Logger } from "pino";
import type { SlackMessage } from "../domain/actions.js";
import type { Notifier, PostOptions, SlackPostOutcome } from "./types.js";

export interface SlackRetry {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export interface SlackNotifierOptions {
  /** Channel name -> incoming-webhook URL. */
  webhooks: Record<string, string>;
  dryRun: boolean;
  logger: Logger;
  /** Where a dry run prints messages; default stdout. */
  print?: (line: string) => void;
  retry?: Partial<SlackRetry>;
  /** Messages in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Channels a dry run accepts without a URL (every channel of the policy). */
  dryRunChannels?: readonly string[];
}

const DEFAULT_RETRY: SlackRetry = { attempts: 5, baseMs: 1000, maxMs: 30_000 };

/** Why a send failed, whether trying again can help, and how long Slack asked us to wait. */
function classify(error: unknown): { message: string; retry: boolean; waitMs?: number } {
  const original = (error as { original?: { response?: { status?: number; headers?: Record<string, unknown>; data?: unknown } } }).original;
  const status = original?.response?.status;
  if (status !== undefined) {
    const body = typeof original?.response?.data === "string" ? `: ${original.response.data.slice(0, 100)}` : "";
    const retryAfter = Number(original?.response?.headers?.["retry-after"]);
    return {
      message: `Slack answered ${status}${body}`,
      retry: status === 429 || status >= 500,
      waitMs: status === 429 && Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
    };
  }
  const cause = (error as { original?: { message?: string } }).original?.message ?? (error instanceof Error ? error.message : String(error));
  return { message: `Slack could not be reached (${cause})`, retry: true };
}

export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const queue = new PQueue({ concurrency: options.concurrency ?? 2 });
  const clients = new Map<string, IncomingWebhook>();
  const done: SlackPostOutcome[] = [];
  const log = options.logger.child({ component: "slack" });
  const channels = options.dryRun ? [...new Set([...Object.keys(options.webhooks), ...(options.dryRunChannels ?? [])])] : Object.keys(options.webhooks);

  const client = (channel: string): IncomingWebhook | undefined => {
    const url = options.webhooks[channel];
    if (url === undefined) return undefined;
    let c = clients.get(channel);
    if (c === undefined) {
      c = new IncomingWebhook(url, { timeout: options.timeoutMs ?? 10_000 });
      clients.set(channel, c);
    }
    return c;
  };

  async function send(channel: string, message: SlackMessage, postOptions: PostOptions): Promise<SlackPostOutcome> {
    if (options.dryRun) {
      print(`[dry run] Slack #${channel}: ${message.text}`);
      return { channel, ok: true, dryRun: true, attempts: 0 };
    }
    const c = client(channel);
    let failure: string;
    let attempts = 0;
    if (c === undefined) {
      failure = `no incoming-webhook URL is configured for #${channel}`;
    } else {
      for (;;) {
        attempts++;
        try {
          await c.send({ text: message.text, ...(message.blocks ? { blocks: message.blocks as never } : {}), unfurl_links: false });
          log.info({ channel, attempts }, "posted to Slack");
          return { channel, ok: true, dryRun: false, attempts };
        } catch (error) {
          const why = classify(error);
          failure = why.message;
          if (!why.retry || attempts >= retry.attempts) break;
          const backoff = Math.min(retry.maxMs, retry.baseMs * 2 ** (attempts - 1)) * (0.5 + random() / 2);
          log.warn({ channel, attempts, err: why.message }, "Slack post failed; retrying");
          await sleep(Math.max(backoff, why.waitMs ?? 0));
        }
      }
    }
    log.error({ channel, attempts, err: failure }, "Slack post failed for good");
    try {
      await postOptions.onFailure?.(new Error(failure));
    } catch (error) {
      log.error({ channel, err: error instanceof Error ? error.message : String(error) }, "recording the failed Slack post failed");
    }
    return { channel, ok: false, dryRun: false, attempts, error: failure };
  }

  return {
    dryRun: options.dryRun,
    channels,
    post(channel, message, postOptions = {}) {
      return queue.add(async () => {
        const outcome = await send(channel, message, postOptions);
        done.push(outcome);
        return outcome;
      }) as Promise<SlackPostOutcome>;
    },
    idle: () => queue.onIdle(),
    outcomes: () => done,
  };
}
