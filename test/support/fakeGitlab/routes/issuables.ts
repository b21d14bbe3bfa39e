/**
 * Issues and merge requests: group and project lists (filters, offset and keyset paging), one
 * resource, create and update. Updates take GitLab's parameters (add_labels, remove_labels,
 * labels, state_event, milestone_id, assignee_ids, due_date, confidential, ...) from a JSON body,
 * a form body or the query string.
 */
import { filterIssuables, ordering, sortIssuables } from "../filters.js";
import type { IssuableChanges } from "../mutations.js";
import { keysetPage, offsetPage, type Page } from "../paging.js";
import { badRequest, bool, date, HttpError, int, intList, list, oneOf, required, str, type Params } from "../params.js";
import type { Deps, Reply, Router } from "../router.js";
import type { IssuableKind, IssuableRecord, ProjectRecord } from "../types.js";
import { groupOr404, issuableOr404, KIND_SEGMENTS, projectOr404 } from "./lookup.js";

const UPDATE_KEYS = [
  "title", "description", "state_event", "labels", "add_labels", "remove_labels", "milestone_id", "assignee_ids",
  "assignee_id", "reviewer_ids", "due_date", "confidential", "discussion_locked", "target_branch",
];

/** Renders a filtered, ordered, paged list of issuables. */
export function listReply(deps: Deps, kind: IssuableKind, records: IssuableRecord[], params: Params, url: URL): Reply {
  const order = ordering(params);
  const filtered = sortIssuables(filterIssuables(deps.store, kind, records, params), order);
  const page: Page<IssuableRecord> =
    str(params, "pagination") === "keyset"
      ? keysetPage(filtered, params, url, deps.perPageMax, order.key, order.compare)
      : offsetPage(filtered, params, url, deps.perPageMax);
  const render = kind === "issue" ? (r: IssuableRecord) => deps.present.issue(r, false) : (r: IssuableRecord) => deps.present.mergeRequest(r, false);
  return { body: page.items.map(render), headers: page.headers };
}

function renderOne(deps: Deps, record: IssuableRecord): unknown {
  return record.kind === "issue" ? deps.present.issue(record, true) : deps.present.mergeRequest(record, true);
}

/** A milestone id the project may use; GitLab silently ignores any other. */
function usableMilestone(deps: Deps, project: ProjectRecord, id: number | undefined | null): number | null | undefined {
  if (id === undefined) return undefined;
  if (id === null || id === 0) return null;
  return deps.store.milestonesForProject(project).some((m) => m.id === id) ? id : undefined;
}

function knownUsers(deps: Deps, ids: number[] | undefined): number[] | undefined {
  return ids?.filter((id) => deps.store.users.has(id));
}

function assigneeIds(deps: Deps, params: Params): number[] | undefined {
  const ids = intList(params, "assignee_ids") ?? (params.assignee_id !== undefined ? intList(params, "assignee_id") : undefined);
  return knownUsers(deps, ids);
}

export function changesFrom(deps: Deps, project: ProjectRecord, params: Params): IssuableChanges {
  const milestoneParam = params.milestone_id === null || params.milestone_id === "" ? 0 : int(params, "milestone_id");
  const changes: IssuableChanges = {
    title: str(params, "title"),
    description: params.description === null ? null : str(params, "description"),
    stateEvent: oneOf(params, "state_event", ["close", "reopen"] as const),
    labels: params.labels === undefined ? undefined : (list(params, "labels") ?? []),
    addLabels: list(params, "add_labels"),
    removeLabels: list(params, "remove_labels"),
    milestoneId: usableMilestone(deps, project, milestoneParam),
    assigneeIds: assigneeIds(deps, params),
    reviewerIds: knownUsers(deps, intList(params, "reviewer_ids")),
    dueDate: params.due_date === null ? null : date(params, "due_date"),
    confidential: bool(params, "confidential"),
    discussionLocked: bool(params, "discussion_locked"),
    targetBranch: str(params, "target_branch"),
  };
  if (changes.title !== undefined && changes.title.trim() === "") throw badRequest("title is empty");
  return changes;
}

