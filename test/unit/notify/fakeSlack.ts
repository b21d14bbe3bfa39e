/**
 * A fake Slack incoming-webhook endpoint on loopback (node:http): records every message per
 * channel path and answers with queued statuses (default 200 "ok").
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackDelivery {
  channel: string;
  body: { text?: string; blocks?: unknown[] } & Record<string, unknown>;
}

export interface FakeSlack {
  url(channel: string): string;
  deliveries: SlackDelivery[];
  /** Statuses for the next requests, one per request: `{status, retryAfter?}`. */
  next: { status: number; retryAfter?: number; body?: string }[];
  to(channel: string): SlackDelivery[];
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const fake = { deliveries: [] as SlackDelivery[], next: [] as FakeSlack["next"] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const channel = decodeURIComponent((req.url ?? "/").replace(/^\/hooks\//, ""));
      const planned = fake.next.shift();
      if (planned && planned.status !== 200) {
        res.writeHead(planned.status, { "content-type": "text/plain", ...(planned.retryAfter !== undefined ? { "retry-after": String(planned.retryAfter) } : {}) });
        res.end(planned.body ?? "error");
        return;
      }
      fake.deliveries.push({ channel, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as SlackDelivery["body"] });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ...fake,
    get deliveries() {
      return fake.deliveries;
    },
    get next() {
      return fake.next;
    },
    set next(v) {
      fake.next = v;
    },
    url: (channel) => `http://127.0.0.1:${port}/hooks/${encodeURIComponent(channel)}`,
    to: (channel) => fake.deliveries.filter((d) => d.channel === channel),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
