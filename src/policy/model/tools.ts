/**
 * The compiled form of policies/tools.yml. Defaults are filled in: every tool has its thresholds,
 * notice period and way of notifying.
 */

export type AuditCadence = "monthly" | "quarterly" | "semi-annual";
export type ToolTier = 1 | 2 | 3 | 4;

export interface ToolDef {
  name: string;
  tier: ToolTier;
  /** The tool's label in the taxonomy, or null when it has none. */
  label: string | null;
  /** Technical owner's GitLab username, or null: then the audit is listed for the tools DRI. */
  owner: string | null;
  audit: AuditCadence;
  inactivityDays: number;
  noticeBusinessDays: number;
  notifyBy: "email" | "slack";
  /** `YYYY-MM-DD`, or null when unknown. */
  renewalDate: string | null;
  /** Yearly value in US dollars, or null when unknown. */
  contractValueUsd: number | null;
  notes: string | null;
}

export interface ToolsPolicy {
  /** People group of the MOps tools DRI, for whom the audits of owner-less tools are listed. */
  toolsDriGroup: string;
  audits: {
    projectRole: string;
    labels: string[];
    template: string;
    unownedTemplate: string;
    /** One reminder after the due date, or null for none. */
    reminderTemplate: string | null;
  };
  renewals: {
    template: string;
    labels: string[];
    leadDaysByTier: Record<ToolTier, number>;
    rfpOverUsd: number;
    rfpEveryYears: number;
  };
  evaluations: { label: string; template: string; managerChecklistTemplate: string };
  tools: ToolDef[];
}
