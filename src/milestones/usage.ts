/**
 * Which milestones the team's issues use. The top group holds every team's two-week milestones;
 * one titled otherwise than the team's counts as their iteration only when an issue (open or
 * closed) of the team's project is in it.
 */
import type { MilestoneInfo } from "../domain/snapshot.js";
import type { ProjectContext, ScopeWriter } from "../gitlab/index.js";
import type { UsedByTeam } from "./plan.js";

/**
 * The ids among `candidates` that issues of `projects` use. One request per milestone and project,
 * stopping at the first hit: GitLab lists a project's issues filtered by milestone title, open and
 * closed alike when no `state` is given (gitlabhq doc/api/issues.md, "List project issues":
 * `GET /projects/:id/issues?milestone=1.0.0`, `state` "Return all issues or just those that are
 * opened or closed"). A title may repeat in another group, so the milestone id must match.
 */
export async function milestonesUsedByTeam(writer: ScopeWriter, projects: ProjectContext[], candidates: MilestoneInfo[]): Promise<UsedByTeam> {
  const used = new Set<number>();
  for (const milestone of candidates) {
    for (const project of projects) {
      const response = await writer.api.get(`projects/${encodeURIComponent(project.path)}/issues`, {
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
