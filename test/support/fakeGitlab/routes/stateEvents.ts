/** Resource state events of an issue or merge request (who closed or reopened it, and when). */
import { offsetPage } from "../paging.js";
import type { Deps, Router } from "../router.js";
import { issuableOr404, KIND_SEGMENTS, projectOr404 } from "./lookup.js";

export function registerStateEvents(router: Router, deps: Deps): void {
  const { store, mutations, present } = deps;
  for (const [segment, kind] of KIND_SEGMENTS) {
    router.add("GET", `/projects/:id/${segment}/:iid/resource_state_events`, ({ params, path, url }) => {
      const record = issuableOr404(store, kind, projectOr404(store, path.id), path.iid);
      const events = mutations.stateEvents.filter((e) => e.kind === kind && e.resource_id === record.id);
      const page = offsetPage(events, params, url, deps.perPageMax);
      return {
        body: page.items.map((e) => ({
          id: e.id,
          user: present.userById(e.user_id),
          created_at: e.created_at,
          resource_type: kind === "issue" ? "Issue" : "MergeRequest",
          resource_id: record.id,
          state: e.state,
        })),
        headers: page.headers,
      };
    });
  }
}
