/**
 * Group and project milestones: list (state, title, search, iids[], include_ancestors), one,
 * create, update (state_event close|activate) and the issues and merge requests in one.
 */
import { offsetPage } from "../paging.js";
import { bool, date, HttpError, intList, oneOf, required, str } from "../params.js";
import type { Deps, Router } from "../router.js";
import type { MilestoneRecord, OwnerKind } from "../types.js";
import { listReply } from "./issuables.js";
import { groupOr404, KIND_SEGMENTS, notFound, projectOr404 } from "./lookup.js";

const OWNERS: Array<[string, OwnerKind]> = [
  ["groups", "group"],
  ["projects", "project"],
];

function byDueDate(a: MilestoneRecord, b: MilestoneRecord): number {
  if (a.due_date !== b.due_date) {
    if (a.due_date === null) return 1;
    if (b.due_date === null) return -1;
    return a.due_date < b.due_date ? -1 : 1;
  }
  return a.id - b.id;
}

export function registerMilestones(router: Router, deps: Deps): void {
  const { store, mutations, present } = deps;
  const ownerId = (owner: OwnerKind, id: string | undefined) =>
    owner === "group" ? groupOr404(store, id).id : projectOr404(store, id).id;
  const milestoneOr404 = (owner: OwnerKind, id: number, milestoneId: string | undefined) => {
    const milestone = store.milestones.get(Number(milestoneId));
    if (!milestone || milestone.owner !== owner || milestone.owner_id !== id) throw notFound("Milestone");
    return milestone;
  };

  for (const [segment, owner] of OWNERS) {
    router.add("GET", `/${segment}/:id/milestones`, ({ params, path, url }) => {
      const id = ownerId(owner, path.id);
      let milestones = [...store.ownMilestones(owner, id)];
      if (owner === "project" && bool(params, "include_ancestors")) milestones = store.milestonesForProject(store.projects.get(id)!);
      if (owner === "group" && bool(params, "include_ancestors")) {
        for (const group of store.groupChain(id).slice(1)) milestones.push(...store.ownMilestones("group", group.id));
      }
      const state = oneOf(params, "state", ["active", "closed"] as const);
      const title = str(params, "title");
      const search = str(params, "search")?.toLowerCase();
      const iids = intList(params, "iids");
      const filtered = milestones
        .filter(
          (m) =>
            (state === undefined || m.state === state) &&
            (title === undefined || m.title === title) &&
            (search === undefined || `${m.title}\n${m.description}`.toLowerCase().includes(search)) &&
            (iids === undefined || iids.includes(m.iid)),
        )
        .sort(byDueDate);
      const page = offsetPage(filtered, params, url, deps.perPageMax);
      return { body: page.items.map((m) => present.milestone(m)), headers: page.headers };
    });

    router.add("GET", `/${segment}/:id/milestones/:milestone_id`, ({ path }) => {
      return { body: present.milestone(milestoneOr404(owner, ownerId(owner, path.id), path.milestone_id)) };
    });

    router.add("POST", `/${segment}/:id/milestones`, ({ params, path }) => {
      const id = ownerId(owner, path.id);
      const title = required(params, "title");
      if (store.ownMilestones(owner, id).some((m) => m.title === title)) {
        throw new HttpError(400, { message: { title: ["already being used for another group or project milestone."] } });
      }
      const now = store.now();
      const milestone: MilestoneRecord = {
        id: store.nextId("milestone"),
        iid: store.nextIid(`milestone:${owner}:${id}`),
        owner,
        owner_id: id,
        title,
        description: str(params, "description") ?? "",
        state: "active",
        start_date: date(params, "start_date") ?? null,
        due_date: date(params, "due_date") ?? null,
        created_at: now,
        updated_at: now,
      };
      store.putMilestone(milestone);
      mutations.milestoneCreated(milestone);
      return { status: 201, body: present.milestone(milestone) };
    });

    router.add("PUT", `/${segment}/:id/milestones/:milestone_id`, ({ params, path }) => {
      const milestone = milestoneOr404(owner, ownerId(owner, path.id), path.milestone_id);
      const title = str(params, "title");
      if (title !== undefined && title.trim() === "") throw new HttpError(400, { error: "title is empty" });
      const edits = {
        title,
        description: str(params, "description"),
        start_date: date(params, "start_date"),
        due_date: date(params, "due_date"),
      };
      let changed = false;
      for (const [key, value] of Object.entries(edits) as Array<[keyof typeof edits, string | null | undefined]>) {
        if (value === undefined || milestone[key] === value) continue;
        (milestone as unknown as Record<string, unknown>)[key] = value;
        changed = true;
      }
      if (changed) milestone.updated_at = store.now();
      const stateEvent = oneOf(params, "state_event", ["close", "activate"] as const);
      if (stateEvent) mutations.setMilestoneState(milestone, stateEvent === "close" ? "closed" : "active");
      return { body: present.milestone(milestone) };
    });

    for (const [kindSegment, kind] of KIND_SEGMENTS) {
      router.add("GET", `/${segment}/:id/milestones/:milestone_id/${kindSegment}`, ({ params, path, url }) => {
        const id = ownerId(owner, path.id);
        const milestone = milestoneOr404(owner, id, path.milestone_id);
        const projectIds = owner === "group" ? store.projectsUnder(id).map((p) => p.id) : [id];
        const records = store.issuablesOf(kind, projectIds).filter((r) => r.milestone_id === milestone.id);
        return listReply(deps, kind, records, { ...params, state: params.state ?? "all" }, url);
      });
    }
  }
}
