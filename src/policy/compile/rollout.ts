/** rollout.yml -> RolloutPolicy, with the quiet defaults filled in. */
import type { RolloutPolicy } from "../model/rollout.js";
import type { RolloutFile } from "../schemas/rollout.js";

export function compileRollout(data: RolloutFile, timeZone: string): RolloutPolicy {
  const b = data.backlog ?? {};
  return {
    adoptedOn: data.adopted_on,
    timeZone,
    backlog: {
      "label-repairs": b["label-repairs"] ?? "repair",
      "stage-entry": b["stage-entry"] ?? "list",
      workflow: b.workflow ?? "list",
      triage: b.triage ?? "list",
      intake: b.intake ?? "list",
    },
    sla: { countBeforeAdoption: data.sla?.count_before_adoption ?? false, missedBeforeAdoption: data.sla?.missed_before_adoption ?? "list" },
    report: {
      title: data.report?.title ?? "mops-bot adoption report",
      labels: [...(data.report?.labels ?? ["mops-bot summary"])],
    },
    attention: {
      mentionsPerPersonPerDay: data.attention?.mentions_per_person_per_day === "unlimited" ? null : (data.attention?.mentions_per_person_per_day ?? 1),
      dailyList: data.attention?.daily_list ?? "per-person",
      projectRole: data.attention?.project_role ?? "mops",
    },
  };
}
