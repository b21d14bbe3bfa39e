/**
 * workflows/*.yml -> WorkflowDef. Every ordered value of the scope's set becomes a step (values
 * the file does not list get no requirements); the file's steps must be values of that set.
 */
import type { Taxonomy } from "../../domain/labels.js";
import { resourceKinds } from "./appliesTo.js";
import type { AssigneeRequirement, MilestoneRequirement, ProofDef, StepRequirements, TextPattern, WorkflowDef, WorkflowStep } from "../model/workflow.js";
import type { StepFile, WorkflowFile } from "../schemas/workflow.js";
import type { PolicySource, ProblemSink } from "../source.js";
import { didYouMean } from "../suggest.js";
import { tryPolicyRegex } from "../regex.js";

export function compileWorkflow(
  source: PolicySource,
  data: WorkflowFile,
  labels: { taxonomy: Taxonomy; outsideOrder: Map<string, string[]> },
  sink: ProblemSink,
): WorkflowDef | undefined {
  const { taxonomy } = labels;
  const set = taxonomy.set(data.scope);
  if (!set) {
    const keys = taxonomy.scopedSets.map((s) => s.key);
    sink.at(source, ["scope"], `scope '${data.scope}' is not a scoped set in labels.yml${didYouMean(data.scope, keys) || ` — sets: ${keys.join(", ")}`}`);
    return undefined;
  }
  if (!set.ordered) {
    sink.at(source, ["scope"], `scope '${data.scope}' is not an ordered set in labels.yml (set 'ordered: true' there if its values are steps)`);
  }
  const stepValues = set.labels.map((l) => l.slice(data.scope.length + 2));
  const outside = (labels.outsideOrder.get(data.scope) ?? []).map((l) => l.slice(data.scope.length + 2));

  const checkValue = (value: string, path: (string | number)[], what: string): boolean => {
    if (stepValues.includes(value)) return true;
    if (outside.includes(value)) {
      sink.at(source, path, `${what} '${value}' is a label of the ${data.scope} scope but not one of its ordered values (in_order: false in labels.yml), so it cannot be a step`);
    } else {
      sink.at(source, path, `${what} '${value}' is not a value of the ${data.scope} set in labels.yml${didYouMean(value, stepValues) || ` — values: ${stepValues.join(", ")}`}`);
    }
    return false;
  };

  const byValue = new Map<string, StepFile>();
  data.steps.forEach((step, i) => {
    if (!checkValue(step.value, ["steps", i, "value"], "step")) return;
    if (byValue.has(step.value)) {
      sink.at(source, ["steps", i, "value"], `step '${step.value}' is listed twice: merge its requirements into one entry`);
      return;
    }
    byValue.set(step.value, step);
    const m = step.requires?.milestone;
    if (m && typeof m === "object") {
      for (const key of ["title", "not_title"] as const) {
        const text = m[key];
        const problem = text === undefined ? undefined : patternProblem(text);
        if (problem) sink.at(source, ["steps", i, "requires", "milestone", key], problem);
      }
    }
    const proof = step.requires?.proof;
    if (proof !== undefined && !(proof in (data.proofs ?? {}))) {
      const names = Object.keys(data.proofs ?? {});
      sink.at(source, ["steps", i, "requires", "proof"], `proof '${proof}' is not defined under proofs: in this file${didYouMean(proof, names) || (names.length ? ` — proofs: ${names.join(", ")}` : "")}`);
    }
  });

  const proofs: Record<string, ProofDef> = {};
  for (const [name, p] of Object.entries(data.proofs ?? {})) {
    if (!checkValue(p.while_in, ["proofs", name, "while_in"], "step")) continue;
    const heading = p.counts_as.heading;
    const problem = heading === undefined ? undefined : patternProblem(heading);
    if (problem) sink.at(source, ["proofs", name, "counts_as", "heading"], problem);
    proofs[name] = {
      name,
      description: p.description,
      whileIn: `${data.scope}::${p.while_in}`,
      byAuthor: p.by.includes("author"),
      byGroups: p.by.filter((b) => b !== "author"),
      upload: p.counts_as.upload === true,
      heading: heading === undefined ? null : parsePattern(heading),
    };
  }

  if (data.steps.some((st) => st.closes) && data.close_template === undefined) {
    sink.at(source, ["steps"], "a step has closes: true: add close_template: <template> for the note posted when the issue is closed");
  }
  if (data.steps.some((st) => st.remind) && data.reminder_template === undefined) {
    sink.at(source, ["steps"], "a step has remind: add reminder_template: <template> for the reminder note");
  }
  const checkedFrom = data.moves_checked_from === undefined ? undefined : new Date(`${data.moves_checked_from}T00:00:00Z`);
  if (checkedFrom && (Number.isNaN(checkedFrom.getTime()) || checkedFrom.toISOString().slice(0, 10) !== data.moves_checked_from)) {
    sink.at(source, ["moves_checked_from"], `'${data.moves_checked_from}' is not a calendar date: write YYYY-MM-DD, e.g. "2026-11-18"`);
  }
  let commands: WorkflowDef["commands"];
  if (data.commands && checkValue(data.commands.approve, ["commands", "approve"], "step")) {
    commands = { approveStep: `${data.scope}::${data.commands.approve}`, replyTemplate: data.commands.reply_template };
    if (!data.steps.some((st) => st.value === data.commands!.approve && st.only_by)) {
      sink.at(source, ["commands", "approve"], `step '${data.commands.approve}' has no only_by: say who may approve with only_by: <people group> on that step`);
    }
  }

  let initial: string | null = null;
  if (data.initial !== undefined && data.initial !== null && checkValue(data.initial, ["initial"], "initial value")) {
    initial = `${data.scope}::${data.initial}`;
  }

  const steps: WorkflowStep[] = set.labels.map((label, i) => {
    const value = stepValues[i]!;
    const step = byValue.get(value);
    return {
      label,
      value,
      description: step?.description ?? taxonomy.definition(label)?.description ?? "",
      requires: requirements(step),
      onlyBy: step?.only_by ?? null,
      mayClose: step?.may_close ?? step?.closes ?? false,
      ...(step?.closes ? { closes: true } : {}),
      ...(step?.completes ? { completes: true } : {}),
      ...(step?.remind?.comment_after_label ? { remind: { commentAfterLabel: true as const } } : {}),
    };
  });

  const outsideLabels = labels.outsideOrder.get(data.scope);
  return {
    id: data.workflow,
    description: data.description,
    file: source.file,
    scope: data.scope,
    appliesTo: resourceKinds(data.applies_to),
    where: { projectRoles: data.where?.project_roles ?? [], labels: data.where?.labels ?? [] },
    initial,
    order: data.order,
    attentionLabel: data.attention_label ?? null,
    violationTemplate: data.violation_template,
    steps,
    ...(outsideLabels ? { nonStepLabels: outsideLabels } : {}),
    ...(data.unmet_requirements ? { unmetRequirements: data.unmet_requirements } : {}),
    ...(checkedFrom ? { movesCheckedFrom: checkedFrom } : {}),
    ...(data.revert_template ? { revertTemplate: data.revert_template } : {}),
    ...(data.close_template ? { closeTemplate: data.close_template } : {}),
    ...(data.reminder_template ? { reminderTemplate: data.reminder_template } : {}),
    ...(data.intake ? { intake: { missingLabelsTemplate: data.intake.missing_labels_template } } : {}),
    ...(data.proofs ? { proofs } : {}),
    ...(commands ? { commands } : {}),
  };
}

