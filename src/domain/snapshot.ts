/**
 * What rules see of a GitLab resource: a read-only snapshot that does not mirror GitLab's JSON.
 * The gitlab/ adapter builds these from API responses; tests build them with
 * `test/support/builders.ts`. History (label events, notes) is present only when a rule asked
 * for it, so a rule must check for `undefined` and declare the need (see rules/types.ts).
 */
import { compareNumerically } from "./order.js";

export type ResourceKind = "issue" | "merge_request";
export type RefKind = ResourceKind | "milestone";

export interface ResourceRef {
  kind: RefKind;
  /** Full project path (`group/sub/project`) or, for group milestones, the group path. */
  path: string;
  /** Issue/MR iid, or the milestone id. */
  iid: number;
}

/** `group/project#12`, `group/project!12`, `group/project%12` (GitLab's own reference forms). */
export function formatRef(ref: ResourceRef): string {
  const sigil = ref.kind === "issue" ? "#" : ref.kind === "merge_request" ? "!" : "%";
  return `${ref.path}${sigil}${ref.iid}`;
}

export function parseRef(text: string): ResourceRef | undefined {
  const m = /^(.+?)([#!%])(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const kind: RefKind = m[2] === "#" ? "issue" : m[2] === "!" ? "merge_request" : "milestone";
  return { kind, path: m[1]!, iid: Number(m[3]) };
}

export function refKey(ref: ResourceRef): string {
  return formatRef(ref);
}

export interface UserRef {
  id: number;
  username: string;
  name?: string;
}

/** Where a milestone sits relative to today in the team's time zone. */
export type MilestoneTiming = "current" | "future" | "past" | "undated";

export interface MilestoneInfo {
  id: number;
  iid?: number;
  title: string;
  state: "active" | "closed";
  /** Calendar dates, `YYYY-MM-DD`, as GitLab stores them. */
  startDate: string | null;
  dueDate: string | null;
  timing: MilestoneTiming;
  webUrl?: string;
}

export interface LabelEvent {
  id: number;
  action: "add" | "remove";
  label: string;
  user: UserRef | null;
  createdAt: Date;
}

/** A change of state (GitLab's resource state events): who closed or reopened it, and when. */
export interface StateEvent {
  id: number;
  state: "opened" | "closed" | "reopened" | "merged" | "locked";
  user: UserRef | null;
  createdAt: Date;
}

/** A milestone set on (`add`) or taken off (`remove`) an issue or merge request (GitLab's resource milestone events). */
export interface MilestoneEvent {
  id: number;
  action: "add" | "remove";
  /** The milestone set, or the one removed (older GitLab sends none on a removal). */
  milestone: MilestoneInfo | null;
  user: UserRef | null;
  createdAt: Date;
}

export interface NoteInfo {
  id: number;
  body: string;
  author: UserRef;
  createdAt: Date;
  /** GitLab system notes ("added ~foo label") are not comments people wrote. */
  system: boolean;
  /**
   * Markers (`<!-- mops-bot:KEY -->`) the bot wrote: those in the body of a comment by the bot's own
   * user, and none for anyone else's comment or a system note. Anyone can paste a marker, so these
   * are the only markers that count as the bot's memory.
   */
  botMarkers: string[];
}

export interface ResourceSnapshot {
  ref: ResourceRef;
  kind: ResourceKind;
  /** Global id. */
  id: number;
  iid: number;
  projectId: number;
  projectPath: string;
  /** Roles this project has in `policies/scope.yml` (e.g. `mops`, `sales-systems`). */
  projectRoles: string[];
  title: string;
  description: string;
  state: "opened" | "closed" | "merged" | "locked";
  labels: string[];
  milestone: MilestoneInfo | null;
  assignees: UserRef[];
  author: UserRef;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** Who closed it, when known (GitLab's `closed_by`; the bot in a plan's projected state). */
  closedBy?: UserRef | null;
  /** `YYYY-MM-DD` or null. */
  dueDate: string | null;
  confidential: boolean;
  webUrl: string;
  /** Merge requests only. */
  draft?: boolean;
  mergedAt?: Date | null;
  /** Merge requests only: the branch it merges from, when GitLab sent it. */
  sourceBranch?: string;
  /**
   * Comments people (and the bot) wrote, as GitLab counts them in listings (`user_notes_count`).
   * Zero means no bot note can exist, so notes need not be fetched to check a marker.
   */
  userNotesCount?: number;
  /** Present only when fetched because a rule needed it. */
  labelEvents?: LabelEvent[];
  /** Present only when fetched because a rule needed it. */
  notes?: NoteInfo[];
  /** Present only when fetched because a rule needed it. */
  stateEvents?: StateEvent[];
  /**
   * Only on a state a plan leaves (engine/projection.ts): GitLab's `updated_at` as fetched, before
   * the bot's projected writes moved `updatedAt` to now. Every change a person made is at or before
   * it, so it bounds "touched by a person" on the projection as `updatedAt` does on the fetched state.
   */
  updatedAtAsFetched?: Date;
  /**
   * Only on a state a plan leaves whose label events were not read: the label events the plan's
   * own changes would record (by the bot, now). A label the plan adds is on since now, whatever the
   * unread history says.
   */
  plannedLabelEvents?: LabelEvent[];
}

/** The resource as a listing gives it: without the history read for the rules (nor a plan's projection of it). */
export function withoutHistory(s: ResourceSnapshot): ResourceSnapshot {
  const { labelEvents: _l, notes: _n, stateEvents: _s, updatedAtAsFetched: _u, plannedLabelEvents: _p, ...listed } = s;
  return listed;
}

/** What a rule needs beyond the listed resource, decided per snapshot so history is fetched rarely. */
export interface SnapshotNeeds {
  labelEvents?: boolean;
  notes?: boolean;
  stateEvents?: boolean;
}

/**
 * Classify a milestone by its dates against `today` (`YYYY-MM-DD` in the team's zone).
 * A closed milestone is past whatever its dates say.
 */
export function milestoneTiming(
  m: { state: "active" | "closed"; startDate: string | null; dueDate: string | null },
  today: string,
): MilestoneTiming {
  if (m.state === "closed") return "past";
  if (m.dueDate !== null && m.dueDate < today) return "past";
  if (m.startDate !== null && m.startDate > today) return "future";
  if (m.startDate === null && m.dueDate === null) return "undated";
  return "current";
}

/** Orders resources by reference, numbers as numbers (`g/p#9` before `g/p#10`), so lists and reports compare run to run. */
export const byRef = (a: { ref: string }, b: { ref: string }): number => compareNumerically(a.ref, b.ref);
