/** The project that holds the milestone merge requests, and the group that holds the iterations, from scope.yml. */
import type { ProjectContext } from "../gitlab/index.js";
import { projectsWithRole, type CompiledPolicy, type MilestonePolicy } from "../policy/model.js";

export function milestoneMrProject(policy: CompiledPolicy, m: MilestonePolicy): ProjectContext {
  const project = projectsWithRole(policy.scope, m.mr.projectRole)[0];
  if (project === undefined) {
    throw new Error(`policies/milestones.yml puts the milestone merge request in the project with the role "${m.mr.projectRole}", but no project in scope.yml has that role.`);
  }
  return { path: project.path, roles: [...project.roles] };
}

/**
 * The group where the team's iterations live: "two week iterations which are tracked as milestones
 * at the `GitLab.com` level" (000 page, "Milestones"), i.e. in the top group that holds the scope's
 * group and every project in scope. An issue or merge request takes only its project's milestones
 * or its ancestor groups' (gitlabhq app/models/concerns/milestoneable.rb, `milestone_available?`:
 * `project.ancestors_upto.include?(milestone.group)`, else "Milestone is invalid"), so only there
 * can the milestone merge request (in the handbook project) carry the current milestone.
 */
export function milestoneGroup(policy: CompiledPolicy): string {
  const namespaces = [policy.scope.group, ...policy.scope.projects.map((p) => p.path.split("/").slice(0, -1).join("/"))];
  let common = policy.scope.group.split("/");
  for (const ns of namespaces) {
    const parts = ns.split("/");
    let i = 0;
    while (i < common.length && i < parts.length && common[i]!.toLowerCase() === parts[i]!.toLowerCase()) i++;
    common = common.slice(0, i);
  }
  if (common.length === 0) {
    throw new Error(
      `policies/scope.yml: the group ${policy.scope.group} and the projects in scope share no group, so no milestone can serve them all: put them under one top group.`,
    );
  }
  return common.join("/");
}

/** The role of the team's own project(s) in scope.yml: their issues tell the team's iterations from other teams'. */
export const TEAM_PROJECT_ROLE = "mops";

export function teamProjects(policy: CompiledPolicy): ProjectContext[] {
  const projects = projectsWithRole(policy.scope, TEAM_PROJECT_ROLE);
  if (projects.length === 0) {
    throw new Error(
      `policies/scope.yml has no project with the role "${TEAM_PROJECT_ROLE}": the milestones job tells the team's iterations from other teams' milestones by that project's issues, so give the team's issue tracker that role.`,
    );
  }
  return projects.map((p) => ({ path: p.path, roles: [...p.roles] }));
}
