/**
 * Checks between policy files: every label, people group, template and project role a file
 * names must exist where it is defined. Problems point at the reference, with the nearest
 * defined name suggested.
 */
import type { Taxonomy } from "../domain/labels.js";
import type { DigestFile } from "./schemas/digest.js";
import type { HygieneFile } from "./schemas/hygiene.js";
import type { SlaFile } from "./schemas/sla.js";
import type { IntakeFile } from "./schemas/intake.js";
import type { MilestonesFile } from "./schemas/milestones.js";
import type { NotificationsFile } from "./schemas/notifications.js";
import type { RolloutFile } from "./schemas/rollout.js";
import type { ToolsFile } from "./schemas/tools.js";
import type { ConditionsFile, TriageFile } from "./schemas/triage.js";
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
    if (assignee && typeof assignee === "object") {
      if (assignee.group !== undefined) checkGroup(ctx, source, ["steps", i, "requires", "assignee", "group"], assignee.group);
      if (assignee.not_group !== undefined) checkGroup(ctx, source, ["steps", i, "requires", "assignee", "not_group"], assignee.not_group);
    }
    (step.requires?.labels ?? []).forEach((l, li) => checkLabel(ctx, source, ["steps", i, "requires", "labels", li], l));
  });
  for (const key of ["revert_template", "close_template", "reminder_template"] as const) {
    const name = wf[key];
    if (name !== undefined) checkTemplate(ctx, source, [key], name);
  }
  if (wf.intake) checkTemplate(ctx, source, ["intake", "missing_labels_template"], wf.intake.missing_labels_template);
  if (wf.commands) checkTemplate(ctx, source, ["commands", "reply_template"], wf.commands.reply_template);
  for (const [name, proof] of Object.entries(wf.proofs ?? {})) {
    proof.by.forEach((who, i) => {
      if (who !== "author") checkGroup(ctx, source, ["proofs", name, "by", i], who);
    });
  }
}

export function checkHygieneReferences(ctx: CrossrefContext, source: PolicySource, h: HygieneFile): void {
  (h.conflicts ?? []).forEach((c, i) => {
    checkLabel(ctx, source, ["conflicts", i, "when_present"], c.when_present);
    c.remove.forEach((l, li) => checkLabel(ctx, source, ["conflicts", i, "remove", li], l));
  });
}

function checkLabelPattern(ctx: CrossrefContext, source: PolicySource, path: DataPath, label: string): void {
  if (label === "*") return;
  if (!label.endsWith("::*")) return checkLabel(ctx, source, path, label);
  const key = label.slice(0, -3);
  const t = ctx.taxonomy;
  if (!t || t.set(key)) return;
  const keys = t.scopedSets.map((s) => s.key);
  ctx.sink.at(source, path, `'${label}' names no scoped set: '${key}' is not a set in labels.yml${didYouMean(key, keys) || ` — sets: ${keys.join(", ")}`}`);
}

function checkRole(ctx: CrossrefContext, source: PolicySource, path: DataPath, role: string): void {
  if (!ctx.roles || ctx.roles.has(role)) return;
  ctx.sink.at(source, path, `project role '${role}' is not given to any project in scope.yml${didYouMean(role, ctx.roles) || ` — roles: ${[...ctx.roles].join(", ")}`}`);
}

function checkTemplate(ctx: CrossrefContext, source: PolicySource, path: DataPath, name: string): void {
  if (ctx.templates.has(name)) return;
  ctx.sink.at(source, path, `template '${name}' not found: expected the file templates/${name}.md${didYouMean(name, ctx.templates)}`);
}

