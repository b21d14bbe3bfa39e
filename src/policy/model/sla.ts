/** The compiled form of policies/sla.yml: the SLAs, their clocks and goals. */
import type { ResourceKind } from "../../domain/snapshot.js";

/** An SLA goal: business time, calendar days, or the due date of the resource's milestone. */
export type SlaGoal =
  | { kind: "business_hours"; hours: number }
  | { kind: "business_days"; days: number }
  | { kind: "calendar_days"; days: number }
  | { kind: "milestone_due" };

export interface SlaGoalDef {
  /**
   * The priority label the goal is for, or null for an SLA with one goal. A canonical label also
   * matches its aliases; an alias (an older spelling) matches only itself.
   */
  label: string | null;
  goal: SlaGoal;
}

/** One SLA of policies/sla.yml: which resources, when its clock starts, pauses and stops, its goals. */
export interface SlaDef {
  id: string;
  description: string;
  file: string;
  enabled: boolean;
  appliesTo: ResourceKind[];
  where: {
    projectRoles: string[];
    /** Labels that must all be present. */
    labels: string[];
    /** At least one of these must be present (empty = no such condition). */
    anyLabel: string[];
    /** None of these may be present (e.g. another team's labels on an issue in our project). */
    noLabel: string[];
  };
  /** `created`: from creation (and again after each stop); `labeled`: while `label` is on the resource. */
  start: { on: "created" } | { on: "labeled"; label: string };
  /** The clock does not start while any of these is present (details not complete yet). */
  waitWhile: string[];
  /** The running clock pauses while any of these is present. */
  pauseWhile: string[];
  stop: { closed: boolean; labeled: string[]; unlabeled: string[] };
  goals: SlaGoalDef[];
  warning: {
    /** At risk once this share of the goal has elapsed ... */
    percent: number | null;
    /** ... or once this many business days are left before the due moment. */
    beforeDueBusinessDays: number | null;
    label: string | null;
    template: string | null;
    /** Who is told when nobody is assigned. */
    fallbackGroup: string | null;
  };
  breach: { label: string | null; template: string | null; mentionGroup: string | null };
  /** Listed in the SLA report issue when at risk or breached. */
  report: boolean;
  /**
   * Moves a due date earlier than `businessDays` after the clock started, once, with a note. With
   * `adjustedOnlyBy`, a date changed after that by anyone but that group and the assignees is put
   * back, with `revertTemplate`.
   */
  dueDate: { businessDays: number; template: string; adjustedOnlyBy: string | null; revertTemplate: string | null } | null;
}

/** policies/sla.yml, compiled. */
export interface SlaPolicy {
  definitions: SlaDef[];
  /** The summary issue the `sla` job keeps up to date; null = no report issue. */
  report: { projectRole: string; title: string } | null;
}
