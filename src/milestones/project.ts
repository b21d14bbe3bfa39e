/** The project that holds the milestone merge requests, from its role in scope.yml. */
import type { ProjectContext } from "../gitlab/index.js";
import { projectsWithRole, type CompiledPolicy, type MilestonePolicy } from "../policy/model.js";

export function milestoneMrProject(policy: CompiledPolicy, m: MilestonePolicy): ProjectContext {
  const project = projectsWithRole(policy.scope, m.mr.projectRole)[0];
  if (project === undefined) {
    throw new Error(`policies/milestones.yml puts the milestone merge request in the project with the role "${m.mr.projectRole}", but no project in scope.yml has that role.`);
  }
  return { path: project.path, roles: [...project.roles] };
}
