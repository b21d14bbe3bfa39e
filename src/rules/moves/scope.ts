/**
 * Where a workflow applies and which of a resource's labels are its steps. A workflow that checks
 * moves ("guarded": an order, who may move, closing steps or requirements enforced by undoing the
 * move) owns its scope's labels on the resources it applies to: it alone adds, removes and repairs
 * them, so a repair and an undone move never pull the same label two ways in one plan.
 */
import type { ResourceSnapshot } from "../../domain/snapshot.js";
import type { CompiledPolicy, WorkflowDef, WorkflowStep } from "../../policy/model.js";

export function workflowApplies(w: WorkflowDef, s: ResourceSnapshot, policy: CompiledPolicy): boolean {
  if (!inWorkflowProjects(w, s)) return false;
  const canonicalLabels = new Set(s.labels.map((l) => policy.taxonomy.canonical(l) ?? l));
  return w.where.labels.every((l) => canonicalLabels.has(l));
}

/** The resource kind and project fit the workflow, whatever its labels. */
export function inWorkflowProjects(w: WorkflowDef, s: ResourceSnapshot): boolean {
  if (!w.appliesTo.includes(s.kind)) return false;
  return w.where.projectRoles.length === 0 || w.where.projectRoles.some((r) => s.projectRoles.includes(r));
}

export function isGuarded(w: WorkflowDef): boolean {
  return w.order === "forward-one-step" || w.unmetRequirements === "revert" || w.steps.some((s) => s.onlyBy !== null || s.closes === true);
}

export interface PresentStep {
  step: WorkflowStep;
  /** The spellings on the resource (canonical and/or aliases). */
  spelled: string[];
}

/** The workflow's steps on the resource, in the order of the labels. */
export function presentSteps(w: WorkflowDef, s: ResourceSnapshot, policy: CompiledPolicy): PresentStep[] {
  const found = new Map<string, PresentStep>();
  for (const label of s.labels) {
    const canonical = policy.taxonomy.canonical(label) ?? label;
    const step = w.steps.find((st) => st.label === canonical);
    if (!step) continue;
    const entry = found.get(step.label) ?? { step, spelled: [] };
    entry.spelled.push(label);
    found.set(step.label, entry);
  }
  return [...found.values()];
}

export function stepIndex(w: WorkflowDef, step: WorkflowStep | null): number {
  return step === null ? -1 : w.steps.findIndex((s) => s.label === step.label);
}

/**
 * Whether `label` is one of a guarded workflow's step labels (in any spelling) on a resource that
 * workflow applies to. Label hygiene and scoped exclusivity leave such labels to the workflow.
 */
export function labelOwnedByWorkflow(policy: CompiledPolicy, s: ResourceSnapshot, label: string): boolean {
  const canonical = policy.taxonomy.canonical(label) ?? label;
  return policy.workflows.some((w) => isGuarded(w) && w.steps.some((st) => st.label === canonical) && workflowApplies(w, s, policy));
}