export function registerIssuables(router: Router, deps: Deps): void {
  const { store, mutations } = deps;
  for (const [segment, kind] of KIND_SEGMENTS) {
    router.add("GET", `/projects/:id/${segment}`, ({ params, path, url }) => {
      const project = projectOr404(store, path.id);
      return listReply(deps, kind, store.issuablesOf(kind, [project.id]), params, url);
    });

    router.add("GET", `/groups/:id/${segment}`, ({ params, path, url }) => {
      const group = groupOr404(store, path.id);
      const projectIds = store.projectsUnder(group.id).map((p) => p.id);
      return listReply(deps, kind, store.issuablesOf(kind, projectIds), params, url);
    });

    router.add("GET", `/projects/:id/${segment}/:iid`, ({ path }) => {
      const project = projectOr404(store, path.id);
      return { body: renderOne(deps, issuableOr404(store, kind, project, path.iid)) };
    });

    router.add("PUT", `/projects/:id/${segment}/:iid`, ({ params, path, user, route }) => {
      const project = projectOr404(store, path.id);
      const record = issuableOr404(store, kind, project, path.iid);
      if (!UPDATE_KEYS.some((key) => params[key] !== undefined)) {
        throw badRequest(`${UPDATE_KEYS.join(", ")} are missing, at least one parameter must be provided`);
      }
      mutations.updateIssuable(record, changesFrom(deps, project, params), user, route);
      return { body: renderOne(deps, record) };
    });
  }

  router.add("POST", "/projects/:id/issues", ({ params, path, user, route }) => {
    const project = projectOr404(store, path.id);
    const title = required(params, "title");
    const milestone = usableMilestone(deps, project, int(params, "milestone_id"));
    const record = mutations.createIssuable(
      project,
      "issue",
      {
        title,
        description: str(params, "description") ?? null,
        labels: list(params, "labels") ?? [],
        milestone_id: milestone ?? null,
        assignee_ids: assigneeIds(deps, params) ?? [],
        due_date: date(params, "due_date") ?? null,
        confidential: bool(params, "confidential") ?? false,
      },
      user,
      route,
    );
    return { status: 201, body: renderOne(deps, record) };
  });

  router.add("POST", "/projects/:id/merge_requests", ({ params, path, user, route }) => {
    const project = projectOr404(store, path.id);
    const source = required(params, "source_branch");
    const target = required(params, "target_branch");
    const title = required(params, "title");
    const problems: string[] = [];
    if (!store.branch(project.id, source)) problems.push(`Source branch "${source}" does not exist`);
    if (!store.branch(project.id, target)) problems.push(`Target branch "${target}" does not exist`);
    if (source === target) problems.push("You can't use same project/branch for source and target");
    if (problems.length > 0) throw new HttpError(422, { message: problems });
    const open = store
      .issuablesOf("merge_request", [project.id])
      .find((mr) => mr.state === "opened" && mr.source_branch === source && mr.target_branch === target);
    if (open) throw new HttpError(409, { message: [`Another open merge request already exists for this source branch: !${open.iid}`] });
    const record = mutations.createIssuable(
      project,
      "merge_request",
      {
        title,
        description: str(params, "description") ?? null,
        labels: list(params, "labels") ?? [],
        milestone_id: usableMilestone(deps, project, int(params, "milestone_id")) ?? null,
        assignee_ids: assigneeIds(deps, params) ?? [],
        reviewer_ids: knownUsers(deps, intList(params, "reviewer_ids")) ?? [],
        source_branch: source,
        target_branch: target,
        sha: store.branch(project.id, source)!.sha,
      },
      user,
      route,
    );
    return { status: 201, body: renderOne(deps, record) };
  });
}
