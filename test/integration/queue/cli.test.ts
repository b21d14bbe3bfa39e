// `mops-bot inbox list|retry|drop` against a real inbox (the SQLite file, or Redis with REDIS_URL),
// through commander as the CLI runs it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import type { CliIo } from "../../../src/cliIo.js";
import { eventLine } from "../../../src/queue/eventLines.js";
import { JOURNAL_FILES } from "../../../src/queue/journal.js";
import { type InboxBackend, openInbox } from "../../../src/queue/openInbox.js";
import type { Inbox } from "../../../src/queue/types.js";
import { silentLogger, tempDir, waitFor } from "../webhook/helpers.js";
import { redisForTests } from "./redisServer.js";

const redis = await redisForTests("test/integration/queue/cli.test.ts");
afterAll(() => redis?.stop());

let tmp: ReturnType<typeof tempDir>;

beforeEach(() => {
  tmp = tempDir("inbox-cli");
});
afterEach(() => {
  tmp.remove();
  delete process.env.REDIS_URL;
});

async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = "";
  let err = "";
  const io: CliIo = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`) };
  // Through the entry point, which reads REDIS_URL from the environment as the command line does.
  const code = await main(["node", "mops-bot", ...args, "--data-dir", tmp.dir], io);
  return { out, err, code };
}

/** An inbox with one waiting event (#1 on issue 1) and one dead letter (#2 on issue 2). */
async function seed(): Promise<void> {
  const inbox: Inbox = openInbox({ dataDir: tmp.dir, redisUrl: process.env.REDIS_URL, logger: silentLogger(), maxAttempts: 1, pollIntervalMs: 10 });
  const at = new Date("2026-03-02T09:00:00Z");
  await inbox.record({ dedupeKey: "idem:dead", ref: { kind: "issue", path: "mops/requests", iid: 2 }, kind: "note", receivedAt: at });
  inbox.start(async () => {
    throw new Error("403 Forbidden: the bot cannot edit this project");
  }, { concurrency: 1 });
  await waitFor(async () => (await inbox.stats()).dead === 1, 5000, "the dead letter");
  await inbox.stop({ timeoutMs: 100 });
  await inbox.record({ dedupeKey: "idem:wait", ref: { kind: "issue", path: "mops/requests", iid: 1 }, kind: "issue", receivedAt: at });
  await inbox.close();
}

describe("mops-bot inbox without REDIS_URL", () => {
  it("says when there is no inbox in the directory", async () => {
    const r = await run("inbox", "list");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No inbox in .*MOPS_DATA_DIR/);
  });
});

describe("mops-bot inbox with REDIS_URL", () => {
  it("says when the Redis cannot be reached or the URL is wrong", async () => {
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    const r = await run("inbox", "list");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot reach Redis at redis:\/\/127.0.0.1:1.*Check REDIS_URL/s);
    process.env.REDIS_URL = "http://cache:6379";
    expect((await run("inbox", "list")).err).toContain("must start with redis://");
  });
});

describe.each<InboxBackend>(["sqlite", "redis"])("mops-bot inbox on the %s inbox", (backend) => {
  if (backend === "redis" && !redis) {
    it.skip("needs redis-server, which could not be installed", () => {});
    return;
  }
  beforeEach(async () => {
    if (backend !== "redis") return;
    await redis!.flush();
    process.env.REDIS_URL = redis!.url;
  });

  it("lists waiting and dead entries with their error", async () => {
    await seed();
    const r = await run("inbox", "list");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/#1 +dead +mops\/requests#2 {2}\(note event, received 2026-03-02T09:00:00.000Z\) {2}attempts: 1 {2}last error: 403 Forbidden/);
    expect(r.out).toMatch(/#2 +pending +mops\/requests#1/);
    expect(r.out).toContain("1 pending, 0 running, 1 dead.");
    const dead = await run("inbox", "list", "--state", "dead");
    expect(dead.out).not.toContain("pending  ");
    expect((await run("inbox", "list", "--state", "stuck")).err).toMatch(/--state must be one of pending, in_flight, done, dead/);
  });

  // The journal belongs to the SQLite inbox; Redis has none.
  it.runIf(backend === "sqlite")("counts acknowledged deliveries still in the journal, which are not entries yet", async () => {
    await seed();
    const line = eventLine({ dedupeKey: "idem:j1", refKey: "mops/requests#3", refKind: "issue", refPath: "mops/requests", refIid: 3, kind: "issue", eventUuid: null, receivedAt: 0 });
    writeFileSync(join(tmp.dir, JOURNAL_FILES[1]), line + line.replace("idem:j1", "idem:j2"));
    const r = await run("inbox", "list");
    expect(r.out).toContain("1 pending, 0 running, 1 dead.");
    expect(r.out).toContain("2 acknowledged deliveries are still in the journal; mops-bot serve records them in a moment, or at its next start.");
    // Listing does not take the journal over: the lines are still there for serve.
    expect(readFileSync(join(tmp.dir, JOURNAL_FILES[1]), "utf8").split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("retries one entry or every dead one, and drops an entry", async () => {
    await seed();
    expect((await run("inbox", "retry", "1")).out).toContain("Entry #1 will run again shortly.");
    expect((await run("inbox", "list", "--state", "dead")).out).toContain("No dead entries.");
    expect((await run("inbox", "retry", "--all-dead")).out).toContain("0 dead entries will run again shortly.");
    const missing = await run("inbox", "retry", "99");
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("No entry #99");
    expect((await run("inbox", "retry")).err).toContain("Give either an entry id or --all-dead");
    expect((await run("inbox", "drop", "2")).out).toContain("Entry #2 dropped.");
    expect((await run("inbox", "drop", "2")).code).toBe(1);
    expect((await run("inbox", "drop", "two")).err).toContain('"two" is not an entry id');
  });
});
