/** The compiled form of policies/digest.yml: the weekly digest. */

export interface DigestPolicy {
  projectRole: string;
  labels: string[];
  template: string;
  /** Channel name from notifications.yml, or null for no Slack message. */
  slackChannel: string | null;
  triage: { label: string; waitBusinessDays: number };
  priorityScope: string;
  /** Labels whose issues need no priority: never listed as "without priority". */
  priorityNotNeeded: string[];
  renewalsWithinDays: number;
  maxItemsPerSection: number;
}
