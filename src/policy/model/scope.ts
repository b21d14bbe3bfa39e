/** The compiled form of policies/scope.yml: the group, its projects by role, the bot's username. */

export interface ProjectScope {
  /** Full path, e.g. `gitlab-com/marketing/marketing-operations`. */
  path: string;
  /** Roles the project plays (`mops`, `sales-systems`, `handbook`); rules select projects by role. */
  roles: string[];
}

export interface ScopeDef {
  /** The GitLab group whose issues, MRs and milestones the bot manages. */
  group: string;
  projects: ProjectScope[];
  /** The bot's own GitLab username (its events are not reconciled again; commands address it). */
  botUsername: string;
  /** Notes the bot may create per minute (the instance's note limit), when scope.yml sets it. */
  notesPerMinute?: number;
}

/** Project roles of a project path, from scope.yml. */
export function rolesOf(scope: ScopeDef, projectPath: string): string[] {
  return scope.projects.find((p) => p.path === projectPath)?.roles ?? [];
}

export function projectsWithRole(scope: ScopeDef, role: string): ProjectScope[] {
  return scope.projects.filter((p) => p.roles.includes(role));
}
