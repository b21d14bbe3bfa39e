/**
 * Finding the resource a path names, or the 404 GitLab answers (`404 Project Not Found`, ...).
 */
import { HttpError } from "../params.js";
import type { Store } from "../store.js";
import type { GroupRecord, IssuableKind, IssuableRecord, ProjectRecord } from "../types.js";

export function notFound(what: string): HttpError {
  return new HttpError(404, { message: `404 ${what} Not Found` });
}

export function projectOr404(store: Store, id: string | undefined): ProjectRecord {
  const project = id === undefined ? undefined : store.findProject(id);
  if (!project) throw notFound("Project");
  return project;
}

export function groupOr404(store: Store, id: string | undefined): GroupRecord {
  const group = id === undefined ? undefined : store.findGroup(id);
  if (!group) throw notFound("Group");
  return group;
}

export function kindName(kind: IssuableKind): string {
  return kind === "issue" ? "Issue" : "Merge Request";
}

export function issuableOr404(store: Store, kind: IssuableKind, project: ProjectRecord, iid: string | undefined): IssuableRecord {
  const record = iid !== undefined && /^\d+$/.test(iid) ? store.issuable(kind, project.id, Number(iid)) : undefined;
  if (!record) throw notFound(kindName(kind));
  return record;
}

/** `issues` / `merge_requests` path segment -> kind. */
export const KIND_SEGMENTS: Array<[string, IssuableKind]> = [
  ["issues", "issue"],
  ["merge_requests", "merge_request"],
];
