/**
 * Resource milestone events: which milestone was set on or removed from an issue or merge
 * request, by whom and when (GitLab 13.1+). Routes and payload as gitlabhq
 * lib/api/resource_milestone_events.rb and doc/api/resource_milestone_events.md:
 * `GET /projects/:id/{issues,merge_requests}/:iid/resource_milestone_events`, each row
 * `{id, user, created_at, resource_type, resource_id, milestone, action: "add"|"remove"}`.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import { z } from "zod";
import type { MilestoneEvent, ResourceSnapshot } from "../domain/snapshot.js";
import { parseGitLabTime } from "./dates.js";
import { mapMilestone, mapUser, parseWith } from "./mapping.js";
import { allRows } from "./paging.js";
import { userSchema } from "./schema.js";
import { resourceEndpoint } from "./writes.js";

const milestoneEventSchema = z.looseObject({
  id: z.number().int(),
  action: z.string(),
  user: userSchema.nullish(),
  milestone: z.unknown(),
  created_at: z.unknown(),
});

/** One event, or null when GitLab sent an action or time the bot cannot read. `today` places the milestone in time. */
export function mapMilestoneEvent(input: unknown, today: string): MilestoneEvent | null {
  const e = parseWith(milestoneEventSchema, input, "a resource milestone event");
  const createdAt = parseGitLabTime(e.created_at);
  if (createdAt === null || (e.action !== "add" && e.action !== "remove")) return null;
  const milestone = e.milestone === null || e.milestone === undefined ? null : mapMilestone(e.milestone, today);
  return { id: e.id, action: e.action, milestone, user: e.user ? mapUser(e.user) : null, createdAt };
}

/** Every milestone event of the resource, oldest first. */
export async function fetchMilestoneEvents(
  api: RequesterType,
  snapshot: Pick<ResourceSnapshot, "projectPath" | "kind" | "iid">,
  today: string,
): Promise<MilestoneEvent[]> {
  const rows = await allRows(api, `${resourceEndpoint(snapshot.projectPath, snapshot.kind, snapshot.iid)}/resource_milestone_events`, {});
  return rows
    .map((row) => mapMilestoneEvent(row, today))
    .filter((e): e is MilestoneEvent => e !== null)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
}
