/** intake.yml -> IntakePolicy. */
import type { IntakeFile } from "../schemas/intake.js";
import type { IntakePolicy } from "../model/intake.js";

export function compileIntake(data: IntakeFile): IntakePolicy {
  const u = data.user_story;
  return {
    projectRoles: [...data.project_roles],
    userStory: { enabled: u.enabled ?? false, newIssueDays: u.new_issue_days, startLabel: u.start_label, label: u.label, skipLabels: [...(u.skip_labels ?? [])], template: u.template },
    pii: { template: data.pii.template, allowedEmailDomains: (data.pii.allowed_email_domains ?? []).map((d) => d.toLowerCase()) },
  };
}
