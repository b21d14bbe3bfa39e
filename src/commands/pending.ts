/**
 * Which commands still need an answer. The bot's reply to a command carries the marker
 * `cmd:<note id>`; a command with a reply has run, even when its comment is edited later, so an
 * edit never runs a command twice. Commands run in the order they were written.
 */
import type { NoteInfo } from "../domain/snapshot.js";
import { type ParsedCommand, parseCommand } from "./parse.js";

export interface CommandNote {
  note: NoteInfo;
  command: ParsedCommand;
}

/** The marker of the reply to the comment with this id. */
export function replyMarker(noteId: number): string {
  return `cmd:${noteId}`;
}

export function pendingCommands(notes: NoteInfo[], botUsername: string): CommandNote[] {
  const bot = botUsername.toLowerCase();
  const answered = new Set(notes.flatMap((n) => n.botMarkers));
  const out: CommandNote[] = [];
  for (const note of [...notes].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id)) {
    if (note.system || note.author.username.toLowerCase() === bot || answered.has(replyMarker(note.id))) continue;
    const command = parseCommand(note.body, botUsername);
    if (command) out.push({ note, command });
  }
  return out;
}
