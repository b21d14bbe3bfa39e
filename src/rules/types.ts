/**
 * Rules are pure functions of a snapshot and a context. They do no I/O, never read the wall
 * clock, and never know whether the snapshot came from a webhook or a sweep.
 */
import type { Action } from "../domain/actions.js";
import type { BusinessCalendar } from "../domain/calendar.js";
import type { MilestoneInfo, ResourceKind, ResourceSnapshot, SnapshotNeeds } from "../domain/snapshot.js";
import type { CompiledPolicy } from "../policy/model.js";

export interface RuleContext {
  policy: CompiledPolicy;
  calendar: BusinessCalendar;
  /** The moment the reconcile runs, from the injected clock. */
  now: Date;
  /** The team's milestones, when the rules that run need them. */
  milestones: MilestoneInfo[];
}

export interface Rule {
  /** Stable id, used in reports, markers and `--only`. */
  id: string;
  description: string;
  appliesTo: ResourceKind[];
  /**
   * History this rule needs for this snapshot. Called before evaluate() with the listed snapshot,
   * so history is fetched only for resources whose outcome depends on it.
   */
  needs(snapshot: ResourceSnapshot, ctx: RuleContext): SnapshotNeeds;
  evaluate(snapshot: ResourceSnapshot, ctx: RuleContext): Action[];
}

/** A rule kind turns the compiled policy into concrete rules (e.g. one per workflow file). */
export interface RuleFactory {
  kind: string;
  create(policy: CompiledPolicy): Rule[];
}
