// A journal write the disk cuts short (disk full) fails that batch (its deliveries are answered
// 503), and must not leave half a line for the next, acknowledged batch to be glued to.
import * as fs from "node:fs";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { eventLine, parseEventLines } from "../../../src/queue/eventLines.js";
import { Journal, JOURNAL_FILES } from "../../../src/queue/journal.js";
import type { NewEvent } from "../../../src/queue/sqliteRows.js";

const real = vi.hoisted(() => ({ writeSync: undefined as unknown as typeof fs.writeSync }));
vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  real.writeSync = actual.writeSync;
  return { ...actual, writeSync: vi.fn(actual.writeSync) };
});

let dir: string | undefined;
afterEach(() => {
  vi.mocked(fs.writeSync).mockReset().mockImplementation(real.writeSync);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const event = (n: number): NewEvent => ({ dedupeKey: `idem:${n}`, refKey: `mops/requests#${n}`, refKind: "issue", refPath: "mops/requests", refIid: n, kind: "issue", eventUuid: null, receivedAt: n });

it("a batch the disk cut short leaves no part of itself, and the next batch reads back whole", () => {
  dir = mkdtempSync(join(tmpdir(), "mops-journal-full-"));
  const journal = new Journal(dir);
  journal.append(eventLine(event(1)));
  // As the kernel does it: a short write of what still fit, then ENOSPC on the rest.
  const write = real.writeSync as (fd: number, data: Buffer, offset: number, length: number) => number;
  vi.mocked(fs.writeSync)
    .mockImplementationOnce(((fd: number, data: Buffer, offset: number) => write(fd, data, offset, 10)) as unknown as typeof fs.writeSync)
    .mockImplementationOnce(() => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    });
  expect(() => journal.append(eventLine(event(2)))).toThrow(/ENOSPC/);
  journal.append(eventLine(event(3)));
  journal.close();
  const text = JOURNAL_FILES.map((f) => readFileSync(join(dir!, f), "utf8")).join("");
  expect(parseEventLines(text)).toEqual([event(1), event(3)]);
});
