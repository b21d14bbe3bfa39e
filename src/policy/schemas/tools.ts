/** policies/tools.yml: the marketing tool registry, user audits, renewals and new-tool evaluations. */
import { z } from "zod";
import { kebabName, labelName, text, username } from "./common.js";

export const AUDIT_CADENCES = ["monthly", "quarterly", "semi-annual"] as const;
export const NOTIFY_CHANNELS = ["email", "slack"] as const;

const tier = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], { error: "expected a tier from 1 to 4 (the handbook's Marketing Technology Stack tiers)" });

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date written YYYY-MM-DD, e.g. \"2027-03-01\"");

const positiveDays = z.number().int().positive();

const toolSchema = z
  .object({
    name: text.describe("The tool's name as the handbook writes it, e.g. ZoomInfo."),
    tier: tier.describe("Tier from the handbook: 1 business critical, 2 operational, 3 management, 4 functional."),
    label: labelName.optional().describe("The tool's label in labels.yml (tools group), when it has one."),
    owner: z
      .union([username, z.literal("")])
      .optional()
      .describe("Technical owner's GitLab username: the tool's audit issue is assigned to them. Empty = listed with the other owner-less tools for the tools DRI."),
    audit: z.enum(AUDIT_CADENCES).describe("How often the user audit runs: monthly, quarterly or semi-annual."),
    inactivity_days: positiveDays.optional().describe("Users inactive this many days or more lose access (default: audits.inactivity_days)."),
    notice_business_days: positiveDays.optional().describe("Business days of notice before access is revoked (default: audits.notice_business_days)."),
    notify_by: z.enum(NOTIFY_CHANNELS).optional().describe("How inactive users are told (default: audits.notify_by)."),
    renewal_date: isoDate.optional().describe("The contract's next renewal date, YYYY-MM-DD, when known."),
    contract_value: z.number().nonnegative().optional().describe("Yearly contract value in US dollars, when known."),
    notes: z.string().optional().describe("Anything the audit issue should say about this tool."),
  })
  .strict();

export const toolsSchema = z
  .object({
    tools_dri_group: kebabName.describe(
      "People group (people.yml) of the MOps tools DRI (its first member is assigned): the audits of tools with no technical owner are listed for them in one issue per run, not one issue per tool.",
    ),
    audits: z
      .object({
        project_role: kebabName.describe("The project (by role in scope.yml) where audit issues are created."),
        labels: z.array(labelName).min(1).describe("Labels every audit issue gets (the tool's own label is added)."),
        template: kebabName.describe("Template in templates/ for the audit issue's description."),
        unowned_template: kebabName.describe("Template in templates/ for the one issue listing the audits of tools with no technical owner."),
        reminder_template: kebabName
          .optional()
          .describe("Template in templates/ for one reminder on an audit still open after its due date; leave it out for no reminder (the handbook asks for none)."),
        inactivity_days: positiveDays.describe("Default inactivity threshold in days."),
        notice_business_days: positiveDays.describe("Default notice period in business days."),
        notify_by: z.enum(NOTIFY_CHANNELS).describe("Default way inactive users are told."),
      })
      .strict(),
    renewals: z
      .object({
        template: kebabName.describe("Template in templates/ for the renewal issue's description."),
        labels: z.array(labelName).min(1).describe("Labels every renewal issue gets (the tool's own label is added); the bot finds its renewal issues by them."),
        lead_days_by_tier: z
          .object({ "1": positiveDays, "2": positiveDays, "3": positiveDays, "4": positiveDays })
          .strict()
          .describe("How many days before the renewal date its issue is created, per tier."),
        rfp_over_usd: z.number().positive().describe("Contracts of this value or more need an RFP with Procurement (\"over $50K+\")."),
        rfp_every_years: positiveDays.describe("An RFP at least this often."),
      })
      .strict(),
    evaluations: z
      .object({
        label: labelName.describe("The label of new tool evaluation issues."),
        template: kebabName.describe("Template in templates/ for the evaluation steps note."),
        manager_checklist_template: kebabName.describe("Template in templates/ for the tier 1-2 checklist of the MOps manager."),
      })
      .strict(),
    tools: z.array(toolSchema).min(1).describe("Every tool in the marketing technology stack."),
  })
  .strict()
  .describe("The marketing tool registry: tiers, owners, user audits, renewals and evaluations.");

export type ToolsFile = z.infer<typeof toolsSchema>;
export type ToolEntry = z.infer<typeof toolSchema>;
