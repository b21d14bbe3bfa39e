/**
 * Everything the bot reads of GitLab, and nothing it writes. gitlab/ implements it; tests can
 * implement the part they need in memory. Code that only reads (`mops-bot plan`, the report, the
 * replay) is given this type, so a write there does not compile: read-only is a fact of the type,
 * not a check at run time.
 *
 * The optional methods are the reads only GitLab can answer (an in-memory platform of the engine
 * tests leaves them out); callers say what they do without them.
 */
import type { GitLabLabel, LabelOwner, ListLabelsOptions, TeamMilestone } from "../domain/scopeObjects.js";
import type { MarkedIssueQuery } from "./scopePlan.js";
import type { LabelEvent, MilestoneEvent, MilestoneInfo, NoteInfo, ResourceKind, ResourceRef, ResourceSnapshot, StateEvent, UserRef } from "../domain/snapshot.js";

export type { MarkedIssueQuery } from "./scopePlan.js";

export interface ListQuery {
  kind: ResourceKind;
  /** Only open resources (the sweep) or all. */
  state: "opened" | "all";
  /** Server-side label filter (AND), when the rules allow one. */
  labels?: string[];
}

/** Issues anywhere in the scope, by state and what GitLab can filter on. */
export interface IssueQuery {
  state: "opened" | "closed" | "all";
  /** Issues in this (group) milestone, by title. */
  milestone?: string;
  /** Issues updated at or after this instant. */
  updatedAfter?: Date;
}

/** Merge requests anywhere in the scope carrying a label. */
export interface LabelledMergeRequestQuery {
  label: string;
  state: "merged" | "opened" | "all";
  /** Merge requests updated at or after this instant. */
  updatedAfter: Date;
}

export interface RequestStats {
  total: number;
  byRoute: Record<string, number>;
  retries: number;
}

export interface PlatformReader {
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
  /** Which milestone was set on or removed from the resource, by whom and when, oldest first. */
  milestoneEvents?(snapshot: ResourceSnapshot): Promise<MilestoneEvent[]>;
  /** The team's milestones (group-level), with timing computed against the platform's clock. */
  milestones(): Promise<MilestoneInfo[]>;
  /** Requests made so far, by `METHOD /route/template` and in total. */
  requestStats(): RequestStats;
  /** The user the token belongs to (the bot), when the platform can tell. */
  currentUser?(): Promise<UserRef>;
  /**
   * The labels the projects in scope can see (their own and their groups'), with how many issues
   * and merge requests carry each, when the platform can tell: which spelling the board uses.
   */
  labelsInUse?(): Promise<GitLabLabel[]>;
  /** Hits and misses of the history cache so far, when the platform keeps one. */
  historyCacheStats?(): { hits: number; misses: number } | undefined;
  /** Issues of the scope beyond the shared listing (closed ones, one milestone's), each once. */
  findIssues?(query: IssueQuery): Promise<ResourceSnapshot[]>;
  /** Merge requests of the scope carrying a label (the handbook-update merges). */
  labelledMergeRequests?(query: LabelledMergeRequestQuery): AsyncIterable<ResourceSnapshot>;
  /**
   * The bot's own issues of one project carrying a description marker `accept` takes, grouped by
   * marker, each list oldest first: how scheduled jobs find the issue of a period again.
   */
  issuesByMarker?(query: MarkedIssueQuery, accept?: (marker: string) => boolean): Promise<Map<string, ResourceSnapshot[]>>;
  /** GitLab user ids of the usernames GitLab knows (unknown names are left out). */
  userIdsByUsername?(usernames: readonly string[]): Promise<Map<string, number>>;
  /**
   * Milestone reads of the milestones job and the close guard. `today` is the team's date the
   * milestones' timing is computed on (the job's clock, which tests move).
   */
  milestoneReads?: MilestoneReads;
  /** Label reads of `labels sync` and `labels migrate`. */
  labelReads?: LabelReads;
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

/**
 * Every method of PlatformReader, required or not: the compiler refuses this list when a method is
 * added to the interface and not here, so `readerOf` can never drop one silently.
 */
const READER_METHODS: { [K in keyof PlatformReader]-?: true } = {
  list: true,
  get: true,
  labelEvents: true,
  notes: true,
  stateEvents: true,
  milestoneEvents: true,
  milestones: true,
  requestStats: true,
  currentUser: true,
  labelsInUse: true,
  historyCacheStats: true,
  findIssues: true,
  labelledMergeRequests: true,
  issuesByMarker: true,
  userIdsByUsername: true,
  milestoneReads: true,
  labelReads: true,
};

/**
 * The reads of a platform and nothing else: a plain object holding only the PlatformReader methods
 * `platform` has, bound to it. What a read-only caller is handed, so that not even a cast reaches
 * a write.
 */
export function readerOf(platform: PlatformReader): PlatformReader {
  const reader: Record<string, unknown> = {};
  for (const name of Object.keys(READER_METHODS) as (keyof PlatformReader)[]) {
    const method: unknown = platform[name];
    if (typeof method === "function") reader[name] = (method as (...args: unknown[]) => unknown).bind(platform);
    // The grouped reads (milestoneReads, labelReads) are objects of reads only.
    else if (method !== undefined) reader[name] = method;
  }
  return reader as unknown as PlatformReader;
}
