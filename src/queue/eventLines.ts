/**
 * How a recorded event is written as one line: in the journal (./journal.ts), and in the batches
 * the inbox sends the store thread, which imports exactly what the journal holds.
 */
import type { NewEvent } from "./sqliteRows.js";

type Line = [dedupeKey: string, refKey: string, refKind: string, refPath: string, refIid: number, kind: string, eventUuid: string | null, receivedAt: number];

export function eventLine(e: NewEvent): string {
  const line: Line = [e.dedupeKey, e.refKey, e.refKind, e.refPath, e.refIid, e.kind, e.eventUuid, e.receivedAt];
  return `${JSON.stringify(line)}\n`;
}

function isLine(v: unknown): v is Line {
  return (
    Array.isArray(v) &&
    v.length === 8 &&
    typeof v[0] === "string" &&
    typeof v[1] === "string" &&
    typeof v[2] === "string" &&
    typeof v[3] === "string" &&
    typeof v[4] === "number" &&
    typeof v[5] === "string" &&
    (v[6] === null || typeof v[6] === "string") &&
    typeof v[7] === "number"
  );
}

/** Each line's event, or null for a line that is not one (damaged on disk). */
export function parseEventLines(text: string): (NewEvent | null)[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((text) => {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return null;
    }
    if (!isLine(v)) return null;
    const [dedupeKey, refKey, refKind, refPath, refIid, kind, eventUuid, receivedAt] = v;
    return { dedupeKey, refKey, refKind, refPath, refIid, kind, eventUuid, receivedAt };
  });
}
