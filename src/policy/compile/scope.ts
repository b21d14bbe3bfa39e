/** scope.yml -> ScopeDef. */
import type { ScopeDef } from "../model/scope.js";
import type { ScopeFile } from "../schemas/scope.js";
import type { PolicySource, ProblemSink } from "../source.js";

export function compileScope(source: PolicySource, data: ScopeFile, sink: ProblemSink): ScopeDef {
  const seen = new Set<string>();
  data.projects.forEach((p, i) => {
    if (seen.has(p.path)) sink.at(source, ["projects", i, "path"], `project '${p.path}' is listed twice: list it once with all its roles`);
    seen.add(p.path);
    const roles = new Set<string>();
    p.roles.forEach((r, ri) => {
      if (roles.has(r)) sink.at(source, ["projects", i, "roles", ri], `role '${r}' is listed twice for this project`);
      roles.add(r);
    });
  });
  return {
    group: data.group,
    botUsername: data.bot_username,
    projects: data.projects.map((p) => ({ path: p.path, roles: [...new Set(p.roles)] })),
    ...(data.notes_per_minute !== undefined ? { notesPerMinute: data.notes_per_minute } : {}),
  };
}
