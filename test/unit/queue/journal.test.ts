// The inbox journal: what is appended stays until it is imported, survives a restart, and a line
// cut short by a crash is dropped rather than misread.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { eventLine, parseEventLines } from "../../../src/queue/eventLines.js";
import { Journal, JOURNAL_FILES } from "../../../src/queue/journal.js";
import type { NewEvent } from "../../../src/queue/sqliteRows.js";

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), "mops-journal-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function event(n: number): NewEvent {
  return { dedupeKey: `idem:${n}`, refKey: `mops/requests#${n}`, refKind: "issue", refPath: "mops/requests", refIid: n, kind: "issue", eventUuid: n % 2 ? `uuid-${n}` : null, receivedAt: 1_700_000_000_000 + n };
}
const sizes = (d: string) => JOURNAL_FILES.map((f) => statSync(join(d, f)).size);

describe("event lines", () => {
  it("round-trip every field, and mark a damaged line instead of guessing", () => {
    const text = eventLine(event(1)) + eventLine(event(2)) + '["idem:3","x"]\n' + "not json\n";
    expect(parseEventLines(text)).toEqual([event(1), event(2), null, null]);
  });
});

describe("the journal", () => {
  it("keeps appended batches until they are imported, then empties the file", () => {
    const d = dir();
    const j = new Journal(d);
    const a = j.append(eventLine(event(1)));
    const b = j.append(eventLine(event(2)));
    expect(sizes(d)[0]).toBeGreaterThan(0);
    j.imported([a]);
    expect(sizes(d)[0]).toBeGreaterThan(0); // b is still needed
    j.imported([b]);
    expect(sizes(d)).toEqual([0, 0]);
    j.close();
    expect(new Journal(d).takeLeftovers()).toEqual([]);
  });

  it("gives what a previous process left to the next one, dropping a torn last line", () => {
    const d = dir();
    const first = new Journal(d);
    first.append(eventLine(event(1)) + eventLine(event(2)));
    first.close(); // a crash: nothing was imported
    writeFileSync(join(d, JOURNAL_FILES[0]), readFileSync(join(d, JOURNAL_FILES[0]), "utf8") + '["idem:3","mops/req', { flag: "w" });

    const next = new Journal(d);
    const [left, ...more] = next.takeLeftovers();
    expect(more).toEqual([]);
    expect(parseEventLines(left!.text)).toEqual([event(1), event(2)]);
    expect(left!.tornBytes).toBe(Buffer.byteLength('["idem:3","mops/req'));
    // New batches go on while the leftovers are imported; nothing is lost by emptying early.
    const c = next.append(eventLine(event(4)));
    next.imported([left!.seq]);
    expect(parseEventLines(readFileSync(join(d, JOURNAL_FILES[0]), "utf8") + readFileSync(join(d, JOURNAL_FILES[1]), "utf8"))).toContainEqual(event(4));
    next.imported([c]);
    expect(sizes(d)).toEqual([0, 0]);
    next.close();
    expect(new Journal(d).takeLeftovers()).toEqual([]);
  });

  it("moves to the other file once one is large, and empties the first when its batches are imported", () => {
    const d = dir();
    const j = new Journal(d);
    const big = eventLine(event(1)).repeat(Math.ceil((1024 * 1024) / eventLine(event(1)).length));
    const a = j.append(big);
    const b = j.append(eventLine(event(2)));
    const [s0, s1] = sizes(d);
    expect(s0).toBeGreaterThanOrEqual(1024 * 1024);
    expect(s1).toBe(eventLine(event(2)).length);
    j.imported([a]);
    expect(sizes(d)).toEqual([0, s1]);
    j.imported([b]);
    expect(sizes(d)).toEqual([0, 0]);
    j.close();
    expect(JOURNAL_FILES.every((f) => existsSync(join(d, f)))).toBe(true);
  });
});
