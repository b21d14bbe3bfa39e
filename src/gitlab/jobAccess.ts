/**
 * The project a policy names by role, with a message that says what to fix when scope.yml has
 * none. (Whether the platform can keep issues at all: engine/scopePlatform.ts.)
 */
import type { ScopeProject } from "../engine/scopePlan.js";
import { projectsWithRole, type CompiledPolicy } from "../policy/model.js";

export function projectForRole(policy: CompiledPolicy, role: string, file: string): ScopeProject {
  const project = projectsWithRole(policy.scope, role)[0];
  if (!project) throw new Error(`policies/${file} names the project role "${role}", but no project in policies/scope.yml has it.`);
  return { path: project.path, roles: [...project.roles] };
}
