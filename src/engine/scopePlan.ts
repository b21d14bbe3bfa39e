/**
 * Scope plans: what a scheduled job decided to write on the scope rather than on one issue or
 * merge request it reconciles (its report issue, a list issue, a note recording a Slack post...).
 *
 * A job reads (through the platform), decides a ScopePlan with pure functions, and hands it to
 * `platform.applyScope`: the one place, in src/gitlab, where such writes leave the bot and where
 * dry-run is honoured. The outcomes say, action by action, what was (or would be) written, and the
 * job renders its report from them.
 */
import type { ActionOrigin } from "../domain/actions.js";
import type { ResourcePlan } from "../domain/plan.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { LabelChanges, LabelOwner, MilestoneEdit, NewLabel, NewMergeRequest, TeamMilestone } from "../domain/scopeObjects.js";

/** A project of scope.yml with its roles (the snapshots of issues found in it carry them). */
export interface ScopeProject {
  path: string;
  roles: string[];
}

/**
 * How the bot's issues carrying a marker are listed: one listing of one project, narrowed on the
 * server; only the bot's own issues count (see gitlab/issuesByMarker.ts).
 */
export interface MarkedIssueQuery {
  project: ScopeProject;
  /** Server-side label filter (all must be present). Narrow with a label the bot always sets. */
  labels?: string[];
  /** GitLab's text search in the description (e.g. the marker itself); optional. */
  search?: string;
  /** `all` by default: a closed issue still counts as the period's issue. */
  state?: "opened" | "closed" | "all";
  /** Only issues created at or after this instant (keeps the listing short). */
  createdAfter?: Date;
}

/** The issue the bot keeps for a marker, as it should be. */
export interface MarkedIssue {
  project: ScopeProject;
  marker: string;
  title: string;
  /** The description; the marker is appended when the text does not carry it already. */
  body: string;
  /** Labels the issue must carry: set on creation, added when missing, never removed. */
  labels?: string[];
  /** The state the issue must be in; left as it is when absent. */
  state?: "opened" | "closed";
  /** Set on creation only: afterwards they are the team's to change. */
  assigneeIds?: number[];
  dueDate?: string;
}

export type ScopePlanAction = ActionOrigin &
  (
    | {
        /**
         * Ensure the bot's issue for a marker exists as described: created when missing, edited
         * only when its text, labels or state differ. Of several issues carrying the marker the
         * oldest is the issue; the others come back as duplicates for the job to report or close.
         */
        type: "ensure_issue";
        issue: MarkedIssue;
        /** The issues the job's read found for the marker; when absent they are looked up with `lookup`. */
        found?: readonly ResourceSnapshot[];
        lookup?: Omit<MarkedIssueQuery, "project">;
        /** False: a missing issue stays missing (nothing to list yet). */
        createIfMissing?: boolean;
        /** Never rewrite an existing issue's description (people tick the checklists in it). */
        keepBody?: boolean;
        /** The marker the run report names the issue by, when not `issue.marker` (a list of several audits). */
        reportMarker?: string;
      }
    | {
        /** Ensure the bot's note carrying `marker` on `target` says `body` (created, edited or left alone). */
        type: "ensure_note";
        target: ResourceSnapshot;
        marker: string;
        body: string;
      }
    | {
        /**
         * A resource plan a job built for an issue it keeps (closing the bot's own duplicate with
         * a note): carried out as the sweep's plans are, by `platform.apply`.
         */
        type: "apply_plan";
        plan: ResourcePlan;
      }
    | {
        /** A new milestone of `group`; `today` is the team's date its returned timing is computed on. */
        type: "create_milestone";
        group: string;
        milestone: { title: string; startDate: string; dueDate: string; description?: string };
        today: string;
      }
    | {
        /** Edits a milestone of `group` (title, dates, description, state). */
        type: "update_milestone";
        group: string;
        id: number;
        changes: MilestoneEdit;
        today: string;
      }
    | {
        /** The branch exists in the project: created from `ref` when missing. */
        type: "ensure_branch";
        project: string;
        branch: string;
        ref: string;
      }
    | { type: "create_merge_request"; mergeRequest: NewMergeRequest }
    | {
        /** Adds labels to a merge request (never removes one). */
        type: "add_merge_request_labels";
        project: string;
        iid: number;
        labels: string[];
      }
    | { type: "create_label"; owner: LabelOwner; label: NewLabel }
    | {
        /** Edits a label of its owner, addressed by id or by name. */
        type: "update_label";
        owner: LabelOwner;
        label: number | string;
        changes: LabelChanges;
      }
    | { type: "delete_label"; owner: LabelOwner; id: number; name: string }
  );

export type EnsureIssueAction = Extract<ScopePlanAction, { type: "ensure_issue" }>;

export interface ScopePlan {
  actions: ScopePlanAction[];
  /**
   * The actions do not depend on each other: they are sent at once (the requester still bounds
   * how many requests are in flight). Otherwise they are carried out in order.
   */
  concurrent?: boolean;
}

/** What became of an ensure_issue action. */
export interface EnsuredIssue {
  status: "created" | "updated" | "unchanged" | "missing";
  /** The issue as it now is; null when missing, or when it would be created in a dry run. */
  issue: ResourceSnapshot | null;
  /** The bot's other issues carrying the marker, oldest first. */
  duplicates: ResourceSnapshot[];
}

/** What became of an ensure_note action. */
export interface EnsuredNote {
  status: "created" | "updated" | "unchanged";
  /** Absent when the note would be created in a dry run. */
  noteId?: number;
}

/** A write the apply sent, or in a dry run would have sent. */
export interface ScopeRequest {
  method: "POST" | "PUT" | "DELETE";
  route: string;
  body?: Record<string, unknown>;
}

/** One action's outcome: `error` when it failed, else what it produced (by the action's type). */
export interface ScopeActionOutcome {
  action: ScopePlanAction;
  /** ensure_issue */
  issue?: EnsuredIssue;
  /** ensure_note */
  note?: EnsuredNote;
  /** apply_plan: carried out (in a dry run: rendered only). */
  applied?: { writes: number };
  /** create_milestone, update_milestone: the milestone as GitLab answered; absent in a dry run. */
  milestone?: TeamMilestone;
  /** The action failed; the actions after it were still carried out. */
  error?: Error;
  requests: ScopeRequest[];
}

export interface ScopeApplyResult {
  dryRun: boolean;
  /** Write requests sent (0 in a dry run). */
  writes: number;
  /** One per action of the plan, in its order. */
  outcomes: ScopeActionOutcome[];
}

/** The outcome of an ensure_issue action; a failed one throws its error (for jobs that stop on it). */
export function ensuredIssueOf(outcome: ScopeActionOutcome | undefined): EnsuredIssue {
  if (outcome?.error) throw outcome.error;
  if (outcome?.issue === undefined) throw new Error("The scope plan's apply returned no outcome for an ensure_issue action.");
  return outcome.issue;
}

/** Throws the error of a failed action (for jobs that report it where it happened). */
export function succeeded(outcome: ScopeActionOutcome | undefined): ScopeActionOutcome {
  if (outcome === undefined) throw new Error("The scope plan's apply returned no outcome for an action.");
  if (outcome.error) throw outcome.error;
  return outcome;
}

/** The outcome of an ensure_note action; a failed one throws its error. */
export function ensuredNoteOf(outcome: ScopeActionOutcome | undefined): EnsuredNote {
  if (outcome?.error) throw outcome.error;
  if (outcome?.note === undefined) throw new Error("The scope plan's apply returned no outcome for an ensure_note action.");
  return outcome.note;
}
