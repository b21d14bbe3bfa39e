/** milestones.yml -> MilestonePolicy: regular expressions and the cadence anchor are checked here. */
import type { MilestonePolicy } from "../model/milestones.js";
import type { MilestonesFile } from "../schemas/milestones.js";
import type { PolicySource, ProblemSink } from "../source.js";
import { tryPolicyRegex } from "../regex.js";

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

function checkRegex(source: PolicySource, sink: ProblemSink, path: (string | number)[], pattern: string): void {
  const compiled = tryPolicyRegex(pattern);
  if (!compiled.ok) sink.at(source, path, `'${pattern}' is not a valid regular expression (${compiled.why}): write it as in a search, e.g. ^MktgOps`);
}

/** ISO weekday (1 = Monday) of a `YYYY-MM-DD` date, or undefined when it is not a real date. */
function weekdayOf(date: string): number | undefined {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) return undefined;
  return ((d.getUTCDay() + 6) % 7) + 1;
}

export function compileMilestones(source: PolicySource, data: MilestonesFile, sink: ProblemSink): MilestonePolicy {
  const m = data.milestones;
  checkRegex(source, sink, ["milestones", "title_pattern"], m.title_pattern);
  if (m.temp_pattern !== undefined) checkRegex(source, sink, ["milestones", "temp_pattern"], m.temp_pattern);
  const startWeekday = WEEKDAYS.indexOf(m.start_weekday) + 1;
  const anchorWeekday = weekdayOf(m.anchor);
  if (anchorWeekday === undefined) {
    sink.at(source, ["milestones", "anchor"], `'${m.anchor}' is not a calendar date: write a real date, e.g. 2026-01-05`);
  } else if (anchorWeekday !== startWeekday) {
    sink.at(source, ["milestones", "anchor"], `${m.anchor} is a ${WEEKDAYS[anchorWeekday - 1]}, but milestones start on ${m.start_weekday}: pick a ${m.start_weekday} on which a milestone started`);
  }
  const dueOffsetDays = m.due_offset_days ?? Math.max(0, m.length_days - 3);
  if (dueOffsetDays >= m.length_days) {
    sink.at(source, ["milestones", "due_offset_days"], `the due date must fall inside the milestone: use a number below length_days (${m.length_days})`);
  }
  return {
    titlePattern: m.title_pattern,
    titleFormat: m.title_format,
    lengthDays: m.length_days,
    startWeekday,
    anchor: m.anchor,
    dueOffsetDays,
    ahead: m.ahead,
    tempPattern: m.temp_pattern ?? null,
    mr: {
      projectRole: data.milestone_mr.project_role,
      labels: data.milestone_mr.labels,
      titleFormat: data.milestone_mr.title_format,
      branchFormat: data.milestone_mr.branch_format,
      descriptionTemplate: data.milestone_mr.description_template,
      closeBlockedTemplate: data.milestone_mr.close_blocked_template,
    },
    rollover: {
      noteTemplate: data.rollover.note_template,
      slackChannel: data.rollover.slack_channel,
      flagLabel: data.rollover.flag_label ?? null,
      leaveLabels: data.rollover.leave_labels ?? [],
      completedLabels: data.rollover.completed_labels ?? [],
    },
    reopenGuard: {
      template: data.reopen_guard.template,
      overrideGroup: data.reopen_guard.override_group,
      overrideLabel: data.reopen_guard.override_label ?? null,
      overrideCommand: data.reopen_guard.override_command ?? null,
    },
  };
}
