/**
 * Listings across the whole scope through GitLab's group endpoints: the group's listing holds
 * every project under the group, so only the scope.yml projects outside it are listed one by one.
 * Rows of projects outside scope.yml are left out; the platform's own `list` reads per project
 * instead (see platform.ts) because it must also page resources the group holds by the hundred.
 */
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { IssueQuery } from "../engine/platformReader.js";
import type { ScopeDef } from "../policy/model.js";
import type { RequesterType } from "@gitbeaker/requester-utils";
import { mapResource } from "./mapping.js";
import { projectOfRow } from "./mergeRequests.js";
import { pagesOf } from "./paging.js";
import { projectEndpoint } from "./writes.js";

/** The group's listing endpoint and those of the scope's projects outside the group. */
function scopeEndpoints(scope: ScopeDef, collection: "issues" | "merge_requests", groupOnly = false): string[] {
  const endpoints = [`groups/${encodeURIComponent(scope.group)}/${collection}`];
  if (!groupOnly) for (const p of scope.projects) if (!p.path.startsWith(`${scope.group}/`)) endpoints.push(`${projectEndpoint(p.path)}/${collection}`);
  return endpoints;
}

/**
 * Issues of the scope matching `query`, each once (oldest first per endpoint). A milestone filter
 * names a group milestone, which only the group's projects can use, so the group listing alone
 * holds all of its issues.
 */
export async function issuesAcrossScope(api: RequesterType, scope: ScopeDef, query: IssueQuery, today: string): Promise<ResourceSnapshot[]> {
  // `scope: all` lists everyone's issues, not only the token user's (`scope` in gitlabhq
  // doc/api/issues.md, "List issues" and "List group issues").
  const params: Record<string, unknown> = { scope: "all", order_by: "created_at", sort: "asc" };
  if (query.state !== "all") params.state = query.state;
  if (query.milestone !== undefined) params.milestone = query.milestone;
  if (query.updatedAfter !== undefined) params.updated_after = query.updatedAfter.toISOString();
  const seen = new Set<number>();
  const out: ResourceSnapshot[] = [];
  for (const endpoint of scopeEndpoints(scope, "issues", query.milestone !== undefined)) {
    for await (const page of pagesOf(api, endpoint, params)) {
      for (const row of page) {
        const project = projectOfRow(scope, row);
        const id = (row as { id?: unknown }).id;
        if (project === undefined || typeof id !== "number" || seen.has(id)) continue;
        seen.add(id);
        out.push(mapResource("issue", row, project, today));
      }
    }
  }
  return out;
}
