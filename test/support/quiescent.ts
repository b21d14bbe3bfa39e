import type { FakeGitlab } from "./fakeGitlab/index.js";

/**
 * Until every webhook (a person's and those of the bot's own writes) has been delivered and
 * reconciled, including those waiting for the settle time, and no new one came: what an
 * end-to-end test through `serve` waits for before it looks at the board.
 */
export async function quiescent(fake: FakeGitlab, inbox: { depth(): Promise<number> }, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let seen = -1;
  for (;;) {
    await fake.webhooksSettled();
    while ((await inbox.depth()) > 0) {
      if (Date.now() > end) throw new Error("timed out waiting for the inbox to drain");
      await new Promise((r) => setTimeout(r, 10));
    }
    await fake.webhooksSettled();
    const delivered = fake.webhookDeliveries.length;
    if (delivered === seen) return;
    seen = delivered;
  }
}
