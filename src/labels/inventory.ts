/** The labels GitLab has now, as `labels sync` reads them: the group's own and each project's. */
import type { GitLabLabel } from "../gitlab/labels.js";

export interface ProjectLabels {
  path: string;
  /** False for a project outside the scope's group: the group's labels do not reach it. */
  insideGroup: boolean;
  /** Every label the project sees: its own (`isProjectLabel`) and its parent groups'. */
  labels: GitLabLabel[];
}

export interface LabelInventory {
  /** Full path of the scope's group. */
  group: string;
  /** The group's own labels (not its parents'), with counts. */
  groupLabels: GitLabLabel[];
  projects: ProjectLabels[];
}

export function byName(labels: readonly GitLabLabel[]): Map<string, GitLabLabel> {
  return new Map(labels.map((l) => [l.name, l]));
}
