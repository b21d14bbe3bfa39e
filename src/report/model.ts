/**
 * The whole report, computed purely from what collect.ts read: the same input and clock always give
 * the same page, which is what the unit tests rely on.
 */
import type { BusinessCalendar } from "../domain/calendar.js";
import type { CompiledPolicy } from "../policy/model.js";
import { buildBoard } from "./board.js";
import { buildMilestone } from "./milestoneView.js";
import { buildSla } from "./slaView.js";
import { buildSteps } from "./steps.js";
import { buildTools } from "./toolsView.js";
import type { ReportInput, ReportModel } from "./types.js";
import { workflowOfScope } from "./workflowView.js";

export interface ReportSettings {
  /** Business days in one stage after which an issue counts as stuck. */
  stuckAfterDays: number;
  /** Weeks in the SLA trend. */
  trendWeeks: number;
  /** Scoped label key of the stage board's workflow. */
  boardScope: string;
  /** Scoped label key of the Sales Systems steps' workflow. */
  stepsScope: string;
  /** Renewals shown when due within this many days. */
  renewalsWithinDays: number;
}

export const DEFAULT_SETTINGS: ReportSettings = { stuckAfterDays: 10, trendWeeks: 8, boardScope: "MktgOps", stepsScope: "MktgOpsPrio", renewalsWithinDays: 90 };

export function buildReportModel(policy: CompiledPolicy, calendar: BusinessCalendar, input: ReportInput, settings: ReportSettings = DEFAULT_SETTINGS): ReportModel {
  const { now, gitlabUrl, open } = input;
  const today = calendar.today(now);
  const board = workflowOfScope(policy, settings.boardScope);
  const steps = workflowOfScope(policy, settings.stepsScope);
  return {
    generatedAt: now,
    today,
    timeZone: calendar.timeZone,
    group: policy.scope.group,
    gitlabUrl,
    board: board ? buildBoard(policy, calendar, board, open, now, gitlabUrl, settings.stuckAfterDays) : null,
    sla: buildSla(policy, calendar, open, input.closedInWindow, now, gitlabUrl, settings.trendWeeks),
    milestone: input.milestone ? buildMilestone(policy, calendar, input.milestone, open, now, gitlabUrl) : null,
    steps: steps ? buildSteps(policy, calendar, steps, open, now, gitlabUrl) : null,
    tools: buildTools(policy, input.audits, input.renewals, settings.renewalsWithinDays, today, gitlabUrl),
    historyNotRead: input.historyNotRead,
  };
}
