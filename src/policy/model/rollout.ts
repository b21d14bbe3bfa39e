/** The compiled rollout.yml: the adoption date, what happens to the backlog, the attention budget. */

/** repair: changes without a note; list: no change, listed in the adoption report; announce: as for new issues. */
export type BacklogMode = "repair" | "list" | "announce";

/** Rule families rollout.yml decides about, each a group of rules by what they do for the team. */
export type RuleFamily = "label-repairs" | "stage-entry" | "workflow" | "triage" | "intake";

export interface RolloutPolicy {
  /** `YYYY-MM-DD` in the team's zone. */
  adoptedOn: string;
  /** The team's zone (calendar.yml), in which adoptedOn starts. */
  timeZone: string;
  backlog: Record<RuleFamily, BacklogMode>;
  sla: { countBeforeAdoption: boolean; missedBeforeAdoption: BacklogMode };
  /** The adoption report, one issue in each project with listed backlog problems. */
  report: { title: string; labels: string[] };
  /** mentionsPerPersonPerDay null: no budget (`unlimited`). */
  attention: { mentionsPerPersonPerDay: number | null; dailyList: "per-person" | "per-team"; projectRole: string };
}
