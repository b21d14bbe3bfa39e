/**
 * Group and project labels through GitLab's REST API: listing (with the counts of open issues and
 * merge requests, and the label priority a project gives each label), create, update (colour,
 * description, priority), delete, and "does any issue or merge request still carry this label".
 * Writes are built as requests first and sent by one `LabelWriter`, which is where dry-run is
 * honoured; every request goes through the bot's requester (retries, rate limits, counts).
 */
import type { GitLabLabel, LabelChanges, LabelOwner, ListLabelsOptions, NewLabel } from "../domain/scopeObjects.js";
export type { GitLabLabel, LabelChanges, LabelOwner, ListLabelsOptions, NewLabel } from "../domain/scopeObjects.js";
import { sendRequest } from "./send.js";
import type { RequesterType } from "@gitbeaker/requester-utils";
import { z } from "zod";
import { parseWith } from "./mapping.js";
import { allRows } from "./paging.js";
import { routeTemplate } from "./routes.js";

const labelSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  color: z.string().nullish(),
  description: z.string().nullish(),
  priority: z.number().int().nullish(),
  is_project_label: z.boolean().nullish(),
  open_issues_count: z.number().int().nullish(),
  closed_issues_count: z.number().int().nullish(),
  open_merge_requests_count: z.number().int().nullish(),
});

export function mapLabel(row: unknown): GitLabLabel {
  const l = parseWith(labelSchema, row, "label");
  const label: GitLabLabel = {
    id: l.id,
    name: l.name,
    color: (l.color ?? "").toLowerCase(),
    description: l.description ?? "",
    priority: l.priority ?? null,
    isProjectLabel: l.is_project_label === true,
  };
  if (l.open_issues_count !== undefined && l.open_issues_count !== null) label.openIssues = l.open_issues_count;
  if (l.closed_issues_count !== undefined && l.closed_issues_count !== null) label.closedIssues = l.closed_issues_count;
  if (l.open_merge_requests_count !== undefined && l.open_merge_requests_count !== null) label.openMergeRequests = l.open_merge_requests_count;
  return label;
}

export function ownerEndpoint(owner: LabelOwner): string {
  return `${owner.kind === "group" ? "groups" : "projects"}/${encodeURIComponent(owner.path)}`;
}

export function describeOwner(owner: LabelOwner): string {
  return `${owner.kind} ${owner.path}`;
}

/** Every label of a group or project, all pages. */
export async function listLabels(api: RequesterType, owner: LabelOwner, options: ListLabelsOptions): Promise<GitLabLabel[]> {
  const rows = await allRows(api, `${ownerEndpoint(owner)}/labels`, {
    include_ancestor_groups: options.includeAncestors,
    with_counts: options.withCounts,
  });
  return rows.map(mapLabel);
}

/**
 * Whether any issue or merge request (open, closed or merged) under the owner carries a label
 * with this name. A group covers all its projects and subgroups, in scope or not: a group label
 * is only safe to delete when nobody anywhere below the group uses it.
 */
export async function isLabelCarried(api: RequesterType, owner: LabelOwner, name: string): Promise<boolean> {
  for (const collection of ["issues", "merge_requests"]) {
    const response = await api.get(`${ownerEndpoint(owner)}/${collection}`, {
      searchParams: { labels: name, state: "all", scope: "all", per_page: 1 },
    });
    if (Array.isArray(response.body) && response.body.length > 0) return true;
  }
  return false;
}

// ---- writes ---------------------------------------------------------------------------------

export interface LabelRequest {
  method: "POST" | "PUT" | "DELETE";
  /** Relative to `/api/v4/`. */
  endpoint: string;
  /** `PUT /groups/:id/labels/:label_id` */
  route: string;
  body?: Record<string, unknown>;
}

function request(method: LabelRequest["method"], endpoint: string, body?: Record<string, unknown>): LabelRequest {
  return { method, endpoint, route: `${method} ${routeTemplate(endpoint)}`, ...(body === undefined ? {} : { body }) };
}

export function createLabelRequest(owner: LabelOwner, label: NewLabel): LabelRequest {
  if (label.name.includes(",")) {
    throw new Error(`The label "${label.name}" contains a comma, which GitLab label names cannot contain. Rename it in policies/labels.yml.`);
  }
  const body: Record<string, unknown> = { name: label.name, color: label.color, description: label.description };
  if (label.priority !== undefined) {
    if (owner.kind !== "project") throw new Error(`GitLab keeps label priorities per project; "${label.name}" cannot get one in ${describeOwner(owner)}.`);
    body.priority = label.priority;
  }
  return request("POST", `${ownerEndpoint(owner)}/labels`, body);
}

/**
 * An update of one label of its owner, addressed by id or by name. Through a project, GitLab finds
 * only the project's own labels (`update_label` in gitlabhq lib/api/helpers/label_helpers.rb uses
 * `include_ancestor_groups: false`): a group label's priority in a project cannot be set here.
 */
export function updateLabelRequest(owner: LabelOwner, label: number | string, changes: LabelChanges): LabelRequest {
  const body: Record<string, unknown> = {};
  if (changes.color !== undefined) body.color = changes.color;
  if (changes.description !== undefined) body.description = changes.description;
  if (changes.priority !== undefined) {
    if (owner.kind !== "project") throw new Error(`GitLab keeps label priorities per project, not in ${describeOwner(owner)}.`);
    body.priority = changes.priority;
  }
  if (Object.keys(body).length === 0) throw new Error("A label update needs at least one change.");
  return request("PUT", `${ownerEndpoint(owner)}/labels/${encodeURIComponent(String(label))}`, body);
}

export function deleteLabelRequest(owner: LabelOwner, labelId: number): LabelRequest {
  return request("DELETE", `${ownerEndpoint(owner)}/labels/${labelId}`);
}

export type LabelWriteOutcome = { status: "written"; request: LabelRequest; body: unknown } | { status: "dry-run"; request: LabelRequest };

/** Label writes; in dry-run nothing is sent (scopeApply.ts carries out label actions with it). */
export class LabelWriter {
  constructor(
    private readonly api: RequesterType,
    readonly dryRun: boolean,
  ) {}

  async send(req: LabelRequest): Promise<LabelWriteOutcome> {
    if (this.dryRun) return { status: "dry-run", request: req };
    return { status: "written", request: req, body: await sendRequest(this.api, req) };
  }

}
