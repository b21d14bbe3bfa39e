/**
 * Turning a plan into the exact requests GitLab gets, and refusing plans that would damage data.
 * Pure: the platform sends what this builds (or, in dry-run, only reports it).
 */
import type { Taxonomy } from "../domain/labels.js";
import type { ResourcePlan, ResourceUpdate } from "../domain/plan.js";
import { formatRef } from "../domain/snapshot.js";
import { neutraliseQuickActions } from "../domain/text.js";
import { RefusedWriteError } from "./errors.js";
import { routeTemplate } from "./routes.js";

export interface PlannedRequest {
  method: "POST" | "PUT";
  /** Relative to `/api/v4/`, e.g. `projects/group%2Fproject/issues/12`. */
  endpoint: string;
  /** `PUT /projects/:id/issues/:iid` */
  route: string;
  body: Record<string, unknown>;
}

/** Request fields GitLab scans for quick actions: note bodies and issue/MR descriptions. */
const TEXT_FIELDS = ["body", "description"] as const;

/**
 * Every write the bot makes is built here, so this is where its text is made safe: no line of a
 * note body or description starts with `/`, whichever rule, job or template produced it.
 */
export function planned(method: "POST" | "PUT", endpoint: string, body: Record<string, unknown>): PlannedRequest {
  const safe = { ...body };
  for (const field of TEXT_FIELDS) {
    const value = safe[field];
    if (typeof value === "string") safe[field] = neutraliseQuickActions(value);
  }
  return { method, endpoint, route: `${method} ${routeTemplate(endpoint)}`, body: safe };
}

export function projectEndpoint(projectPath: string): string {
  return `projects/${encodeURIComponent(projectPath)}`;
}

export function resourceEndpoint(projectPath: string, kind: "issue" | "merge_request", iid: number): string {
  return `${projectEndpoint(projectPath)}/${kind === "issue" ? "issues" : "merge_requests"}/${iid}`;
}

/**
 * Labels a write may add: defined in the taxonomy (GitLab silently creates unknown names as new
 * labels) and free of commas (the API's label lists are comma-separated).
 */
export function checkLabelsToAdd(labels: readonly string[], taxonomy: Taxonomy, subject: string): void {
  const withComma = labels.filter((l) => l.includes(","));
  if (withComma.length > 0) {
    throw new RefusedWriteError(
      `Refusing to change ${subject}: label ${withComma.map((l) => `"${l}"`).join(", ")} contains a comma, which GitLab label names cannot contain. Nothing was written.`,
    );
  }
  const unknown = labels.filter((l) => !taxonomy.isDefined(l));
  if (unknown.length > 0) {
    throw new RefusedWriteError(
      `Refusing to change ${subject}: ${unknown.map((l) => `"${l}"`).join(", ")} ${unknown.length === 1 ? "is" : "are"} not defined in policies/labels.yml, and GitLab would create ${unknown.length === 1 ? "it as a new label" : "them as new labels"}. Add ${unknown.length === 1 ? "it" : "them"} to labels.yml or correct the policy that asks for ${unknown.length === 1 ? "it" : "them"}. Nothing was written.`,
    );
  }
}

/**
 * The body of the one update request: only the fields the plan sets. Labels always go as
 * `add_labels`/`remove_labels`, never as a full `labels` list that would undo a person's
 * concurrent edit.
 */
export function updateBody(update: ResourceUpdate, kind: "issue" | "merge_request", subject: string): Record<string, unknown> | null {
  const body: Record<string, unknown> = {};
  const both = update.addLabels.filter((l) => update.removeLabels.includes(l));
  if (both.length > 0) {
    throw new RefusedWriteError(
      `Refusing to change ${subject}: the plan both adds and removes ${both.map((l) => `"${l}"`).join(", ")}. Nothing was written.`,
    );
  }
  if (update.addLabels.length > 0) body.add_labels = update.addLabels.join(",");
  if (update.removeLabels.length > 0) body.remove_labels = update.removeLabels.join(",");
  if (update.stateEvent !== undefined) body.state_event = update.stateEvent;
  // GitLab's documented way to clear: milestone_id 0, assignee_ids [0].
  if (update.milestoneId !== undefined) body.milestone_id = update.milestoneId ?? 0;
  if (update.assigneeIds !== undefined) body.assignee_ids = update.assigneeIds.length > 0 ? [...update.assigneeIds] : [0];
  if (kind === "merge_request" && (update.dueDate !== undefined || update.confidential !== undefined)) {
    throw new RefusedWriteError(
      `Refusing to change ${subject}: merge requests have no due date or confidentiality in GitLab; a policy asks to set one. Nothing was written.`,
    );
  }
  if (update.dueDate !== undefined) body.due_date = update.dueDate;
  if (update.confidential !== undefined) body.confidential = update.confidential;
  return Object.keys(body).length > 0 ? body : null;
}

/** The requests that carry out a plan, in order: the update (if any), then the note (if any). */
export function requestsForPlan(plan: ResourcePlan, taxonomy: Taxonomy): PlannedRequest[] {
  const subject = formatRef(plan.ref);
  checkLabelsToAdd(plan.update.addLabels, taxonomy, subject);
  const endpoint = resourceEndpoint(plan.ref.path, plan.kind, plan.iid);
  const requests: PlannedRequest[] = [];
  const body = updateBody(plan.update, plan.kind, subject);
  if (body !== null) requests.push(planned("PUT", endpoint, body));
  if (plan.note !== null && plan.note.body.trim() !== "") {
    requests.push(planned("POST", `${endpoint}/notes`, { body: plan.note.body }));
  }
  return requests;
}
