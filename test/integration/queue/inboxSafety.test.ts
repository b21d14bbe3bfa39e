// An inbox that vanished while the server was stopped, and one whose pages are damaged: neither
// may pass for a healthy, empty inbox.
import { openSync, rmSync, statSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InboxMissingError } from "../../../src/queue/inboxMarker.js";
import { INBOX_FILE, SqliteInbox } from "../../../src/queue/sqliteInbox.js";
import type { InboxEvent } from "../../../src/queue/types.js";
import { loadServeConfig } from "../../../src/config.js";
import { startServe } from "../../../src/server/serve.js";
import { capturingLogger, silentLogger, tempDir } from "../webhook/helpers.js";

const event = (key: string, iid: number): InboxEvent => ({
  dedupeKey: key,
  ref: { kind: "issue", path: "mops/requests", iid },
  kind: "issue",
  receivedAt: new Date(1_700_000_000_000),
});

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir("inbox-safety");
});
afterEach(() => tmp.remove());

async function inboxWithPendingEvents(count: number): Promise<void> {
  const inbox = new SqliteInbox({ dataDir: tmp.dir, logger: silentLogger() });
  for (let i = 0; i < count; i++) expect(await inbox.record(event(`idem:${i}:${"x".repeat(200)}`, i))).toBe("queued");
  await inbox.close();
}

function deleteDatabase(): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(join(tmp.dir, `${INBOX_FILE}${suffix}`), { force: true });
}

const serveConfig = () => loadServeConfig({ GITLAB_URL: "https://gitlab.example.com", GITLAB_TOKEN: "t", GITLAB_WEBHOOK_SECRET: "s", PORT: "0", MOPS_DATA_DIR: tmp.dir });

describe("an inbox deleted while the server was stopped", () => {
  it("stops the next start with an error saying what was lost and how to go on", async () => {
    await inboxWithPendingEvents(13);
    deleteDatabase();
    expect(() => new SqliteInbox({ dataDir: tmp.dir, logger: silentLogger() })).toThrow(InboxMissingError);

    const { logger, lines } = capturingLogger();
    await expect(startServe({ config: serveConfig(), botUsername: "mops-bot", logger, readiness: async () => [], host: "127.0.0.1", reconcile: async () => {} })).rejects.toThrow(
      /inbox .*inbox\.sqlite is missing or empty, but this data directory had one.*--new-inbox/,
    );
    expect(lines()).toMatch(/"level":50.*is missing or empty, but this data directory had one/);
  });

  it("counts an emptied file as missing too", async () => {
    await inboxWithPendingEvents(1);
    deleteDatabase();
    closeSync(openSync(join(tmp.dir, INBOX_FILE), "w"));
    expect(() => new SqliteInbox({ dataDir: tmp.dir, logger: silentLogger() })).toThrow(InboxMissingError);
  });

  it("starts empty when told to with --new-inbox, and from then on as usual", async () => {
    await inboxWithPendingEvents(2);
    deleteDatabase();
    const { logger, lines } = capturingLogger();
    const running = await startServe({ config: serveConfig(), botUsername: "mops-bot", logger, readiness: async () => [], host: "127.0.0.1", reconcile: async () => {}, newInbox: true });
    try {
      expect((await running.inbox.stats()).pending).toBe(0);
      expect(lines()).toContain("started with --new-inbox");
    } finally {
      await running.close();
    }
    const again = new SqliteInbox({ dataDir: tmp.dir, logger: silentLogger() });
    await again.close();
  });

  it("with --new-inbox left on, says nothing of lost events while the inbox is still there", async () => {
    await inboxWithPendingEvents(2);
    const { logger, lines } = capturingLogger();
    const running = await startServe({ config: serveConfig(), botUsername: "mops-bot", logger, readiness: async () => [], host: "127.0.0.1", reconcile: async () => {}, newInbox: true });
    try {
      expect((await running.inbox.stats()).pending).toBe(2);
      expect(lines()).not.toContain("started with --new-inbox");
    } finally {
      await running.close();
    }
  });

  it("is no obstacle in a new data directory", async () => {
    const inbox = new SqliteInbox({ dataDir: join(tmp.dir, "fresh"), logger: silentLogger() });
    expect(await inbox.health()).toEqual([]);
    await inbox.close();
  });
});

describe("a damaged inbox database", () => {
  it("makes /healthz fail, not only /readyz", async () => {
    await inboxWithPendingEvents(200);
    const file = join(tmp.dir, INBOX_FILE);
    const pageSize = 4096;
    expect(statSync(file).size).toBeGreaterThan(6 * pageSize);
    // Overwrite a page in the middle of the events table, as a torn write or a bad sector would.
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, 4 * pageSize);
    closeSync(fd);

    const running = await startServe({ config: serveConfig(), botUsername: "mops-bot", logger: silentLogger(), readiness: async () => [], host: "127.0.0.1", reconcile: async () => {} });
    try {
      const health = await fetch(`http://127.0.0.1:${running.port}/healthz`);
      expect(health.status).toBe(503);
      const body = (await health.json()) as { status: string; problems: string[] };
      expect(body.status).toBe("failing");
      expect(body.problems[0]).toMatch(/the inbox database .*inbox\.sqlite is damaged/);
      expect((await fetch(`http://127.0.0.1:${running.port}/readyz`)).status).toBe(503);
    } finally {
      await running.close();
    }
  });

  it("leaves /healthz ok while the database is sound", async () => {
    await inboxWithPendingEvents(5);
    const running = await startServe({ config: serveConfig(), botUsername: "mops-bot", logger: silentLogger(), readiness: async () => [], host: "127.0.0.1", reconcile: async () => {} });
    try {
      const health = await fetch(`http://127.0.0.1:${running.port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
    } finally {
      await running.close();
    }
  });
});
