/**
 * Group and project labels: list (with ancestors' labels, optional counts), one, create, update
 * and delete, addressed by id or by (URL-encoded) name like GitLab allows.
 *
 * As in GitLab's lib/api/helpers/label_helpers.rb: a label's priority is per project and only the
 * project label API sets it (`create_label` prioritises a new project label; `update_label` finds
 * the label with `include_ancestor_groups: false`, so a group label addressed through a project is
 * `404 Label Not Found`, and there is no REST call that prioritises a group label in a project).
 */
import { offsetPage } from "../paging.js";
import { badRequest, bool, HttpError, int, required, str, type Params } from "../params.js";
import type { Deps, Router } from "../router.js";
import type { LabelRecord, OwnerKind } from "../types.js";
import { groupOr404, notFound, projectOr404 } from "./lookup.js";

const OWNERS: Array<[string, OwnerKind]> = [
  ["groups", "group"],
  ["projects", "project"],
];

const COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

function color(value: string): string {
  if (!COLOR.test(value)) throw badRequest("color is invalid: use a hex colour like #428BCA");
  return value;
}

export function registerLabels(router: Router, deps: Deps): void {
  const { store, present } = deps;
  const ownerId = (owner: OwnerKind, id: string | undefined) =>
    owner === "group" ? groupOr404(store, id).id : projectOr404(store, id).id;
  const labelOr404 = (owner: OwnerKind, id: number, ref: string | undefined): LabelRecord => {
    const byId = ref !== undefined && /^\d+$/.test(ref) ? store.labels.get(Number(ref)) : undefined;
    const label = byId && byId.owner === owner && byId.owner_id === id ? byId : store.ownLabel(owner, id, ref ?? "");
    if (!label) throw notFound("Label");
    return label;
  };

  for (const [segment, owner] of OWNERS) {
    router.add("GET", `/${segment}/:id/labels`, ({ params, path, url }) => {
      const id = ownerId(owner, path.id);
      const withAncestors = bool(params, "include_ancestor_groups") ?? true;
      let labels: LabelRecord[];
      if (owner === "project") {
        labels = withAncestors ? store.labelsForProject(store.projects.get(id)!) : store.ownLabels("project", id);
      } else {
        labels = withAncestors ? store.groupChain(id).flatMap((g) => store.ownLabels("group", g.id)) : store.ownLabels("group", id);
      }
      const search = str(params, "search")?.toLowerCase();
      if (search) labels = labels.filter((l) => l.name.toLowerCase().includes(search));
      labels.sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
      const page = offsetPage(labels, params, url, deps.perPageMax);
      const withCounts = bool(params, "with_counts") ?? false;
      const listedIn = owner === "project" ? id : undefined;
      return { body: page.items.map((l) => present.label(l, withCounts, listedIn)), headers: page.headers };
    });

    // get_label uses find_label with its default include_ancestor_groups: true: a project reads its
    // groups' labels too (only update and delete are limited to its own).
    router.add("GET", `/${segment}/:id/labels/:label_id`, ({ path }) => {
      const id = ownerId(owner, path.id);
      const ref = path.label_id ?? "";
      const visible = owner === "project" ? store.labelsForProject(store.projects.get(id)!).find((l) => String(l.id) === ref || l.name === ref) : undefined;
      return { body: present.label(visible ?? labelOr404(owner, id, ref), false, owner === "project" ? id : undefined) };
    });

    router.add("POST", `/${segment}/:id/labels`, ({ params, path }) => {
      const id = ownerId(owner, path.id);
      const name = required(params, "name");
      const labelColor = color(required(params, "color"));
      if (store.ownLabel(owner, id, name)) throw new HttpError(409, { message: "Label already exists" });
      const now = store.now();
      const label: LabelRecord = {
        id: store.nextId("label"),
        name,
        color: labelColor,
        description: str(params, "description") ?? null,
        owner,
        owner_id: id,
        created_at: now,
        updated_at: now,
      };
      store.putLabel(label);
      const priority = owner === "project" ? priorityParam(params) : undefined;
      if (priority !== undefined) store.setLabelPriority(id, label.id, priority);
      return { status: 201, body: present.label(label, false, owner === "project" ? id : undefined) };
    });

    router.add("PUT", `/${segment}/:id/labels/:label_id`, ({ params, path }) => {
      const id = ownerId(owner, path.id);
      const label = labelOr404(owner, id, path.label_id);
      const newName = str(params, "new_name");
      const newColor = str(params, "color");
      const description = str(params, "description");
      // Only the project route declares `priority` (project_label_update_params).
      const priority = owner === "project" ? priorityParam(params) : undefined;
      if (newName === undefined && newColor === undefined && description === undefined && priority === undefined) {
        throw badRequest(
          owner === "project"
            ? "new_name, color, description, priority are missing, at least one parameter must be provided"
            : "new_name, color, description are missing, at least one parameter must be provided",
        );
      }
      if (newName !== undefined && newName !== label.name) {
        if (store.ownLabel(owner, id, newName)) throw new HttpError(409, { message: "Label already exists" });
        store.renameLabel(label, newName);
      }
      if (newColor !== undefined) label.color = color(newColor);
      if (description !== undefined) label.description = description;
      if (priority !== undefined) store.setLabelPriority(id, label.id, priority);
      label.updated_at = store.now();
      return { body: present.label(label, false, owner === "project" ? id : undefined) };
    });

    router.add("DELETE", `/${segment}/:id/labels/:label_id`, ({ path }) => {
      const label = labelOr404(owner, ownerId(owner, path.id), path.label_id);
      store.deleteLabel(label);
      for (const kind of ["issue", "merge_request"] as const) {
        for (const record of store.issuables[kind].values()) {
          if (record.label_ids.includes(label.id)) record.label_ids = record.label_ids.filter((l) => l !== label.id);
        }
      }
      return { status: 204, body: undefined };
    });
  }
}

/** `priority` as GitLab reads it: an integer, or blank/null to remove the priority (`allow_blank: true`). */
function priorityParam(params: Params): number | null | undefined {
  if (!("priority" in params)) return undefined;
  const raw = params.priority;
  if (raw === null || raw === "") return null;
  const value = int(params, "priority");
  if (value === undefined) throw badRequest("priority is invalid");
  return value;
}
