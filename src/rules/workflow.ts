/**
 * Scoped-label workflows (policies/workflows/*.yml): each step of a scoped set (e.g. the MktgOps
 * stages) states what a resource in that step must have. A resource with no step gets the
 * workflow's initial step; a resource that misses a requirement gets the attention label and one
 * note saying what the step requires and what is missing. The note is not repeated while the
 * same requirements stay unmet (its marker names them); the label goes when they are met.
 */
import type { Action } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { mention } from "../domain/text.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import type { CompiledPolicy, WorkflowDef, WorkflowStep } from "../policy/model.js";
import { labelRef } from "./labelRefs.js";
import { labelsForbiddenBy } from "./labelHygiene.js";
import type { Rule, RuleContext, RuleFactory } from "./types.js";
import { type Requirement, requirementsOf } from "./workflowRequirements.js";

export function workflowApplies(w: WorkflowDef, s: ResourceSnapshot, policy: CompiledPolicy): boolean {
  if (!w.appliesTo.includes(s.kind)) return false;
  if (w.where.projectRoles.length > 0 && !w.where.projectRoles.some((r) => s.projectRoles.includes(r))) return false;
  const canonicalLabels = new Set(s.labels.map((l) => policy.taxonomy.canonical(l) ?? l));
  return w.where.labels.every((l) => canonicalLabels.has(l));
}

interface CurrentStep {
  step: WorkflowStep;
  /** The label as it is spelled on the resource (may be an alias of step.label). */
  spelledAs: string;
}

/** The distinct steps of the workflow the resource is in (more than one means a scoped clash). */
export function currentSteps(w: WorkflowDef, s: ResourceSnapshot, policy: CompiledPolicy): CurrentStep[] {
  const found = new Map<string, CurrentStep>();
  for (const label of s.labels) {
    const canonical = policy.taxonomy.canonical(label);
    const step = w.steps.find((st) => st.label === canonical);
    if (step && (!found.has(step.label) || label === step.label)) found.set(step.label, { step, spelledAs: label });
  }
  return [...found.values()];
}

interface Violation {
  current: CurrentStep;
  requirements: Requirement[];
  unmet: Requirement[];
}

function violation(w: WorkflowDef, s: ResourceSnapshot, ctx: RuleContext): Violation | null {
  if (!workflowApplies(w, s, ctx.policy)) return null;
  const steps = currentSteps(w, s, ctx.policy);
  if (steps.length !== 1) return null;
  const current = steps[0]!;
  const requirements = requirementsOf(w, current.step, current.spelledAs, s, ctx);
  const unmet = requirements.filter((r) => r.problem !== null);
  return unmet.length > 0 ? { current, requirements, unmet } : null;
}

function recipient(s: ResourceSnapshot): string {
  const people = s.assignees.length > 0 ? s.assignees : [s.author];
  return people.map((p) => mention(p.username)).join(" ");
}

function createWorkflowRule(w: WorkflowDef, policy: CompiledPolicy): Rule {
  const id = `workflow:${w.id}`;
  const kindWord = (s: ResourceSnapshot) => (s.kind === "issue" ? "issue" : "merge request");
  return {
    id,
    description: w.description,
    appliesTo: w.appliesTo,
    needs(s) {
      if (!workflowApplies(w, s, policy) || s.state !== "opened") return {};
      const steps = currentSteps(w, s, policy);
      return steps.length === 1 && steps[0]!.step.requires.commentAfterLabel ? { labelEvents: true, notes: true } : {};
    },
    evaluate(s, ctx) {
      if (!workflowApplies(w, s, policy)) return [];
      const steps = currentSteps(w, s, policy);
      const actions: Action[] = [];
      if (steps.length === 0) {
        // A value of the scope that is not a step (e.g. `MktgOps::Events/FM Copy Review`) holds the
        // scope's one place: adding the initial step would displace it.
        const holdsScope = s.labels.some((l) => w.nonStepLabels?.includes(policy.taxonomy.canonical(l) ?? l));
        if (w.initial !== null && s.state === "opened" && !holdsScope && !labelsForbiddenBy(policy, s.labels).has(w.initial)) {
          actions.push({
            type: "add_labels",
            labels: [w.initial],
            rule: id,
            reason: `Every ${kindWord(s)} in this workflow starts in ${w.initial}; it had no ${w.scope}:: label.`,
          });
        }
        return actions;
      }
      const v = violation(w, s, ctx);
      if (v) {
        const missingKinds = v.unmet.map((r) => r.kind).sort();
        const reason = `${v.current.step.label} requires ${v.requirements.map((r) => r.text).join(", ")}; ${v.unmet.map((r) => r.problem).join("; ")}.`;
        if (w.attentionLabel !== null) actions.push({ type: "add_labels", labels: [w.attentionLabel], rule: id, reason });
        actions.push({
          type: "comment",
          rule: id,
          reason,
          marker: markerKey(id, v.current.step.value, ...missingKinds),
          body: renderTemplate(templateText(policy.templates, w.violationTemplate), {
            recipient: { trusted: recipient(s) },
            stage: { trusted: labelRef(v.current.step.label) },
            step: { trusted: labelRef(v.current.step.label) },
            workflow: w.id,
            requirements: { trusted: v.requirements.map((r) => `- ${r.text}`).join("\n") },
            missing: { trusted: v.unmet.map((r) => `- ${r.problem}`).join("\n") },
            title: s.title,
            ref: { trusted: `${s.projectPath}${s.kind === "issue" ? "#" : "!"}${s.iid}` },
            url: { trusted: s.webUrl },
            bot: { trusted: policy.scope.botUsername },
          }),
        });
        return actions;
      }
      // Requirements met: the attention label goes, unless another workflow that uses the same
      // label still finds something missing.
      if (w.attentionLabel !== null && s.labels.includes(w.attentionLabel)) {
        const stillNeeded = policy.workflows.some((other) => other !== w && other.attentionLabel === w.attentionLabel && violation(other, s, ctx));
        if (!stillNeeded) {
          actions.push({
            type: "remove_labels",
            labels: [w.attentionLabel],
            rule: id,
            reason: `${steps[0]!.step.label}: every requirement of the step is met now.`,
          });
        }
      }
      return actions;
    },
  };
}

export const workflows: RuleFactory = {
  kind: "workflow",
  create: (policy) => policy.workflows.map((w) => createWorkflowRule(w, policy)),
};
