/**
 * Route templates: `projects/gitlab-org%2Fgitlab/issues/12/notes` becomes
 * `/projects/:id/issues/:iid/notes`, so request counts and log lines group by endpoint rather
 * than by resource, and never carry resource names.
 */

/** The placeholder used for the segment that follows each collection name. */
const PLACEHOLDERS: Record<string, string> = {
  projects: ":id",
  groups: ":id",
  users: ":id",
  issues: ":iid",
  merge_requests: ":iid",
  notes: ":note_id",
  milestones: ":milestone_id",
  resource_label_events: ":event_id",
  labels: ":label_id",
  discussions: ":discussion_id",
  epics: ":epic_iid",
  hooks: ":hook_id",
  members: ":user_id",
};

/** Strip the host, `/api/v4` and the query string from a URL or endpoint. */
export function endpointPath(urlOrEndpoint: string): string {
  let path = urlOrEndpoint;
  const schemeAt = path.indexOf("://");
  if (schemeAt >= 0) {
    const slash = path.indexOf("/", schemeAt + 3);
    path = slash < 0 ? "/" : path.slice(slash);
  }
  path = path.split("?")[0]!.split("#")[0]!;
  path = path.replace(/^\/?api\/v4(?=\/|$)/, "");
  return path.startsWith("/") ? path : `/${path}`;
}

export function routeTemplate(urlOrEndpoint: string): string {
  const segments = endpointPath(urlOrEndpoint).split("/").filter((s) => s !== "");
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const previous = i > 0 ? segments[i - 1]! : undefined;
    const placeholder = previous !== undefined ? PLACEHOLDERS[previous] : undefined;
    if (placeholder !== undefined && out[out.length - 1] === previous) {
      out.push(placeholder);
    } else if (/^\d+$/.test(segment)) {
      out.push(":id");
    } else {
      out.push(segment);
    }
  }
  return `/${out.join("/")}`;
}

/**
 * The project or group a concrete endpoint is about, decoded (`gitlab-org/gitlab`), so an error
 * can name it. Numeric ids are returned as `#<id>`; undefined when the endpoint names neither.
 */
export function subjectOf(urlOrEndpoint: string): string | undefined {
  const m = /^\/(projects|groups)\/([^/]+)/.exec(endpointPath(urlOrEndpoint));
  if (!m) return undefined;
  const raw = decodeURIComponent(m[2]!);
  const what = m[1] === "projects" ? "project" : "group";
  return /^\d+$/.test(raw) ? `${what} with id ${raw}` : `${what} ${raw}`;
}
