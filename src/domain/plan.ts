/**
 * The plan for one resource: every rule's actions merged into the fewest writes. One update
 * (labels added/removed, state, milestone, assignees, due date, confidentiality) and at most one
 * note. Actions that contradict each other are kept out of the writes and reported.
 */
import type { Action } from "./actions.js";
import type { ResourceRef } from "./snapshot.js";

export interface ResourceUpdate {
  addLabels: string[];
  removeLabels: string[];
  stateEvent?: "close" | "reopen";
  milestoneId?: number | null;
  assigneeIds?: number[];
  dueDate?: string | null;
  confidential?: boolean;
}

export interface PlannedNote {
  body: string;
  /** Marker keys the note carries, one per comment action merged into it. */
  markers: string[];
}

/** The kinds of conflict a plan reports (/metrics counts each, from zero). */
export const CONFLICT_KINDS = ["rules", "oscillation", "objection"] as const;

export interface PlanConflict {
  /** What is contested, e.g. `label MktgOps::04: In Progress` or `state`. */
  subject: string;
  /**
   * How the rules disagree: in one round (`rules`), by undoing each other's changes across rounds
   * (`oscillation`), or by one objecting to a change another makes in the same plan (`objection`).
   * Absent means `rules`.
   */
  kind?: (typeof CONFLICT_KINDS)[number];
  /** The actions that disagree; none of them is applied. */
  actions: Action[];
  message: string;
}

export interface ResourcePlan {
  ref: ResourceRef;
  webUrl: string;
  title: string;
  projectId: number;
  iid: number;
  kind: "issue" | "merge_request";
  /** The actions that will be applied (after merging, minus no-ops and conflicts). */
  actions: Action[];
  update: ResourceUpdate;
  note: PlannedNote | null;
  conflicts: PlanConflict[];
}

export function updateIsEmpty(u: ResourceUpdate): boolean {
  return (
    u.addLabels.length === 0 &&
    u.removeLabels.length === 0 &&
    u.stateEvent === undefined &&
    u.milestoneId === undefined &&
    u.assigneeIds === undefined &&
    u.dueDate === undefined &&
    u.confidential === undefined
  );
}

export function planIsEmpty(p: ResourcePlan): boolean {
  return updateIsEmpty(p.update) && p.note === null;
}
