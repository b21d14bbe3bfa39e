/** digest.yml -> DigestPolicy. */
import type { DigestFile } from "../schemas/digest.js";
import type { DigestPolicy } from "../model/digest.js";

export function compileDigest(data: DigestFile): DigestPolicy {
  return {
    projectRole: data.project_role,
    labels: [...(data.labels ?? [])],
    template: data.template,
    slackChannel: data.slack_channel ?? null,
    triage: { label: data.triage.label, waitBusinessDays: data.triage.wait_business_days },
    priorityScope: data.priority_scope,
    priorityNotNeeded: [...(data.priority_not_needed ?? [])],
    renewalsWithinDays: data.renewals_within_days,
    maxItemsPerSection: data.max_items_per_section,
  };
}
