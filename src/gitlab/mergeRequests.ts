/**
 * Merge requests for the milestone MR and handbook-update notifications: listing a project's or
 * the group's merge requests by milestone, state or label, creating a branch and a merge request.
 */
import type { NewMergeRequest } from "../domain/scopeObjects.js";
export type { NewMergeRequest } from "../domain/scopeObjects.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { parseRef } from "../domain/snapshot.js";
import type { ScopeDef } from "../policy/model.js";
import { GitLabApiError } from "./errors.js";
import { mapResource, projectInScope, type ProjectContext } from "./mapping.js";
import { allRows, pagesOf } from "./paging.js";
import { sendWrite, type ScopeWriteOutcome, type ScopeWriter } from "./scopeWrites.js";
import { planned, projectEndpoint } from "./writes.js";

/** The scope.yml project a listed issue or merge request belongs to (from its reference or URL), or undefined. */
export function projectOfRow(scope: ScopeDef, row: unknown): ProjectContext | undefined {
  const r = row as { references?: { full?: unknown } | null; web_url?: unknown };
  let path: string | undefined;
  if (typeof r.references?.full === "string") path = parseRef(r.references.full)?.path;
  if (path === undefined && typeof r.web_url === "string") {
    const m = /^https?:\/\/[^/]+\/(.+?)\/-\/(?:issues|merge_requests)\/\d+/.exec(r.web_url);
    path = m?.[1];
  }
  if (path === undefined) return undefined;
  return projectInScope(scope, path);
}

/**
 * Merge requests of one project that belong to a milestone (all states): those assigned to it,
 * those naming it in their title or description, and those from `sourceBranch` (the milestone MR's
 * branch; `source_branch` filters the list, gitlabhq doc/api/merge_requests.md "List project merge
 * requests"). A handbook project outside the milestone's group cannot be assigned the milestone;
 * its milestone merge request is then found by name or branch.
 */
export async function mergeRequestsInMilestone(writer: ScopeWriter, project: ProjectContext, milestoneTitle: string, today: string, sourceBranch?: string): Promise<ResourceSnapshot[]> {
  const endpoint = `${projectEndpoint(project.path)}/merge_requests`;
  const [assigned, named, branched] = await Promise.all([
    allRows(writer.api, endpoint, { milestone: milestoneTitle, state: "all" }),
    allRows(writer.api, endpoint, { search: milestoneTitle, in: "title,description", state: "all" }),
    sourceBranch === undefined ? Promise.resolve([]) : allRows(writer.api, endpoint, { source_branch: sourceBranch, state: "all" }),
  ]);
  const seen = new Set<number>();
  const out: ResourceSnapshot[] = [];
  for (const row of [...assigned, ...named, ...branched]) {
    const snapshot = mapResource("merge_request", row, project, today);
    if (seen.has(snapshot.id)) continue;
    seen.add(snapshot.id);
    out.push(snapshot);
  }
  return out;
}

/**
 * Merge requests in scope carrying `label`, updated since `updatedAfter` (ISO time), in `state`:
 * how the handbook-updates job finds the merges and creations the webhook may have missed.
 */
export async function* labelledMergeRequests(
  writer: ScopeWriter,
  scope: ScopeDef,
  options: { label: string; state: "merged" | "opened" | "all"; updatedAfter: string; today: string },
): AsyncGenerator<ResourceSnapshot> {
  const params = { labels: options.label, state: options.state, updated_after: options.updatedAfter, scope: "all", order_by: "created_at", sort: "asc" };
  const endpoints = [`groups/${encodeURIComponent(scope.group)}/merge_requests`];
  for (const p of scope.projects) if (!p.path.startsWith(`${scope.group}/`)) endpoints.push(`${projectEndpoint(p.path)}/merge_requests`);
  for (const endpoint of endpoints) {
    for await (const page of pagesOf(writer.api, endpoint, params)) {
      for (const row of page) {
        const project = projectOfRow(scope, row);
        if (project !== undefined) yield mapResource("merge_request", row, project, options.today);
      }
    }
  }
}

/** The branch as GitLab describes it (`GET /projects/:id/repository/branches/:branch`), or undefined. */
async function findBranch(writer: ScopeWriter, projectPath: string, branch: string): Promise<unknown> {
  try {
    return (await writer.api.get(`${projectEndpoint(projectPath)}/repository/branches/${encodeURIComponent(branch)}`)).body;
  } catch (error) {
    if (error instanceof GitLabApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Whether the branch exists in the project. */
export async function branchExists(writer: ScopeWriter, projectPath: string, branch: string): Promise<boolean> {
  return (await findBranch(writer, projectPath, branch)) !== undefined;
}

export function createBranch(writer: ScopeWriter, projectPath: string, branch: string, ref: string): Promise<ScopeWriteOutcome> {
  const request = planned("POST", `${projectEndpoint(projectPath)}/repository/branches`, { branch, ref });
  return sendWrite(writer, request, () => findBranch(writer, projectPath, branch));
}

/** The project's default branch (where milestone MRs merge into). */
export async function defaultBranch(writer: ScopeWriter, projectPath: string): Promise<string> {
  const response = await writer.api.get(projectEndpoint(projectPath));
  const branch = (response.body as { default_branch?: unknown }).default_branch;
  return typeof branch === "string" && branch !== "" ? branch : "main";
}

export function createMergeRequest(writer: ScopeWriter, mr: NewMergeRequest): Promise<ScopeWriteOutcome> {
  return sendWrite(
    writer,
    planned("POST", `${projectEndpoint(mr.projectPath)}/merge_requests`, {
      source_branch: mr.sourceBranch,
      target_branch: mr.targetBranch,
      title: mr.title,
      description: mr.description,
      labels: mr.labels.join(","),
      milestone_id: mr.milestoneId,
      remove_source_branch: true,
    }),
    () => findOpenMergeRequest(writer, mr),
  );
}

/**
 * The open merge request from the source branch into the target, if any. GitLab keeps at most one
 * (app/models/merge_request.rb refuses another: "Another open merge request already exists for this
 * source branch"); lib/api/merge_requests.rb filters the listing by `source_branch`/`target_branch`.
 */
async function findOpenMergeRequest(writer: ScopeWriter, mr: NewMergeRequest): Promise<unknown> {
  const rows = await allRows(writer.api, `${projectEndpoint(mr.projectPath)}/merge_requests`, {
    state: "opened",
    source_branch: mr.sourceBranch,
    target_branch: mr.targetBranch,
  });
  return rows[0];
}

export function addMergeRequestLabels(writer: ScopeWriter, projectPath: string, iid: number, labels: string[]): Promise<ScopeWriteOutcome> {
  return sendWrite(writer, planned("PUT", `${projectEndpoint(projectPath)}/merge_requests/${iid}`, { add_labels: labels.join(",") }));
}
