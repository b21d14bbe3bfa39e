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

/**
 * @param botNames every name a command may address the bot by (scope.yml's `bot_username` and the
 *   token user's username, see rules/types.ts `botMentionNamesOf`); the bot's own notes are skipped.
 */
export function pendingCommands(notes: NoteInfo[], botNames: string | readonly string[]): CommandNote[] {
  const names = typeof botNames === "string" ? [botNames] : botNames;
  const bots = new Set(names.map((n) => n.toLowerCase()));
  const answered = new Set(notes.flatMap((n) => n.botMarkers));
  const out: CommandNote[] = [];
  for (const note of [...notes].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id)) {
    if (note.system || bots.has(note.author.username.toLowerCase()) || answered.has(replyMarker(note.id))) continue;
    const command = names.map((name) => parseCommand(note.body, name)).find((c) => c !== null);
    if (command) out.push({ note, command });
  }
  return out;
}
