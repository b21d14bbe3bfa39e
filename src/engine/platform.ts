/**
 * What the engine needs from GitLab, and nothing more. gitlab/ implements it; tests can
 * implement it in memory. Keeping GitLab behind this interface is what lets the webhook path, the
 * sweep and the tests share the engine.
 */
import type { GitLabLabel, LabelOwner, ListLabelsOptions } from "../gitlab/labels.js";
import type { TeamMilestone } from "../gitlab/milestones.js";
import type { ResourcePlan } from "../domain/plan.js";
import type { LabelEvent, MilestoneInfo, NoteInfo, ResourceKind, ResourceRef, ResourceSnapshot, StateEvent, UserRef } from "../domain/snapshot.js";
import type { MarkedIssueQuery, ScopeApplyResult, ScopePlan } from "./scopePlan.js";

export interface ListQuery {
  kind: ResourceKind;
  /** Only open resources (the sweep) or all. */
  state: "opened" | "all";
  /** Server-side label filter (AND), when the rules allow one. */
  labels?: string[];
}

export interface ApplyResult {
  /** Number of write requests made. */
  writes: number;
}

export interface Platform {
  /**
   * Every resource of one kind in the whole scope (the group and its projects in scope.yml),
   * listed once with paging and shared by all rules. Snapshots have no history yet.
   */
  list(query: ListQuery): AsyncIterable<ResourceSnapshot>;
  /** One resource as it is now, or null when it no longer exists or is out of scope. */
  get(ref: ResourceRef): Promise<ResourceSnapshot | null>;
  labelEvents(snapshot: ResourceSnapshot): Promise<LabelEvent[]>;
  notes(snapshot: ResourceSnapshot): Promise<NoteInfo[]>;
  /** Who closed and reopened the resource, and when (rules that need it declare `stateEvents`). */
  stateEvents?(snapshot: ResourceSnapshot): Promise<StateEvent[]>;
  /** The team's milestones (group-level), with timing computed against the platform's clock. */
  milestones(): Promise<MilestoneInfo[]>;
  /** Executes a plan: one update request and at most one note. Honours dry-run. */
  apply(plan: ResourcePlan): Promise<ApplyResult>;
  /** Requests made so far, by `METHOD /route/template` and in total. */
  requestStats(): RequestStats;
  /** The user the token belongs to (the bot), when the platform can tell. */
  currentUser?(): Promise<UserRef>;
  /**
   * The labels the projects in scope can see (their own and their groups'), with how many issues
   * and merge requests carry each, when the platform can tell: which spelling the board uses.
   */
  labelsInUse?(): Promise<GitLabLabel[]>;
  /**
   * Carries out a scope plan (issues and notes a scheduled job keeps on the scope): the one way
   * such writes leave the bot. Honours dry-run. Platforms that cannot keep them (in-memory ones in
   * tests) leave it out, and jobs that need it say so.
   */
  applyScope?(plan: ScopePlan): Promise<ScopeApplyResult>;
  /**
   * The bot's own issues of a project carrying a marker `accept` takes, grouped by marker, each
   * list oldest first (`[0]` is the original, the rest duplicates).
   */
  issuesByMarker?(query: MarkedIssueQuery, accept: (marker: string) => boolean): Promise<Map<string, ResourceSnapshot[]>>;
  /** GitLab user ids of usernames; names GitLab does not know are left out. */
  userIdsByUsername?(usernames: readonly string[]): Promise<Map<string, number>>;
  /**
   * Milestone reads of the milestones job and the close guard. `today` is the team's date the
   * milestones' timing is computed on (the job's clock, which tests move).
   */
  milestoneReads?: MilestoneReads;
  /** Label reads of `labels sync` and `labels migrate`. */
  labelReads?: LabelReads;
  /** Hits and misses of the history cache so far, when the platform keeps one. */
  historyCacheStats?(): { hits: number; misses: number } | undefined;
}

/** What the milestones job and the close guard read of milestones, branches and merge requests. */
export interface MilestoneReads {
  /** Every milestone of `group` and the groups above it. */
  teamMilestones(group: string, today: string): Promise<TeamMilestone[]>;
  /** One milestone of `group` by id; null when GitLab has none. */
  groupMilestone(group: string, id: number, today: string): Promise<TeamMilestone | null>;
  /** Open issues of a milestone of `group` in projects in scope, without history. */
  openIssuesInMilestone(group: string, milestoneId: number, today: string): Promise<ResourceSnapshot[]>;
  /** The project's merge requests in the milestone, or from `sourceBranch`, any state. */
  mergeRequestsInMilestone(project: { path: string; roles: string[] }, milestoneTitle: string, today: string, sourceBranch?: string): Promise<ResourceSnapshot[]>;
  defaultBranch(projectPath: string): Promise<string>;
  /** The ids among `candidates` that issues of `projects` use. */
  milestonesUsedByTeam(projects: { path: string; roles: string[] }[], candidates: MilestoneInfo[]): Promise<Set<number>>;
}

/** What `labels sync` and `labels migrate` read of the labels in scope. */
export interface LabelReads {
  /** The owner's labels (and its parent groups' with `includeAncestors`). */
  labels(owner: LabelOwner, options: ListLabelsOptions): Promise<GitLabLabel[]>;
  /** Whether any issue or merge request of the owner, open or closed, carries the label. */
  isCarried(owner: LabelOwner, name: string): Promise<boolean>;
}

export interface RequestStats {
  total: number;
  byRoute: Record<string, number>;
  retries: number;
}