function checkTriageConditions(ctx: CrossrefContext, source: PolicySource, w: ConditionsFile, path: DataPath): void {
  for (const kind of ["all", "any", "none"] as const) {
    (w.labels?.[kind] ?? []).forEach((l, i) => checkLabelPattern(ctx, source, [...path, "labels", kind, i], l));
  }
  if (w.label_age) checkLabel(ctx, source, [...path, "label_age", "label"], w.label_age.label);
  if (w.assignee && typeof w.assignee === "object") checkGroup(ctx, source, [...path, "assignee", "group"], w.assignee.group);
  if (w.author) checkGroup(ctx, source, [...path, "author", "group"], w.author.group);
  (w.any ?? []).forEach((b, i) => checkTriageConditions(ctx, source, b, [...path, "any", i]));
  if (w.not) checkTriageConditions(ctx, source, w.not, [...path, "not"]);
}

export function checkTriageReferences(ctx: CrossrefContext, source: PolicySource, file: TriageFile): void {
  file.rules.forEach((rule, r) => {
    const at = (...p: (string | number)[]): DataPath => ["rules", r, ...p];
    (rule.where?.project_roles ?? []).forEach((role, i) => checkRole(ctx, source, at("where", "project_roles", i), role));
    checkTriageConditions(ctx, source, rule.when, at("when"));
    const t = rule.then;
    (t.add_labels ?? []).forEach((l, i) => checkLabel(ctx, source, at("then", "add_labels", i), l));
    (t.remove_labels ?? []).forEach((l, i) => checkLabelPattern(ctx, source, at("then", "remove_labels", i), l));
    if (t.note) {
      checkTemplate(ctx, source, at("then", "note", "template"), t.note.template);
      if (t.note.to && typeof t.note.to === "object") checkGroup(ctx, source, at("then", "note", "to", "group"), t.note.to.group);
    }
    if (t.assign && "group" in t.assign) checkGroup(ctx, source, at("then", "assign", "group"), t.assign.group);
    if (t.summarize) {
      checkTemplate(ctx, source, at("then", "summarize", t.summarize.template ? "template" : "title"), t.summarize.template ?? "triage-summary");
      if (t.summarize.issue) {
        checkRole(ctx, source, at("then", "summarize", "issue", "project_role"), t.summarize.issue.project_role);
        (t.summarize.issue.labels ?? []).forEach((l, i) => checkLabel(ctx, source, at("then", "summarize", "issue", "labels", i), l));
      }
    }
  });
}

/** milestones.yml: labels, templates, the MR project role, the override group and the rollover channel. */
/** `channels` is null when notifications.yml exists but has problems of its own: the channel is then not checked. */
export function checkMilestonesReferences(ctx: CrossrefContext, source: PolicySource, m: MilestonesFile, channels: Set<string> | null | undefined): void {
  m.milestone_mr.labels.forEach((l, i) => checkLabel(ctx, source, ["milestone_mr", "labels", i], l));
  checkRole(ctx, source, ["milestone_mr", "project_role"], m.milestone_mr.project_role);
  checkTemplate(ctx, source, ["milestone_mr", "description_template"], m.milestone_mr.description_template);
  checkTemplate(ctx, source, ["milestone_mr", "close_blocked_template"], m.milestone_mr.close_blocked_template);
  checkTemplate(ctx, source, ["rollover", "note_template"], m.rollover.note_template);
  checkTemplate(ctx, source, ["reopen_guard", "template"], m.reopen_guard.template);
  if (m.rollover.flag_label) checkLabel(ctx, source, ["rollover", "flag_label"], m.rollover.flag_label);
  (m.rollover.leave_labels ?? []).forEach((l, i) => checkLabel(ctx, source, ["rollover", "leave_labels", i], l));
  (m.rollover.completed_labels ?? []).forEach((l, i) => checkLabel(ctx, source, ["rollover", "completed_labels", i], l));
  if (m.reopen_guard.override_label) checkLabel(ctx, source, ["reopen_guard", "override_label"], m.reopen_guard.override_label);
  checkGroup(ctx, source, ["reopen_guard", "override_group"], m.reopen_guard.override_group);
  if (channels !== null) checkChannel(ctx, source, ["rollover", "slack_channel"], m.rollover.slack_channel, channels, "the rollover", "add it");
}

