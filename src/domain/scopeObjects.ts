/**
 * The GitLab objects, beyond one issue or merge request, that the bot reads and writes on its
 * scope: labels, milestones, new merge requests. Plain data: the engine's platform interface and
 * scope plans speak of them, and gitlab/ maps GitLab's JSON to and from them.
 */
import type { MilestoneInfo } from "./snapshot.js";

/** Who owns a label: a group (by full path) or a project (by path with namespace). */
export type LabelOwner = { kind: "group"; path: string } | { kind: "project"; path: string };

export interface GitLabLabel {
  id: number;
  name: string;
  /** As GitLab sent it, lower-cased (`#428bca`). */
  color: string;
  description: string;
  /** The label's priority in the project it was listed from (project listings only); null when none. */
  priority: number | null;
  /** True for a label owned by the project it was listed from; false for a group's label. */
  isProjectLabel: boolean;
  /** Present when listed with counts. */
  openIssues?: number;
  closedIssues?: number;
  openMergeRequests?: number;
}

export interface ListLabelsOptions {
  /** Also the labels of the owner's parent groups (a project sees them). */
  includeAncestors: boolean;
  /** Also how many open issues and merge requests carry each label. */
  withCounts: boolean;
}

export interface NewLabel {
  name: string;
  color: string;
  description: string;
  /** Project labels only: the priority to give it in that project. */
  priority?: number;
}

export interface LabelChanges {
  color?: string;
  description?: string;
  /** null removes the priority. Project owners only. */
  priority?: number | null;
}

export interface NewMergeRequest {
  projectPath: string;
  sourceBranch: string;
  targetBranch: string;
  title: string;
  description: string;
  labels: string[];
  milestoneId: number;
}

/** A milestone with the description the bot keeps its markers in, and the group that owns it. */
export interface TeamMilestone extends MilestoneInfo {
  description: string;
  /** Full path of the group the milestone belongs to (its edits and issues are read there). */
  group: string;
}

export interface MilestoneEdit {
  title?: string;
  startDate?: string;
  dueDate?: string;
  description?: string;
  stateEvent?: "close" | "activate";
}
