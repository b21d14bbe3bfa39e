/**
 * `labels sync`: read the group's and each project's labels, plan the fixes (syncPlan.ts), carry
 * them out as a scope plan through `platform.applyScope` (dry-run honoured there), and report
 * drift. One failing label does not stop the others; the report lists it.
 */
import type { Logger } from "pino";
import { GitLabApiError, RefusedWriteError } from "../gitlab/errors.js";
import { describeOwner, type LabelChanges } from "../gitlab/labels.js";
import type { ScopeActionOutcome, ScopePlan, ScopePlanAction } from "../engine/scopePlan.js";
import type { LabelPlatform } from "../engine/scopePlatform.js";
import type { CompiledPolicy } from "../policy/model.js";
import { desiredLabels } from "./desired.js";
import { findDrift, type DriftGroup } from "./drift.js";
import type { LabelInventory } from "./inventory.js";
import { requestsBetween, type RequestCount } from "./requests.js";
import { spellingsInUse, type SpellingInUse } from "./spelling.js";
import { manualPriorities, planLabelSync, type LabelFix, type ManualPriority } from "./syncPlan.js";

export interface LabelSyncDeps {
  policy: CompiledPolicy;
  platform: LabelPlatform;
  dryRun: boolean;
  logger?: Logger;
}

export type FixOutcome = { status: "done" } | { status: "dry-run" } | { status: "failed"; error: string };

export interface LabelSyncReport {
  dryRun: boolean;
  group: string;
  /** Projects in scope outside the group: they get project-level copies of every label. */
  outsideProjects: string[];
  labelsInTaxonomy: number;
  fixes: Array<LabelFix & { outcome: FixOutcome }>;
  /** Group labels whose board priority a person sets in a project (GitLab's API cannot). */
  manualPriorities: ManualPriority[];
  /**
   * Labels GitLab already spells otherwise, on more issues than labels.yml's spelling: not created
   * (that would start a second spelling on the board); the report proposes the labels.yml change.
   */
  spellings: SpellingInUse[];
  drift: DriftGroup[];
  requests: RequestCount;
  errors: string[];
}

export function isInsideGroup(projectPath: string, group: string): boolean {
  return projectPath.toLowerCase().startsWith(`${group.toLowerCase()}/`);
}

/** The group's own labels (with counts) and, per project in scope, every label it sees. */
export async function readInventory(platform: LabelPlatform, policy: CompiledPolicy): Promise<LabelInventory> {
  const reads = platform.labelReads;
  const group = policy.scope.group;
  const [groupLabels, projects] = await Promise.all([
    reads.labels({ kind: "group", path: group }, { includeAncestors: false, withCounts: true }),
    Promise.all(
      policy.scope.projects.map(async (p) => ({
        path: p.path,
        insideGroup: isInsideGroup(p.path, group),
        labels: await reads.labels({ kind: "project", path: p.path }, { includeAncestors: true, withCounts: true }),
      })),
    ),
  ]);
  return { group, groupLabels, projects };
}

/** The scope action that carries out one fix. */
export function actionForFix(fix: LabelFix): Extract<ScopePlanAction, { type: "create_label" | "update_label" }> {
  const origin = { rule: "labels:sync", reason: `policies/labels.yml defines "${fix.name}" otherwise than ${describeOwner(fix.owner)} has it.` };
  if (fix.type === "create") return { type: "create_label", owner: fix.owner, label: fix.label, ...origin };
  const changes: LabelChanges = {};
  for (const c of fix.changes) {
    if (c.field === "priority") changes.priority = c.to as number | null;
    else changes[c.field] = String(c.to);
  }
  return { type: "update_label", owner: fix.owner, label: fix.target, changes, ...origin };
}

/** Failures GitLab or the bot's own checks explain; anything else (a bug, a crash) propagates. */
export function explainedFailure(error: unknown): string | undefined {
  if (error instanceof GitLabApiError || error instanceof RefusedWriteError) return error.message;
  return undefined;
}

/** The fixes, sent at once; a failure GitLab explains is the fix's outcome, anything else propagates. */
async function carryOut(platform: LabelPlatform, fixes: LabelFix[]): Promise<Array<LabelFix & { outcome: FixOutcome }>> {
  const plan: ScopePlan = { actions: fixes.map(actionForFix), concurrent: true };
  const result = await platform.applyScope(plan);
  return fixes.map((fix, i) => ({ ...fix, outcome: fixOutcome(fix, result.outcomes[i]!, result.dryRun) }));
}

function fixOutcome(fix: LabelFix, outcome: ScopeActionOutcome, dryRun: boolean): FixOutcome {
  if (outcome.error === undefined) return dryRun ? { status: "dry-run" } : { status: "done" };
  const message = explainedFailure(outcome.error);
  if (message === undefined) throw outcome.error;
  return { status: "failed", error: `"${fix.name}" in ${describeOwner(fix.owner)}: ${message}` };
}

export async function runLabelSync(deps: LabelSyncDeps): Promise<LabelSyncReport> {
  const { policy, platform } = deps;
  const before = platform.requestStats();
  const inventory = await readInventory(platform, policy);
  const spellings = spellingsInUse(policy.taxonomy, [...inventory.groupLabels, ...inventory.projects.flatMap((p) => p.labels)]);
  const otherwiseSpelled = new Set(spellings.map((s) => s.policy));
  const desired = desiredLabels(policy.taxonomy).filter((d) => !otherwiseSpelled.has(d.name));
  const fixes = planLabelSync(desired, inventory);
  // Group labels first, so a project sees a group label this run creates before its own fixes.
  const groupFixes = await carryOut(platform, fixes.filter((f) => f.owner.kind === "group"));
  const projectFixes = await carryOut(platform, fixes.filter((f) => f.owner.kind === "project"));
  const done = [...groupFixes, ...projectFixes];
  const errors = done.flatMap((f) => (f.outcome.status === "failed" ? [f.outcome.error] : []));
  for (const e of errors) deps.logger?.error(e);
  return {
    dryRun: deps.dryRun,
    group: policy.scope.group,
    outsideProjects: inventory.projects.filter((p) => !p.insideGroup).map((p) => p.path),
    labelsInTaxonomy: policy.taxonomy.definitions.length,
    fixes: done,
    manualPriorities: manualPriorities(desired, inventory),
    spellings,
    drift: findDrift(policy.taxonomy, inventory),
    requests: requestsBetween(before, platform.requestStats()),
    errors,
  };
}
