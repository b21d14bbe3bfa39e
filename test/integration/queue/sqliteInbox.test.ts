// What only the embedded inbox does: its journal (acknowledged before SQLite has the event, so it
// must carry events across a crash), its dedupe answers while events wait in the journal, and a
// write-ahead log that stays bounded under a long stream of deliveries.
import Database from "better-sqlite3";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResourceRef } from "../../../src/domain/snapshot.js";
import { eventLine } from "../../../src/queue/eventLines.js";
import { JOURNAL_FILES } from "../../../src/queue/journal.js";
import { INBOX_FILE, SqliteInbox } from "../../../src/queue/sqliteInbox.js";
import type { InboxEvent } from "../../../src/queue/types.js";
import { capturingLogger, silentLogger, tempDir, waitFor } from "../webhook/helpers.js";

const issue = (iid: number): ResourceRef => ({ kind: "issue", path: "mops/requests", iid });
const event = (key: string, iid: number): InboxEvent => ({ dedupeKey: key, ref: issue(iid), kind: "issue", receivedAt: new Date(1_700_000_000_000) });

let tmp: ReturnType<typeof tempDir>;
const opened: SqliteInbox[] = [];
function open(options: Partial<ConstructorParameters<typeof SqliteInbox>[0]> = {}): SqliteInbox {
  const inbox = new SqliteInbox({ dataDir: tmp.dir, logger: silentLogger(), pollIntervalMs: 10, ...options });
  opened.push(inbox);
  return inbox;
}
beforeEach(() => {
  tmp = tempDir("sqlite-inbox");
});
afterEach(async () => {
  for (const inbox of opened.splice(0)) {
    await inbox.stop({ timeoutMs: 100 });
    await inbox.close();
  }
  tmp.remove();
});
const journalText = () => JOURNAL_FILES.map((f) => readFileSync(join(tmp.dir, f), "utf8")).join("");

describe("the SQLite inbox's journal", () => {
  it("imports and reconciles what a crashed process acknowledged, dropping a line the crash cut short", async () => {
    // What a process killed right after its 202s leaves: journaled lines, nothing in SQLite yet.
    const line = (key: string, iid: number) => eventLine({ dedupeKey: key, refKey: `mops/requests#${iid}`, refKind: "issue", refPath: "mops/requests", refIid: iid, kind: "issue", eventUuid: null, receivedAt: 1_700_000_000_000 });
    writeFileSync(join(tmp.dir, JOURNAL_FILES[0]), line("idem:a", 1) + line("idem:b", 1) + line("idem:c", 2) + '["idem:torn","mops/re');
    const { logger, lines } = capturingLogger();
    const inbox = open({ logger });
    const seen: string[] = [];
    inbox.start(async (ref, trace) => {
      seen.push(`${ref.iid}:${trace.eventIds.join(",")}`);
    }, { concurrency: 2 });
    await waitFor(() => seen.length === 2);
    expect(seen.sort()).toEqual(["1:idem:a,idem:b", "2:idem:c"]);
    await waitFor(async () => (await inbox.list({ state: "done" })).length === 3);
    expect(journalText()).toBe("");
    expect(lines()).toContain("cut short by a crash");
    // A redelivery of an imported event is a duplicate.
    expect(await inbox.record(event("idem:a", 1))).toBe("duplicate");
  });

  it("answers duplicate for a redelivery whether the first is still journaled or already in SQLite, also after a restart", async () => {
    const first = open();
    expect(await first.record(event("idem:1", 1))).toBe("queued");
    expect(await first.record(event("idem:1", 1))).toBe("duplicate"); // still journaled
    expect(await first.depth()).toBe(1); // read-your-writes: list/stats import first
    expect(await first.record(event("idem:1", 1))).toBe("duplicate"); // in SQLite now
    await first.close();
    expect(journalText()).toBe("");

    const next = open();
    expect(await next.record(event("idem:1", 1))).toBe("duplicate");
    expect(await next.record(event("idem:2", 1))).toBe("queued");
    expect((await next.list()).map((e) => e.dedupeKey)).toEqual(["idem:1", "idem:2"]);
  });

  it("keeps an event journaled until SQLite has it, so close() loses nothing", async () => {
    const inbox = open();
    const keys = Array.from({ length: 50 }, (_, i) => `idem:${i}`);
    expect(await Promise.all(keys.map((k, i) => inbox.record(event(k, i % 5))))).toEqual(keys.map(() => "queued"));
    expect(journalText()).not.toBe("");
    await inbox.close();
    const again = open();
    expect((await again.list()).map((e) => e.dedupeKey).sort()).toEqual([...keys].sort());
  });

  it("with power-loss durability answers only once SQLite holds the event, without the journal", async () => {
    const inbox = open({ durability: "power-loss" });
    inbox.start(async () => {}, { concurrency: 1 });
    expect(await inbox.record(event("idem:p1", 1))).toBe("queued");
    const other = new Database(join(tmp.dir, INBOX_FILE), { readonly: true });
    expect(other.prepare(`SELECT dedupe_key FROM events`).pluck().all()).toEqual(["idem:p1"]);
    other.close();
    expect(await inbox.record(event("idem:p1", 1))).toBe("duplicate");
    expect(journalText()).toBe("");
    await waitFor(async () => (await inbox.list({ state: "done" })).length === 1);
  });

  it("keeps the write-ahead log bounded during a long stream of deliveries", async () => {
    const inbox = open();
    inbox.start(async () => {}, { concurrency: 4 });
    let largest = 0;
    for (let round = 0; round < 150; round++) {
      await Promise.all(Array.from({ length: 200 }, (_, i) => inbox.record(event(`idem:${round}-${i}`, i % 7))));
      if (round % 10 === 0) largest = Math.max(largest, statSync(join(tmp.dir, `${INBOX_FILE}-wal`), { throwIfNoEntry: false })?.size ?? 0);
    }
    await waitFor(async () => (await inbox.depth()) === 0, 20_000);
    largest = Math.max(largest, statSync(join(tmp.dir, `${INBOX_FILE}-wal`)).size);
    // SQLite checkpoints every 1,000 pages (4 MB); one large import can add a little on top.
    expect(largest).toBeLessThan(16 * 1024 * 1024);
  });
});
