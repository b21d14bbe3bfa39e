/** The compiled form of policies/workflows/*.yml: one scoped-label workflow per file, its steps and what each requires. */
import type { MilestoneTiming, ResourceKind } from "../../domain/snapshot.js";

export type MilestoneRequirement =
  | { kind: "none" }
  | { kind: "any" }
  | { kind: "current" }
  | { kind: "future" }
  | { kind: "not-current" }
  | { kind: "title"; pattern: string; flags: string }
  /** Title must match / must not match, and the milestone must sit at one of these timings. */
  | { kind: "match"; title?: TextPattern; notTitle?: TextPattern; timing?: MilestoneTiming[] };

/** A regular expression as written in a policy (`/pattern/flags`, or an exact text made into one). */
export interface TextPattern {
  pattern: string;
  flags: string;
}

export type AssigneeRequirement = { kind: "none" } | { kind: "any" } | { kind: "group"; group: string } | { kind: "not-group"; group: string };

export interface StepRequirements {
  milestone?: MilestoneRequirement;
  assignee?: AssigneeRequirement;
  /** A comment by a person posted after the step's label was applied (e.g. explaining a blocker). */
  commentAfterLabel?: boolean;
  /** Labels that must be present while in this step. */
  labels?: string[];
  /** Name of a proof (WorkflowDef.proofs) that must have been given. */
  proof?: string;
}

/** Something a person must have posted, e.g. the business owner's UAT sign-off. */
export interface ProofDef {
  name: string;
  description: string;
  /** Full label of the step the issue must be in when the proof is posted. */
  whileIn: string;
  /** Whether the issue's author may give it. */
  byAuthor: boolean;
  /** People groups whose members may give it. */
  byGroups: string[];
  /** A comment with an uploaded file counts. */
  upload: boolean;
  /** A comment or description section under a heading matching this counts. */
  heading: TextPattern | null;
}

export interface WorkflowCommands {
  /** Full label of the step `approve` moves to. */
  approveStep: string;
  replyTemplate: string;
}

export interface WorkflowStep {
  /** Full canonical label, e.g. `MktgOps::04: In Progress`. */
  label: string;
  /** The value after the scope, e.g. `04: In Progress`. */
  value: string;
  description: string;
  requires: StepRequirements;
  /** People group allowed to move a resource INTO this step; null = anyone. */
  onlyBy: string | null;
  /**
   * Whether a resource may be closed while in this step. Closing is checked only when some step of
   * the workflow has it; a workflow where none does lets a resource close in any step.
   */
  mayClose: boolean;
  /** The work is done in this step though the resource may stay open (reports count it as done). */
  completes?: boolean;
  /** Asked of the assignees once as a reminder (no attention label): a comment after the label. */
  remind?: { commentAfterLabel: true };
  /** Reaching the step closes the issue; a closed issue cannot leave it until reopened. */
  closes?: boolean;
}

export interface WorkflowDef {
  id: string;
  description: string;
  /** The policy file it came from (for messages). */
  file: string;
  /** The scoped label key the workflow owns, e.g. `MktgOps`. */
  scope: string;
  appliesTo: ResourceKind[];
  where: {
    /** Project roles from scope.yml; empty = every project in scope. */
    projectRoles: string[];
    /** Labels that must all be present for the workflow to apply. */
    labels: string[];
  };
  /** Full label given to a resource that has no value of the scope; null = none. */
  initial: string | null;
  /** `any`: any move is allowed; `forward-one-step`: no skipping ahead, moving back is allowed. */
  order: "any" | "forward-one-step";
  /** Label added while a requirement is not met (removed when it is); null = none. */
  attentionLabel: string | null;
  /** Template (name in policies/templates/, without .md) for the violation note. */
  violationTemplate: string;
  steps: WorkflowStep[];
  /**
   * Labels of the scope that are not steps (e.g. `MktgOps::Events/FM Copy Review`). A resource
   * carrying one has a value of the scope, so it is not given the initial label; and because
   * GitLab Premium keeps one label per scope, applying it removes the step label.
   */
  nonStepLabels?: string[];
  /** `flag` (default): attention label and note; `revert`: a person's move into the step is undone. */
  unmetRequirements?: "flag" | "revert";
  /** Moves before this instant are history and not judged. */
  movesCheckedFrom?: Date;
  /** Template for the note explaining an undone move (the violation template when absent). */
  revertTemplate?: string;
  /** Template for the note posted when a `closes` step closes the issue. */
  closeTemplate?: string;
  /** Template for a step's one-time reminder (`remind:`). */
  reminderTemplate?: string;
  /** A resource with a step label but without the `where` labels gets this note. */
  intake?: { missingLabelsTemplate: string };
  proofs?: Record<string, ProofDef>;
  /** Comments addressed to the bot are commands on resources in this workflow. */
  commands?: WorkflowCommands;
}
