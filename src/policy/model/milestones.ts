/** The compiled form of policies/milestones.yml: rollover, the milestone merge request, the reopen guard. */

/** policies/milestones.yml, compiled. Dates are `YYYY-MM-DD` in the calendar's zone. */
export interface MilestonePolicy {
  /** Regular expression (source) matching the team's milestone titles. */
  titlePattern: string;
  /** `{start}` / `{due}` replaced by the milestone's dates. */
  titleFormat: string;
  lengthDays: number;
  /** ISO weekday, 1 = Monday .. 7 = Sunday. */
  startWeekday: number;
  /** A date on which a milestone of the cadence started. */
  anchor: string;
  /** Days from a milestone's start to its due date. */
  dueOffsetDays: number;
  /** Milestones allowed beyond the current one. */
  ahead: number;
  /** Regular expression (source) of the Temp holding milestones; null = none. */
  tempPattern: string | null;
  mr: {
    projectRole: string;
    labels: string[];
    /** `{milestone}` replaced by the milestone title; created as `Draft: <title>`. */
    titleFormat: string;
    branchFormat: string;
    descriptionTemplate: string;
    closeBlockedTemplate: string;
  };
  rollover: {
    noteTemplate: string;
    slackChannel: string;
    flagLabel: string | null;
    /** Issues with one of these labels stay in their ended milestone, untouched. */
    leaveLabels: string[];
    /** Issues with one of these labels are listed for closing in the report, not moved. */
    completedLabels: string[];
  };
  reopenGuard: { template: string; overrideGroup: string; overrideLabel: string | null; overrideCommand: string | null };
}
