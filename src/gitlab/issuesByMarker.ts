/**
 * Finding the issues the bot created, by the hidden marker in their description
 * (`<!-- mops-bot:KEY -->`). This is how scheduled jobs (tool audits, digests, SLA and triage
 * summaries) know that an issue for a period already exists, also after a run that stopped
 * half-way: the issue itself is the record, never a local file.
 *
 * Cost: one listing of one project, narrowed on the server by labels (and optionally GitLab's
 * search in the description and a creation date), with the marker verified locally. Only issues
 * whose author is the bot's own user count, so a person who copies a marker into an issue of their
 * own does not stop the bot.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import { descriptionMarkersIn } from "../domain/markers.js";
import type { ResourceSnapshot, UserRef } from "../domain/snapshot.js";
import { mapResource, type ProjectContext } from "./mapping.js";
import { pagesOf } from "./paging.js";
import { projectEndpoint } from "./writes.js";

export interface MarkedIssueQuery {
  /** The project (with its scope.yml roles) whose issues are searched. */
  project: ProjectContext;
  /** Server-side label filter (all must be present). Narrow with a label the bot always sets. */
  labels?: string[];
  /** GitLab's text search in the description (e.g. the marker key's stable prefix); optional. */
  search?: string;
  /** `all` by default: a closed audit issue still counts as the period's issue. */
  state?: "opened" | "closed" | "all";
  /** Only issues created at or after this instant (keeps the listing short). */
  createdAfter?: Date;
}

export interface MarkedIssueReader {
  api: RequesterType;
  /** The bot's own user (its issues are the only ones that count). */
  me: () => Promise<UserRef>;
  /** Today's date in the team's zone, for the snapshots' milestone timing. */
  today: string;
}

/**
 * Issues of the project carrying a marker accepted by `accept`, grouped by marker. Each list is in
 * creation order (lowest iid first), so `[0]` is the original and the rest are duplicates.
 */
export async function findIssuesByMarker(
  reader: MarkedIssueReader,
  query: MarkedIssueQuery,
  accept: (marker: string) => boolean = () => true,
): Promise<Map<string, ResourceSnapshot[]>> {
  const params: Record<string, unknown> = { state: query.state ?? "all", order_by: "created_at", sort: "asc" };
  if (query.labels && query.labels.length > 0) params.labels = query.labels.join(",");
  if (query.search) {
    params.search = query.search;
    params.in = "description";
  }
  if (query.createdAfter) params.created_after = query.createdAfter.toISOString();
  const me = await reader.me();
  const found = new Map<string, ResourceSnapshot[]>();
  for await (const page of pagesOf(reader.api, `${projectEndpoint(query.project.path)}/issues`, params)) {
    for (const row of page) {
      const description = (row as { description?: unknown }).description;
      const authorId = (row as { author?: { id?: unknown } }).author?.id;
      if (typeof description !== "string" || authorId !== me.id) continue;
      const markers = descriptionMarkersIn(description).filter(accept);
      if (markers.length === 0) continue;
      const snapshot = mapResource("issue", row, query.project, reader.today);
      for (const marker of new Set(markers)) {
        const list = found.get(marker) ?? [];
        list.push(snapshot);
        found.set(marker, list);
      }
    }
  }
  for (const list of found.values()) list.sort((a, b) => a.iid - b.iid);
  return found;
}