function requirements(step: StepFile | undefined): StepRequirements {
  const r = step?.requires;
  if (!r) return {};
  const out: StepRequirements = {};
  if (r.milestone !== undefined) out.milestone = milestoneRequirement(r.milestone);
  if (r.assignee !== undefined) out.assignee = assigneeRequirement(r.assignee);
  if (r.comment_after_label !== undefined) out.commentAfterLabel = r.comment_after_label;
  if (r.labels !== undefined) out.labels = r.labels;
  if (r.proof !== undefined) out.proof = r.proof;
  return out;
}

function milestoneRequirement(m: NonNullable<NonNullable<StepFile["requires"]>["milestone"]>): MilestoneRequirement {
  if (typeof m === "string") return { kind: m };
  if (m.title !== undefined && m.not_title === undefined && m.timing === undefined) {
    const parsed = parsePattern(m.title);
    return { kind: "title", pattern: parsed.pattern, flags: parsed.flags };
  }
  return {
    kind: "match",
    ...(m.title !== undefined ? { title: parsePattern(m.title) } : {}),
    ...(m.not_title !== undefined ? { notTitle: parsePattern(m.not_title) } : {}),
    ...(m.timing !== undefined ? { timing: m.timing } : {}),
  };
}

function assigneeRequirement(a: NonNullable<NonNullable<StepFile["requires"]>["assignee"]>): AssigneeRequirement {
  if (typeof a === "string") return { kind: a };
  return a.group !== undefined ? { kind: "group", group: a.group } : { kind: "not-group", group: a.not_group! };
}

/** `/re/flags` is a regular expression; any other text must equal the milestone title exactly. */
export function parsePattern(text: string): TextPattern {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (m) return { pattern: m[1]!, flags: m[2]! };
  return { pattern: `^${text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`, flags: "" };
}

function patternProblem(text: string): string | undefined {
  const { pattern, flags } = parsePattern(text);
  const compiled = tryPolicyRegex(pattern, flags);
  return compiled.ok ? undefined : `invalid regular expression ${text}: ${compiled.why}`;
}
