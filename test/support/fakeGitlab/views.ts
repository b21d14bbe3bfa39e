/**
 * What tests read back from the fake: plain views of issues, merge requests, notes, label events,
 * milestones and labels with names instead of ids, so assertions read like the GitLab UI.
 */
import { isDraftTitle } from "./mutations.js";
import type { Store } from "./store.js";
import type { IssuableKind, IssuableRecord, IssuableState, LabelRecord, MilestoneRecord } from "./types.js";

export interface NoteView {
  id: number;
  body: string;
  author: string;
  system: boolean;
  internal: boolean;
  createdAt: string;
}

export interface LabelEventView {
  id: number;
  action: "add" | "remove";
  label: string | null;
  user: string | null;
  createdAt: string;
}

export interface IssuableView {
  kind: IssuableKind;
  id: number;
  iid: number;
  project: string;
  /** `group/project#12` or `group/project!12`. */
  ref: string;
  title: string;
  description: string | null;
  state: IssuableState;
  labels: string[];
  milestone: string | null;
  assignees: string[];
  author: string;
  dueDate: string | null;
  confidential: boolean;
  draft: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  notes: NoteView[];
  labelEvents: LabelEventView[];
}

export interface MilestoneView {
  id: number;
  iid: number;
  /** Group full path or project path. */
  owner: string;
  title: string;
  description: string;
  state: "active" | "closed";
  startDate: string | null;
  dueDate: string | null;
}

export interface LabelView {
  id: number;
  name: string;
  color: string;
  description: string | null;
  owner: string;
}

export function issuableView(store: Store, record: IssuableRecord): IssuableView {
  const project = store.projects.get(record.project_id)!.path_with_namespace;
  const username = (id: number | null) => (id === null ? null : (store.users.get(id)?.username ?? null));
  return {
    kind: record.kind,
    id: record.id,
    iid: record.iid,
    project,
    ref: `${project}${record.kind === "issue" ? "#" : "!"}${record.iid}`,
    title: record.title,
    description: record.description,
    state: record.state,
    labels: store.labelNames(record),
    milestone: record.milestone_id === null ? null : (store.milestones.get(record.milestone_id)?.title ?? null),
    assignees: record.assignee_ids.map((id) => username(id)).filter((u): u is string => u !== null),
    author: username(record.author_id) ?? "",
    dueDate: record.due_date,
    confidential: record.confidential,
    draft: record.kind === "merge_request" && isDraftTitle(record.title),
    createdAt: record.created_at,
    updatedAt: record.updated_at,
    closedAt: record.closed_at,
    notes: store.notesOf(record).map((n) => ({
      id: n.id,
      body: n.body,
      author: username(n.author_id) ?? "",
      system: n.system,
      internal: n.internal,
      createdAt: n.created_at,
    })),
    labelEvents: store.labelEventsOf(record).map((e) => ({
      id: e.id,
      action: e.action,
      label: store.labels.get(e.label_id)?.name ?? null,
      user: username(e.user_id),
      createdAt: e.created_at,
    })),
  };
}

export function ownerPath(store: Store, owner: "group" | "project", id: number): string {
  return owner === "group" ? (store.groups.get(id)?.full_path ?? "") : (store.projects.get(id)?.path_with_namespace ?? "");
}

export function milestoneView(store: Store, m: MilestoneRecord): MilestoneView {
  return {
    id: m.id,
    iid: m.iid,
    owner: ownerPath(store, m.owner, m.owner_id),
    title: m.title,
    description: m.description,
    state: m.state,
    startDate: m.start_date,
    dueDate: m.due_date,
  };
}

export function labelView(store: Store, l: LabelRecord): LabelView {
  return { id: l.id, name: l.name, color: l.color, description: l.description, owner: ownerPath(store, l.owner, l.owner_id) };
}
