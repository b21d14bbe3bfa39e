/**
 * Whether a data directory had an inbox before. SQLite creates a missing database file without a
 * word, so an inbox deleted while the server was stopped (a volume not mounted, a cleanup script)
 * used to come back empty and its pending events were lost silently. The first inbox created in a
 * directory leaves this marker beside it; a later start that finds the marker but no database
 * refuses, unless told that a new inbox is wanted (`serve --new-inbox`).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const INBOX_MARKER_FILE = "inbox.created";

export class InboxMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InboxMissingError";
  }
}

/** A database file that is absent or empty holds no inbox (SQLite would start a new one in it). */
export function hasDatabase(file: string): boolean {
  return existsSync(file) && statSync(file).size > 0;
}

/** Throws when `file` is gone although the directory had an inbox and a new one was not asked for. */
export function checkInboxNotLost(dataDir: string, file: string, allowNew: boolean): void {
  const marker = join(dataDir, INBOX_MARKER_FILE);
  if (hasDatabase(file) || !existsSync(marker) || allowNew) return;
  const created = readFileSync(marker, "utf8").trim();
  throw new InboxMissingError(
    `The webhook inbox ${file} is missing or empty, but this data directory had one (${marker}: ${created || "no date"}). ` +
      "Events it held that were not yet processed would be lost. Restore the file (or mount the volume that holds it) and start again; " +
      "or, to begin with an empty inbox, start once with `mops-bot serve --new-inbox` and then run `mops-bot sweep` so that nothing the lost events named is left undone.",
  );
}

/** Records that this directory has an inbox (kept when it exists, so its date is the first one). */
export function markInboxCreated(dataDir: string, now: Date, replaced: boolean): void {
  const marker = join(dataDir, INBOX_MARKER_FILE);
  if (existsSync(marker) && !replaced) return;
  writeFileSync(marker, `${now.toISOString()}${replaced ? " (new inbox started with --new-inbox)" : ""}\n`);
}
