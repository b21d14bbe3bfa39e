/**
 * tools.yml -> ToolsPolicy, with each tool's defaults filled in; duplicate tools are problems.
 * Renewals that can never fire (no tool has a renewal date) are a warning: the file is valid.
 */
import type { ToolsFile } from "../schemas/tools.js";
import type { PolicySource, ProblemSink } from "../source.js";
import type { ToolsPolicy, ToolTier } from "../model/tools.js";

export function compileTools(source: PolicySource, data: ToolsFile, sink: ProblemSink): ToolsPolicy {
  const seen = new Map<string, number>();
  data.tools.forEach((t, i) => {
    const key = t.name.trim().toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) sink.at(source, ["tools", i, "name"], `the tool '${t.name}' is already listed (tools[${first}]): list each tool once`);
    else seen.set(key, i);
  });
  const a = data.audits;
  const lead = data.renewals.lead_days_by_tier;
  return {
    toolsDriGroup: data.tools_dri_group,
    audits: {
      projectRole: a.project_role,
      labels: [...a.labels],
      template: a.template,
      unownedTemplate: a.unowned_template,
      reminderTemplate: a.reminder_template ?? null,
    },
    renewals: {
      template: data.renewals.template,
      labels: [...data.renewals.labels],
      leadDaysByTier: { 1: lead["1"], 2: lead["2"], 3: lead["3"], 4: lead["4"] },
      rfpOverUsd: data.renewals.rfp_over_usd,
      rfpEveryYears: data.renewals.rfp_every_years,
    },
    evaluations: { label: data.evaluations.label, template: data.evaluations.template, managerChecklistTemplate: data.evaluations.manager_checklist_template },
    tools: data.tools.map((t) => ({
      name: t.name.trim(),
      tier: t.tier as ToolTier,
      label: t.label ?? null,
      owner: t.owner ? t.owner : null,
      audit: t.audit,
      inactivityDays: t.inactivity_days ?? a.inactivity_days,
      noticeBusinessDays: t.notice_business_days ?? a.notice_business_days,
      notifyBy: t.notify_by ?? a.notify_by,
      renewalDate: t.renewal_date ?? null,
      contractValueUsd: t.contract_value ?? null,
      notes: t.notes ?? null,
    })),
  };
}

/** An example tools.yml line with a renewal date, for the warning (the first tool, as written). */
function renewalExample(data: ToolsFile): string {
  const t = data.tools[0]!;
  const label = t.label === undefined ? "" : `, label: ${t.label}`;
  return `- { name: ${t.name}, tier: ${t.tier}${label}, audit: ${t.audit}, renewal_date: 2027-03-01, contract_value: 60000 }`;
}

/**
 * Warnings about a valid tools.yml: with no renewal date on any tool, the tool-audits job never
 * opens a renewal issue, however the renewals section is set (000_3a3b18768e4599ed.txt:471-477).
 */
export function toolsWarnings(source: PolicySource, data: ToolsFile, warnings: ProblemSink): void {
  if (data.tools.some((t) => t.renewal_date !== undefined)) return;
  warnings.at(
    source,
    ["tools"],
    `no tool has a renewal_date, so no renewal issue is ever opened ("No auto-renewals", RFP every 2 years or over $50K). ` +
      `Add the date (and yearly value in US dollars) to a tool when its contract is known, e.g. ${renewalExample(data)}`,
    "key",
  );
}
