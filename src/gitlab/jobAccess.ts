/**
 * Scope-level jobs (tool audits, the digest) create issues and notes, which the engine's narrow
 * Platform does not offer: they need the GitLab platform the runtime builds. These helpers get it,
 * and the project a policy names by role, with a message that says what to fix.
 */
import type { Platform } from "../engine/platform.js";
import type { GitLabPlatform } from "./index.js";
import type { ProjectContext } from "./index.js";
import { projectsWithRole, type CompiledPolicy } from "../policy/model.js";

export function requireGitLabPlatform(platform: Platform, job: string): GitLabPlatform {
  const candidate = platform as Partial<GitLabPlatform>;
  if (typeof candidate.createIssue === "function" && typeof candidate.currentUser === "function" && candidate.requester !== undefined) {
    return platform as GitLabPlatform;
  }
  throw new Error(`The ${job} job creates issues and notes, so it needs the GitLab platform (run it with \`mops-bot run ${job}\`).`);
}

export function projectForRole(policy: CompiledPolicy, role: string, file: string): ProjectContext {
  const project = projectsWithRole(policy.scope, role)[0];
  if (!project) throw new Error(`policies/${file} names the project role "${role}", but no project in policies/scope.yml has it.`);
  return { path: project.path, roles: [...project.roles] };
}
