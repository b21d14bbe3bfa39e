/**
 * "Ensure" a note by its hidden marker: find the bot's own note carrying the marker, create it when
 * missing, edit it when its text changed, otherwise do nothing. Shared by the platform (notes on
 * resources in scope) and the merge request commenter (the plan comment on a policy change).
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import { markerComment, markersIn } from "../domain/markers.js";
import type { UserRef } from "../domain/snapshot.js";
import { neutraliseQuickActions } from "../domain/text.js";
import { postChecked } from "./checkedPost.js";
import { mapNote, type BotIdentity } from "./mapping.js";
import { allRows } from "./paging.js";
import { sameStoredText } from "./storedText.js";
import { planned, resourceEndpoint, type PlannedRequest } from "./writes.js";

export interface EnsureNoteResult {
  action: "created" | "updated" | "unchanged";
  /** The note's id; absent when a note would be created in dry-run. */
  noteId?: number;
  dryRun: boolean;
  request?: PlannedRequest;
}

export interface NoteTarget {
  projectPath: string;
  kind: "issue" | "merge_request";
  iid: number;
}

export interface MarkedNoteWriter {
  api: RequesterType;
  /** The bot's own user: only its notes count, so a person quoting the marker cannot stop it. */
  me: () => Promise<UserRef>;
  dryRun: boolean;
  /** Sends a write (never called in dry-run). */
  send: (request: PlannedRequest) => Promise<unknown>;
}

function notesEndpointOf(target: NoteTarget): string {
  return `${resourceEndpoint(target.projectPath, target.kind, target.iid)}/notes`;
}

/**
 * The bot's note on `target` carrying every one of `markers`, as GitLab sent it; undefined when
 * there is none. How a note whose creation got no answer is found before it is posted again.
 */
export async function findMarkedNote(api: RequesterType, target: NoteTarget, bot: BotIdentity, markers: readonly string[]): Promise<unknown> {
  if (markers.length === 0) return undefined;
  const rows = await allRows(api, notesEndpointOf(target), { sort: "asc", order_by: "created_at" });
  return rows.find((row) => {
    const note = mapNote(row, bot);
    return markers.every((m) => note.botMarkers.includes(m));
  });
}

export async function ensureMarkedNote(writer: MarkedNoteWriter, target: NoteTarget, marker: string, body: string): Promise<EnsureNoteResult> {
  // Neutralised here as planned() would, so an unchanged note compares equal to what GitLab stores.
  const text = neutraliseQuickActions(markersIn(body).includes(marker) ? body : `${body.trimEnd()}\n\n${markerComment(marker)}`);
  const notesEndpoint = notesEndpointOf(target);
  const me = await writer.me();
  const found = await findMarkedNote(writer.api, target, me, [marker]);
  const existing = found === undefined ? undefined : mapNote(found, me);
  if (existing === undefined) {
    const request = planned("POST", notesEndpoint, { body: text });
    if (writer.dryRun) return { action: "created", dryRun: true, request };
    const created = mapNote(await postChecked(() => writer.send(request), () => findMarkedNote(writer.api, target, me, [marker])), me);
    return { action: "created", noteId: created.id, dryRun: false, request };
  }
  if (sameStoredText(existing.body, text)) return { action: "unchanged", noteId: existing.id, dryRun: writer.dryRun };
  const request = planned("PUT", `${notesEndpoint}/${existing.id}`, { body: text });
  if (!writer.dryRun) await writer.send(request);
  return { action: "updated", noteId: existing.id, dryRun: writer.dryRun, request };
}
