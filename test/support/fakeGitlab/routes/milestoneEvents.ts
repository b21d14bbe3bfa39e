/**
 * Resource milestone events of an issue or merge request (which milestone was set or removed, by
 * whom, when), shaped as gitlabhq doc/api/resource_milestone_events.md and lib/api/resource_milestone_events.rb
 * answer `GET /projects/:id/{issues,merge_requests}/:iid/resource_milestone_events`.
 */
import { offsetPage } from "../paging.js";
import type { Deps, Router } from "../router.js";
import { issuableOr404, KIND_SEGMENTS, projectOr404 } from "./lookup.js";

export function registerMilestoneEvents(router: Router, deps: Deps): void {
  const { store, mutations, present } = deps;
  for (const [segment, kind] of KIND_SEGMENTS) {
    router.add("GET", `/projects/:id/${segment}/:iid/resource_milestone_events`, ({ params, path, url }) => {
      const record = issuableOr404(store, kind, projectOr404(store, path.id), path.iid);
      const events = mutations.milestoneEvents.filter((e) => e.kind === kind && e.resource_id === record.id);
      const page = offsetPage(events, params, url, deps.perPageMax);
      return {
        body: page.items.map((e) => {
          const milestone = e.milestone_id === null ? undefined : store.milestones.get(e.milestone_id);
          return {
            id: e.id,
            user: present.userById(e.user_id),
            created_at: e.created_at,
            resource_type: kind === "issue" ? "Issue" : "MergeRequest",
            resource_id: record.id,
            milestone: milestone ? present.milestone(milestone) : null,
            action: e.action,
          };
        }),
        headers: page.headers,
      };
    });
  }
}
