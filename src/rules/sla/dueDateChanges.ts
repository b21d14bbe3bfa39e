/**
 * Who changed an issue's due date, and to what, read from GitLab's system notes. GitLab writes
 * one system note per change, by the user who made it (app/services/system_notes/time_tracking_service.rb,
 * `change_due_date`): "changed due date to September 20, 2018" (Rails' long date format) or
 * "removed due date". Issues have no resource events for due dates, so these notes are the only
 * record of who moved a date.
 */
import type { NoteInfo, UserRef } from "../../domain/snapshot.js";

export interface DueDateChange {
  noteId: number;
  /** `YYYY-MM-DD`, or null when the due date was removed. */
  date: string | null;
  by: UserRef;
  at: Date;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const CHANGED = /^changed due date to ([A-Z][a-z]+) +(\d{1,2}), (\d{4})\s*$/;
const REMOVED = /^removed due date\s*$/;

/** The date a due-date system note sets; undefined when the note is about something else. */
export function dueDateOfNote(body: string): string | null | undefined {
  if (REMOVED.test(body)) return null;
  const m = CHANGED.exec(body);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return undefined;
  return `${m[3]}-${String(month + 1).padStart(2, "0")}-${m[2]!.padStart(2, "0")}`;
}

/** The due-date changes among the notes, oldest first. Only system notes count: anyone can type the words. */
export function dueDateChanges(notes: NoteInfo[]): DueDateChange[] {
  const changes: DueDateChange[] = [];
  for (const n of notes) {
    if (!n.system) continue;
    const date = dueDateOfNote(n.body);
    if (date === undefined) continue;
    changes.push({ noteId: n.id, date, by: n.author, at: n.createdAt });
  }
  return changes.sort((a, b) => a.at.getTime() - b.at.getTime() || a.noteId - b.noteId);
}
