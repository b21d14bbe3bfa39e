/**
 * sla.yml -> SlaPolicy. Checks what the schema cannot: one of goal/goals, a label for a
 * `labeled` start, a warning threshold when a warning is configured, ids used once. Label,
 * group, template and role references are checked in crossref.ts.
 */
import { resourceKinds } from "./appliesTo.js";
import type { SlaDef, SlaGoal, SlaGoalDef, SlaPolicy } from "../model/sla.js";
import type { SlaDefinitionFile, SlaFile, SlaGoalFile } from "../schemas/sla.js";
import type { PolicySource, ProblemSink } from "../source.js";

export function compileSla(source: PolicySource, data: SlaFile, sink: ProblemSink): SlaPolicy {
  const seen = new Set<string>();
  const definitions: SlaDef[] = [];
  data.slas.forEach((d, i) => {
    if (seen.has(d.id)) sink.at(source, ["slas", i, "id"], `SLA '${d.id}' is defined twice: give each SLA its own id`);
    seen.add(d.id);
    const compiled = compileDefinition(source, d, i, sink);
    if (compiled) definitions.push(compiled);
  });
  return {
    definitions,
    report: data.report ? { projectRole: data.report.project_role, title: data.report.title } : null,
  };
}

function compileDefinition(source: PolicySource, d: SlaDefinitionFile, i: number, sink: ProblemSink): SlaDef | undefined {
  const at = (...p: (string | number)[]) => ["slas", i, ...p];
  let ok = true;
  if (d.goal !== undefined && d.goals !== undefined) {
    sink.at(source, at("goals"), "give either goal (one goal for all) or goals (per priority label), not both");
    ok = false;
  }
  if (d.goal === undefined && d.goals === undefined) {
    sink.at(source, at("id"), `SLA '${d.id}' has no goal: add goal: { business_days: N } or goals: per priority label`);
    ok = false;
  }
  if (d.goals !== undefined && Object.keys(d.goals).length === 0) {
    sink.at(source, at("goals"), "goals is empty: list at least one priority label with its goal");
    ok = false;
  }
  if (d.start.when === "labeled" && d.start.label === undefined) {
    sink.at(source, at("start"), "start when: labeled needs the label that runs the clock, e.g. label: \"MktgOps::00: Triage\"");
    ok = false;
  }
  if (d.start.when === "created" && d.start.label !== undefined) {
    sink.at(source, at("start", "label"), "a label only goes with when: labeled; remove it or write when: labeled");
    ok = false;
  }
  const w = d.warning;
  if (w && w.at_percent === undefined && w.before_due_business_days === undefined) {
    sink.at(source, at("warning"), "a warning needs a threshold: at_percent (share of the goal elapsed) or before_due_business_days");
    ok = false;
  }
  if (d.due_date && (d.due_date.adjusted_only_by === undefined) !== (d.due_date.revert_note === undefined)) {
    const missing = d.due_date.adjusted_only_by === undefined ? "adjusted_only_by (who may change the date)" : "revert_note (the note saying why a date was put back)";
    sink.at(source, at("due_date"), `adjusted_only_by and revert_note go together: add ${missing}`);
    ok = false;
  }
  if (!ok) return undefined;

  const goals: SlaGoalDef[] = d.goals
    ? Object.entries(d.goals).map(([label, g]) => ({ label, goal: goalOf(g) }))
    : [{ label: null, goal: goalOf(d.goal!) }];
  return {
    id: d.id,
    description: d.description,
    file: source.file,
    enabled: d.enabled ?? true,
    appliesTo: resourceKinds(d.applies_to ?? ["issues"]),
    where: { projectRoles: d.where?.project_roles ?? [], labels: d.where?.labels ?? [], anyLabel: d.where?.any_label ?? [], noLabel: d.where?.no_label ?? [] },
    start: d.start.when === "created" ? { on: "created" } : { on: "labeled", label: d.start.label! },
    waitWhile: d.start.wait_while ?? [],
    pauseWhile: d.pause_while ?? [],
    stop: { closed: d.stop?.closed ?? true, labeled: d.stop?.labeled ?? [], unlabeled: d.stop?.unlabeled ?? [] },
    goals,
    warning: {
      percent: w?.at_percent ?? null,
      beforeDueBusinessDays: w?.before_due_business_days ?? null,
      label: w?.label ?? null,
      template: w?.note ?? null,
      fallbackGroup: w?.unassigned_notify ?? null,
    },
    breach: { label: d.breach?.label ?? null, template: d.breach?.note ?? null, mentionGroup: d.breach?.mention ?? null },
    report: d.report ?? true,
    dueDate: d.due_date
      ? {
          businessDays: d.due_date.at_least_business_days,
          template: d.due_date.note,
          adjustedOnlyBy: d.due_date.adjusted_only_by ?? null,
          revertTemplate: d.due_date.revert_note ?? null,
        }
      : null,
  };
}

function goalOf(g: SlaGoalFile): SlaGoal {
  if ("business_hours" in g) return { kind: "business_hours", hours: g.business_hours };
  if ("business_days" in g) return { kind: "business_days", days: g.business_days };
  if ("calendar_days" in g) return { kind: "calendar_days", days: g.calendar_days };
  return { kind: "milestone_due" };
}
