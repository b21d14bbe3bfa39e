/**
 * Checks between policy files: every label, people group, template and project role a file
 * names must exist where it is defined. Problems point at the reference, with the nearest
 * defined name suggested.
 */
import type { Taxonomy } from "../domain/labels.js";
import type { HygieneFile } from "./schemas/hygiene.js";
import type { WorkflowFile } from "./schemas/workflow.js";
import type { DataPath, PolicySource, ProblemSink } from "./source.js";
import { didYouMean } from "./suggest.js";

export interface CrossrefContext {
  taxonomy?: Taxonomy;
  people?: Record<string, string[]>;
  /** Template names (file names without .md). */
  templates: Set<string>;
  /** Roles of the projects in scope.yml. */
  roles?: Set<string>;
  sink: ProblemSink;
}

export function checkLabel(ctx: CrossrefContext, source: PolicySource, path: DataPath, label: string): void {
  const t = ctx.taxonomy;
  if (!t || t.isDefined(label)) return;
  const canonical = t.canonical(label);
  const hint = canonical !== undefined ? ` — use the canonical spelling '${canonical}'` : didYouMean(label, t.definitions.map((d) => d.name));
  ctx.sink.at(source, path, `label '${label}' is not defined in labels.yml${hint}`);
}

function checkGroup(ctx: CrossrefContext, source: PolicySource, path: DataPath, group: string): void {
  if (!ctx.people || group in ctx.people) return;
  const names = Object.keys(ctx.people);
  ctx.sink.at(source, path, `people group '${group}' is not defined in people.yml${didYouMean(group, names) || ` — groups: ${names.join(", ")}`}`);
}

export function checkWorkflowReferences(ctx: CrossrefContext, source: PolicySource, wf: WorkflowFile): void {
  (wf.where?.labels ?? []).forEach((l, i) => checkLabel(ctx, source, ["where", "labels", i], l));
  if (wf.attention_label) checkLabel(ctx, source, ["attention_label"], wf.attention_label);
  (wf.where?.project_roles ?? []).forEach((role, i) => {
    if (ctx.roles && !ctx.roles.has(role)) {
      ctx.sink.at(source, ["where", "project_roles", i], `project role '${role}' is not given to any project in scope.yml${didYouMean(role, ctx.roles) || ` — roles: ${[...ctx.roles].join(", ")}`}`);
    }
  });
  if (!ctx.templates.has(wf.violation_template)) {
    ctx.sink.at(source, ["violation_template"], `template '${wf.violation_template}' not found: expected the file templates/${wf.violation_template}.md${didYouMean(wf.violation_template, ctx.templates)}`);
  }
  wf.steps.forEach((step, i) => {
    if (step.only_by) checkGroup(ctx, source, ["steps", i, "only_by"], step.only_by);
    const assignee = step.requires?.assignee;
    if (assignee && typeof assignee === "object") checkGroup(ctx, source, ["steps", i, "requires", "assignee", "group"], assignee.group);
    (step.requires?.labels ?? []).forEach((l, li) => checkLabel(ctx, source, ["steps", i, "requires", "labels", li], l));
  });
}

export function checkHygieneReferences(ctx: CrossrefContext, source: PolicySource, h: HygieneFile): void {
  (h.conflicts ?? []).forEach((c, i) => {
    checkLabel(ctx, source, ["conflicts", i, "when_present"], c.when_present);
    c.remove.forEach((l, li) => checkLabel(ctx, source, ["conflicts", i, "remove", li], l));
  });
}