/** A Slack channel a file posts to must be a channel of notifications.yml. */
function checkChannel(ctx: CrossrefContext, source: PolicySource, path: DataPath, channel: string, channels: Set<string> | undefined, who: string, fix: string): void {
  if (channels === undefined) {
    ctx.sink.at(source, path, `${who} posts to Slack channel '${channel}', but there is no notifications.yml defining channels: ${fix}`);
  } else if (!channels.has(channel)) {
    ctx.sink.at(source, path, `channel '${channel}' is not defined in notifications.yml${didYouMean(channel, channels) || ` — channels: ${[...channels].join(", ")}`}`);
  }
}

/** notifications.yml: every routing label is defined. */
export function checkNotificationsReferences(ctx: CrossrefContext, source: PolicySource, n: NotificationsFile): void {
  n.handbook_updates.forEach((r, i) => checkLabel(ctx, source, ["handbook_updates", i, "label"], r.label));
}

/** tools.yml: tool labels (unknown ones are errors), the owner group, templates and the audit project. */
export function checkToolsReferences(ctx: CrossrefContext, source: PolicySource, t: ToolsFile): void {
  checkGroup(ctx, source, ["tools_dri_group"], t.tools_dri_group);
  checkRole(ctx, source, ["audits", "project_role"], t.audits.project_role);
  t.audits.labels.forEach((l, i) => checkLabel(ctx, source, ["audits", "labels", i], l));
  t.renewals.labels.forEach((l, i) => checkLabel(ctx, source, ["renewals", "labels", i], l));
  checkLabel(ctx, source, ["evaluations", "label"], t.evaluations.label);
  checkTemplate(ctx, source, ["audits", "template"], t.audits.template);
  checkTemplate(ctx, source, ["audits", "unowned_template"], t.audits.unowned_template);
  if (t.audits.reminder_template !== undefined) checkTemplate(ctx, source, ["audits", "reminder_template"], t.audits.reminder_template);
  checkTemplate(ctx, source, ["renewals", "template"], t.renewals.template);
  checkTemplate(ctx, source, ["evaluations", "template"], t.evaluations.template);
  checkTemplate(ctx, source, ["evaluations", "manager_checklist_template"], t.evaluations.manager_checklist_template);
  t.tools.forEach((tool, i) => {
    if (tool.label !== undefined) checkLabel(ctx, source, ["tools", i, "label"], tool.label);
  });
}

/** intake.yml: project roles, stage labels, skipped labels and templates. */
export function checkIntakeReferences(ctx: CrossrefContext, source: PolicySource, f: IntakeFile): void {
  f.project_roles.forEach((role, i) => checkRole(ctx, source, ["project_roles", i], role));
  checkLabel(ctx, source, ["user_story", "start_label"], f.user_story.start_label);
  checkLabel(ctx, source, ["user_story", "label"], f.user_story.label);
  (f.user_story.skip_labels ?? []).forEach((l, i) => checkLabel(ctx, source, ["user_story", "skip_labels", i], l));
  checkTemplate(ctx, source, ["user_story", "template"], f.user_story.template);
  checkTemplate(ctx, source, ["pii", "template"], f.pii.template);
}

/** digest.yml: the project role, labels, template, triage label, priority set and Slack channel. */
export function checkDigestReferences(ctx: CrossrefContext, source: PolicySource, d: DigestFile, channels: Set<string> | undefined): void {
  checkRole(ctx, source, ["project_role"], d.project_role);
  (d.labels ?? []).forEach((l, i) => checkLabel(ctx, source, ["labels", i], l));
  checkTemplate(ctx, source, ["template"], d.template);
  checkLabel(ctx, source, ["triage", "label"], d.triage.label);
  checkLabelPattern(ctx, source, ["priority_scope"], `${d.priority_scope}::*`);
  (d.priority_not_needed ?? []).forEach((l, i) => checkLabel(ctx, source, ["priority_not_needed", i], l));
  if (d.slack_channel !== undefined) checkChannel(ctx, source, ["slack_channel"], d.slack_channel, channels, "the digest", "add it, or remove slack_channel");
}

