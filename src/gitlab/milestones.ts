/**
 * Group milestones beyond what the engine reads: one milestone with its description (where the bot
 * keeps markers), create, edit, close/reactivate, the issues in a milestone, and which milestones
 * the team's issues use.
 */
import type { MilestoneEdit, TeamMilestone } from "../domain/scopeObjects.js";
export type { MilestoneEdit, TeamMilestone } from "../domain/scopeObjects.js";
import { z } from "zod";
import type { MilestoneInfo, ResourceSnapshot } from "../domain/snapshot.js";
import type { ScopeDef } from "../policy/model.js";
import { GitLabApiError } from "./errors.js";
import { mapMilestone, mapResource, parseWith } from "./mapping.js";
import { allRows } from "./paging.js";
import { projectOfRow } from "./mergeRequests.js";
import { sendWrite, type ScopeWriteOutcome, type ScopeWriter } from "./scopeWrites.js";
import { planned, projectEndpoint } from "./writes.js";

const descriptionSchema = z.looseObject({ description: z.string().nullish() });

/** `https://host/groups/a/b/-/milestones/3` -> `a/b`: GitLab's milestone JSON names its group only by id. */
function groupOfWebUrl(webUrl: string | undefined): string | undefined {
  const m = webUrl === undefined ? null : /\/groups\/(.+?)\/-\/milestones\//.exec(webUrl);
  return m?.[1] === undefined ? undefined : decodeURIComponent(m[1]);
}

/** `group`: the group the milestone was read from, when its web_url does not say a better one. */
export function mapTeamMilestone(input: unknown, today: string, group: string): TeamMilestone {
  const info = mapMilestone(input, today);
  return { ...info, description: parseWith(descriptionSchema, input, "a milestone").description ?? "", group: groupOfWebUrl(info.webUrl) ?? group };
}

const groupMilestones = (group: string) => `groups/${encodeURIComponent(group)}/milestones`;

/**
 * Every milestone (active and closed) of the group and of the groups above it: the team's
 * iterations are tracked "at the GitLab.com level", in the top group, and a project can use the
 * milestones of all its ancestor groups. `include_ancestors` lists those with the group's own
 * (gitlabhq doc/api/group_milestones.md, "List group milestones").
 */
export async function listMilestonesFrom(writer: ScopeWriter, group: string, today: string): Promise<TeamMilestone[]> {
  const rows = await allRows(writer.api, groupMilestones(group), { include_ancestors: true });
  return rows.map((r) => mapTeamMilestone(r, today, group));
}

/** One group milestone, or null when it does not exist (or is not the group's). */
export async function getGroupMilestone(writer: ScopeWriter, group: string, id: number, today: string): Promise<TeamMilestone | null> {
  try {
    const response = await writer.api.get(`${groupMilestones(group)}/${id}`);
    return mapTeamMilestone(response.body, today, group);
  } catch (error) {
    if (error instanceof GitLabApiError && error.status === 404) return null;
    throw error;
  }
}

export interface NewMilestone {
  title: string;
  startDate: string;
  dueDate: string;
  description?: string;
}

export function createGroupMilestone(writer: ScopeWriter, group: string, m: NewMilestone): Promise<ScopeWriteOutcome> {
  const request = planned("POST", groupMilestones(group), { title: m.title, start_date: m.startDate, due_date: m.dueDate, description: m.description ?? "" });
  return sendWrite(writer, request, () => findGroupMilestone(writer, group, m.title));
}

/**
 * The group's milestone with exactly this title, as GitLab sent it; titles are unique in a group
 * (doc/api/group_milestones.md lists milestones filtered by `title`).
 */
async function findGroupMilestone(writer: ScopeWriter, group: string, title: string): Promise<unknown> {
  const rows = await allRows(writer.api, groupMilestones(group), { title });
  return rows.find((r) => (r as { title?: unknown }).title === title);
}

export function updateGroupMilestone(writer: ScopeWriter, group: string, id: number, edit: MilestoneEdit): Promise<ScopeWriteOutcome> {
  const body: Record<string, unknown> = {};
  if (edit.title !== undefined) body.title = edit.title;
  if (edit.startDate !== undefined) body.start_date = edit.startDate;
  if (edit.dueDate !== undefined) body.due_date = edit.dueDate;
  if (edit.description !== undefined) body.description = edit.description;
  if (edit.stateEvent !== undefined) body.state_event = edit.stateEvent;
  return sendWrite(writer, planned("PUT", `${groupMilestones(group)}/${id}`, body));
}

/** Open issues of a milestone of `group` that belong to projects in scope, as snapshots without history. */
export async function openIssuesInMilestone(writer: ScopeWriter, scope: ScopeDef, group: string, milestoneId: number, today: string): Promise<ResourceSnapshot[]> {
  const rows = await allRows(writer.api, `${groupMilestones(group)}/${milestoneId}/issues`, { state: "opened" });
  const out: ResourceSnapshot[] = [];
  for (const row of rows) {
    if ((row as { state?: unknown }).state !== "opened") continue;
    const project = projectOfRow(scope, row);
    if (project !== undefined) out.push(mapResource("issue", row, project, today));
  }
  return out;
}

/**
 * Which of `candidates` the issues of `projects` use. The top group holds every team's two-week
 * milestones; one titled otherwise than the team's counts as their iteration only when an issue
 * (open or closed) of the team's project is in it.
 *
 * One request per milestone and project, stopping at the first hit: GitLab lists a project's issues
 * filtered by milestone title, open and closed alike with `state=all` (gitlabhq
 * doc/api/issues.md, "List project issues": `GET /projects/:id/issues?milestone=1.0.0`, `state`
 * "Return all issues or just those that are opened or closed"). A title may repeat in another
 * group, so the issue's milestone id must match.
 */
export async function milestonesUsedByTeam(writer: ScopeWriter, projects: { path: string }[], candidates: MilestoneInfo[]): Promise<Set<number>> {
  const used = new Set<number>();
  for (const milestone of candidates) {
    for (const project of projects) {
      const response = await writer.api.get(`${projectEndpoint(project.path)}/issues`, {
        searchParams: { milestone: milestone.title, state: "all", per_page: 20, page: 1 },
      });
      const rows = Array.isArray(response.body) ? (response.body as { milestone?: { id?: unknown } | null }[]) : [];
      if (rows.some((r) => r.milestone?.id === milestone.id)) {
        used.add(milestone.id);
        break;
      }
    }
  }
  return used;
}
