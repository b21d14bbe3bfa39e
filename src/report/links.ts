/**
 * Links from the report to GitLab's own issue lists, so every number on the page opens the list
 * that produced it. GitLab's list pages read the same filters as its search bar: `label_name[]`,
 * `not[label_name][]`, `milestone_title`, `assignee_username[]` (or `assignee_id=None` for
 * unassigned) and `state`.
 */

export interface IssueListFilter {
  labels?: string[];
  notLabels?: string[];
  milestone?: string;
  /** A username, or null for unassigned issues. */
  assignee?: string | null;
  state?: "opened" | "closed" | "all";
}

/** Where a list lives: one project's issues, or a group's (which includes its subgroups' projects). */
export type ListScope = { project: string } | { group: string };

/** `https://gitlab.example.com` from a GitLab address that may end in `/api/v4` or a slash. */
export function gitlabWebBase(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/api\/v4$/, "");
}

export function issueListBase(gitlabUrl: string, scope: ListScope): string {
  const base = gitlabWebBase(gitlabUrl);
  return "project" in scope ? `${base}/${scope.project}/-/issues` : `${base}/groups/${scope.group}/-/issues`;
}

export function issueListUrl(gitlabUrl: string, scope: ListScope, filter: IssueListFilter = {}): string {
  const params: [string, string][] = [["state", filter.state ?? "opened"]];
  for (const l of filter.labels ?? []) params.push(["label_name[]", l]);
  for (const l of filter.notLabels ?? []) params.push(["not[label_name][]", l]);
  if (filter.milestone !== undefined) params.push(["milestone_title", filter.milestone]);
  if (filter.assignee === null) params.push(["assignee_id", "None"]);
  else if (filter.assignee !== undefined) params.push(["assignee_username[]", filter.assignee]);
  const query = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  return `${issueListBase(gitlabUrl, scope)}?${query}`;
}

/** The list scope for the projects given: the project itself when there is one, else the group. */
export function scopeFor(group: string, projects: string[]): ListScope {
  const unique = [...new Set(projects)];
  return unique.length === 1 ? { project: unique[0]! } : { group };
}