/** sla.yml: every label, people group, template and project role an SLA names. */
export function checkSlaReferences(ctx: CrossrefContext, source: PolicySource, f: SlaFile): void {
  if (f.report) checkRole(ctx, source, ["report", "project_role"], f.report.project_role);
  f.slas.forEach((d, i) => {
    const at = (...p: (string | number)[]): DataPath => ["slas", i, ...p];
    const labels = (list: string[] | undefined, ...p: (string | number)[]) => (list ?? []).forEach((l, li) => checkLabel(ctx, source, at(...p, li), l));
    (d.where?.project_roles ?? []).forEach((role, ri) => checkRole(ctx, source, at("where", "project_roles", ri), role));
    labels(d.where?.labels, "where", "labels");
    labels(d.where?.any_label, "where", "any_label");
    labels(d.where?.no_label, "where", "no_label");
    if (d.start.label !== undefined) checkLabel(ctx, source, at("start", "label"), d.start.label);
    labels(d.start.wait_while, "start", "wait_while");
    labels(d.pause_while, "pause_while");
    labels(d.stop?.labeled, "stop", "labeled");
    labels(d.stop?.unlabeled, "stop", "unlabeled");
    // A goal may name an older spelling (an alias) on purpose: it then covers only that spelling.
    for (const label of Object.keys(d.goals ?? {})) {
      if (!ctx.taxonomy?.aliasTarget(label)) checkLabel(ctx, source, at("goals", label), label);
    }
    if (d.warning?.label) checkLabel(ctx, source, at("warning", "label"), d.warning.label);
    if (d.warning?.note) checkTemplate(ctx, source, at("warning", "note"), d.warning.note);
    if (d.warning?.unassigned_notify) checkGroup(ctx, source, at("warning", "unassigned_notify"), d.warning.unassigned_notify);
    if (d.breach?.label) checkLabel(ctx, source, at("breach", "label"), d.breach.label);
    if (d.breach?.note) checkTemplate(ctx, source, at("breach", "note"), d.breach.note);
    if (d.breach?.mention) checkGroup(ctx, source, at("breach", "mention"), d.breach.mention);
    if (d.due_date) checkTemplate(ctx, source, at("due_date", "note"), d.due_date.note);
    if (d.due_date?.adjusted_only_by) checkGroup(ctx, source, at("due_date", "adjusted_only_by"), d.due_date.adjusted_only_by);
    if (d.due_date?.revert_note) checkTemplate(ctx, source, at("due_date", "revert_note"), d.due_date.revert_note);
  });
}

/** A triage summary posted to Slack names a channel of notifications.yml (which holds its webhook). */
export function checkTriageChannels(ctx: CrossrefContext, source: PolicySource, file: TriageFile, channels: Set<string> | undefined): void {
  file.rules.forEach((rule, r) => {
    const channel = rule.then.summarize?.slack?.channel;
    if (channel === undefined) return;
    const path: DataPath = ["rules", r, "then", "summarize", "slack", "channel"];
    if (channels === undefined) {
      ctx.sink.at(source, path, `the summary posts to Slack channel '${channel}', but there is no notifications.yml defining channels: add it`);
    } else if (!channels.has(channel)) {
      ctx.sink.at(source, path, `channel '${channel}' is not defined in notifications.yml${didYouMean(channel, channels) || ` — channels: ${[...channels].join(", ")}`}`);
    }
  });
}

/** The project role and the report labels rollout.yml names exist in scope.yml and labels.yml. */
export function checkRolloutReferences(ctx: CrossrefContext, source: PolicySource, r: RolloutFile): void {
  if (r.attention?.project_role !== undefined) checkRole(ctx, source, ["attention", "project_role"], r.attention.project_role);
  (r.report?.labels ?? []).forEach((l, i) => checkLabel(ctx, source, ["report", "labels", i], l));
}
