/**
 * Carrying out a scope plan (engine/scopePlan.ts): action by action, in order (or all at once when
 * the plan says its actions are independent), each through the writer for its kind: the
 * platform's idempotent "ensure" writes (ensureIssue.ts, markedNotes.ts), its resource-plan apply,
 * milestones.ts, mergeRequests.ts, labels.ts. Those writers are where dry-run is honoured: every
 * one of them gets the platform's one dry-run flag. One failing action does not stop the others:
 * its outcome carries the error, as one failing resource does not stop a sweep.
 */
import type { ResourcePlan } from "../domain/plan.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { EnsureIssueAction, ScopeActionOutcome, ScopeApplyResult, ScopePlan, ScopePlanAction, ScopeRequest } from "../engine/scopePlan.js";
import type { EnsureIssueResult } from "./ensureIssue.js";
import type { EnsureNoteResult } from "./markedNotes.js";
import type { PlannedRequest } from "./writes.js";
import { addMergeRequestLabels, branchExists, createBranch, createMergeRequest } from "./mergeRequests.js";
import { createGroupMilestone, mapTeamMilestone, updateGroupMilestone } from "./milestones.js";
import type { ScopeWriteOutcome, ScopeWriter } from "./scopeWrites.js";
import { createLabelRequest, deleteLabelRequest, updateLabelRequest, type LabelRequest, type LabelWriter } from "./labels.js";

/** The platform's writers, as the apply needs them, all built with the platform's dry-run flag. */
export interface ScopeWrites {
  dryRun: boolean;
  /** Milestones, branches and merge requests are sent through it (scopeWrites.ts). */
  writer: ScopeWriter;
  labels: LabelWriter;
  ensureIssue(action: EnsureIssueAction): Promise<EnsureIssueResult>;
  ensureNote(target: ResourceSnapshot, marker: string, body: string): Promise<EnsureNoteResult>;
  apply(plan: ResourcePlan): Promise<{ writes: number; requests: PlannedRequest[] }>;
}

function reported(request: PlannedRequest | LabelRequest): ScopeRequest {
  return { method: request.method, route: request.route, ...(request.body !== undefined ? { body: request.body } : {}) };
}

async function sentLabel(writes: ScopeWrites, action: ScopePlanAction, request: LabelRequest): Promise<ScopeActionOutcome> {
  const outcome = await writes.labels.send(request);
  return { action, requests: [reported(outcome.request)] };
}

/** The outcome of one plain write; `milestone` maps GitLab's answer to a milestone when there is one. */
function sent(action: ScopePlanAction, outcome: ScopeWriteOutcome, milestone?: (body: unknown) => ScopeActionOutcome["milestone"]): ScopeActionOutcome {
  const result: ScopeActionOutcome = { action, requests: [reported(outcome.request)] };
  if (milestone !== undefined && outcome.status === "written") result.milestone = milestone(outcome.body);
  return result;
}

async function applyOne(writes: ScopeWrites, action: ScopePlanAction): Promise<ScopeActionOutcome> {
  switch (action.type) {
    case "ensure_issue": {
      const { requests, ...issue } = await writes.ensureIssue(action);
      return { action, issue, requests: requests.map(reported) };
    }
    case "ensure_note": {
      const result = await writes.ensureNote(action.target, action.marker, action.body);
      const note = { status: result.action, ...(result.noteId !== undefined ? { noteId: result.noteId } : {}) };
      return { action, note, requests: result.request ? [reported(result.request)] : [] };
    }
    case "apply_plan": {
      const result = await writes.apply(action.plan);
      return { action, applied: { writes: result.writes }, requests: result.requests.map(reported) };
    }
    case "create_milestone":
      return sent(action, await createGroupMilestone(writes.writer, action.group, action.milestone), (body) => mapTeamMilestone(body, action.today, action.group));
    case "update_milestone":
      return sent(action, await updateGroupMilestone(writes.writer, action.group, action.id, action.changes), (body) => mapTeamMilestone(body, action.today, action.group));
    case "ensure_branch":
      if (await branchExists(writes.writer, action.project, action.branch)) return { action, requests: [] };
      return sent(action, await createBranch(writes.writer, action.project, action.branch, action.ref));
    case "create_merge_request":
      return sent(action, await createMergeRequest(writes.writer, action.mergeRequest));
    case "add_merge_request_labels":
      return sent(action, await addMergeRequestLabels(writes.writer, action.project, action.iid, action.labels));
    case "create_label":
      return sentLabel(writes, action, createLabelRequest(action.owner, action.label));
    case "update_label":
      return sentLabel(writes, action, updateLabelRequest(action.owner, action.label, action.changes));
    case "delete_label":
      return sentLabel(writes, action, deleteLabelRequest(action.owner, action.id));
  }
}

async function settled(writes: ScopeWrites, action: ScopePlanAction): Promise<ScopeActionOutcome> {
  try {
    return await applyOne(writes, action);
  } catch (error) {
    return { action, error: error instanceof Error ? error : new Error(String(error)), requests: [] };
  }
}

export async function applyScopePlan(writes: ScopeWrites, plan: ScopePlan): Promise<ScopeApplyResult> {
  const outcomes: ScopeActionOutcome[] = [];
  if (plan.concurrent) outcomes.push(...(await Promise.all(plan.actions.map((action) => settled(writes, action)))));
  else for (const action of plan.actions) outcomes.push(await settled(writes, action));
  const writesSent = writes.dryRun ? 0 : outcomes.reduce((n, o) => n + (o.applied?.writes ?? o.requests.length), 0);
  return { dryRun: writes.dryRun, writes: writesSent, outcomes };
}
