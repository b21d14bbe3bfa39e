// The store thread's client: when the thread cannot run, every request fails with a message that
// says so (the inbox answers 503 and /readyz lists it) instead of hanging.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteInbox } from "../../../src/queue/sqliteInbox.js";
import { StoreClient } from "../../../src/queue/sqliteStoreClient.js";
import { silentLogger, tempDir } from "../webhook/helpers.js";

let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp?.remove());

describe("the store thread's client", () => {
  it("fails every request, now and later, with the reason when the thread cannot open the inbox", async () => {
    tmp = tempDir("store-client");
    const gone: Error[] = [];
    const client = new StoreClient(join(tmp.dir, "missing-dir", "inbox.sqlite"), "process-crash", (e) => gone.push(e));
    await expect(client.call("probe", 1)).rejects.toThrow(/the inbox.s store thread failed: Cannot open database because the directory does not exist/);
    await expect(client.call("counts", null)).rejects.toThrow(/store thread failed/);
    expect(gone).toHaveLength(1);
    expect(client.failure()?.message).toMatch(/store thread failed/);
    await client.close();
  });

  it("answers in order and closes cleanly", async () => {
    tmp = tempDir("store-client");
    // The inbox creates and migrates the file; the client then talks to its own thread.
    const inbox = new SqliteInbox({ dataDir: tmp.dir, logger: silentLogger() });
    await inbox.close();
    const client = new StoreClient(join(tmp.dir, "inbox.sqlite"), "process-crash", () => {});
    const [a, b] = await Promise.all([client.call("probe", 1), client.call("counts", null)]);
    expect(a).toBeUndefined();
    expect(b).toEqual([]);
    await client.close();
    await expect(client.call("counts", null)).rejects.toThrow("the inbox is closed");
  });
});
