/** policies/rollout.yml: when and how the bot was switched on, and the daily attention budget. */
import { z } from "zod";
import { isoDate } from "./calendar.js";
import { kebabName, labelName } from "./common.js";

const mode = z
  .enum(["repair", "list", "announce"])
  .describe("repair: label changes are made without a note; list: nothing is changed, the issue is listed once in the adoption report; announce: as for new issues (a note).");

export const rolloutSchema = z
  .object({
    adopted_on: isoDate.describe("The day the bot was switched on (YYYY-MM-DD, the team's time zone). Issues created before it are the backlog."),
    backlog: z
      .object({
        "label-repairs": mode.optional().describe("Alias and scoped-label repairs (hygiene.yml). Default: repair."),
        "stage-entry": mode.optional().describe("An issue without a stage entering the workflow's first stage (MktgOps::00: Triage). Default: list."),
        workflow: mode.optional().describe("Stage requirements a person must fix (a missing assignee or milestone). Default: list."),
        triage: mode.optional().describe("Rules in triage/*.yml (DRI pings, missing priority, unlabelled issues). Default: list."),
        intake: mode.optional().describe("Intake checks (intake.yml). Default: list."),
      })
      .strict()
      .optional()
      .describe("What the bot does about problems it finds on the backlog, per rule family."),
    sla: z
      .object({
        count_before_adoption: z.boolean().optional().describe("true: SLA clocks count time before adopted_on too. Default false: clocks start counting on adopted_on."),
        missed_before_adoption: mode.optional().describe("A goal already missed before adopted_on. Default: list (in the adoption report, no breach note)."),
      })
      .strict()
      .optional(),
    report: z
      .object({
        title: z.string().min(1).optional().describe("The report issue's title. Default: mops-bot adoption report."),
        labels: z.array(labelName).optional().describe("Labels the report issue gets (keep one the summary issues use, e.g. mops-bot summary)."),
      })
      .strict()
      .optional(),
    attention: z
      .object({
        mentions_per_person_per_day: z
          .union([z.number().int().min(0).max(100), z.literal("unlimited")])
          .optional()
          .describe("How often scheduled work (sweeps, SLA, milestones, audits, digests) may mention one person a day, across the board. Default 1; `unlimited` switches the budget off."),
        daily_list: z
          .enum(["per-person", "per-team"])
          .optional()
          .describe("Where a person's items go beyond the budget: one issue per person, or one issue for the team (one note a day per person in it). Default: per-person."),
        project_role: kebabName.optional().describe("The project (by role) holding the daily list issues. Default: mops."),
      })
      .strict()
      .optional(),
  })
  .strict()
  .describe("How the bot was switched on (the backlog), and how often it may mention a person a day.");

export type RolloutFile = z.infer<typeof rolloutSchema>;
