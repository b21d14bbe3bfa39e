/**
 * Resource state events: who closed, reopened or merged an issue or merge request, and when.
 * GitLab records state changes here (since 13.2), not as notes.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import { z } from "zod";
import type { ResourceSnapshot, StateEvent } from "../domain/snapshot.js";
import { parseGitLabTime } from "./dates.js";
import { mapUser, parseWith } from "./mapping.js";
import { allRows } from "./paging.js";
import { userSchema } from "./schema.js";
import { resourceEndpoint } from "./writes.js";

const stateEventSchema = z.looseObject({
  id: z.number().int(),
  state: z.string(),
  user: userSchema.nullish(),
  created_at: z.unknown(),
});

const STATES = new Set<StateEvent["state"]>(["opened", "closed", "reopened", "merged", "locked"]);

export function mapStateEvent(input: unknown): StateEvent | null {
  const e = parseWith(stateEventSchema, input, "a resource state event");
  const createdAt = parseGitLabTime(e.created_at);
  if (createdAt === null || !STATES.has(e.state as StateEvent["state"])) return null;
  return { id: e.id, state: e.state as StateEvent["state"], user: e.user ? mapUser(e.user) : null, createdAt };
}

/** The state events as GitLab sends them (what the history cache keeps). */
export function fetchStateEventRows(api: RequesterType, snapshot: Pick<ResourceSnapshot, "projectPath" | "kind" | "iid">): Promise<unknown[]> {
  return allRows(api, `${resourceEndpoint(snapshot.projectPath, snapshot.kind, snapshot.iid)}/resource_state_events`, {});
}

/** The resource's state events the bot can read, oldest first. */
export function mapStateEvents(rows: unknown[]): StateEvent[] {
  return rows
    .map(mapStateEvent)
    .filter((e): e is StateEvent => e !== null)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
}
