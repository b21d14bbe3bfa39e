/**
 * Users (the current one, and lookup by username), groups, projects and repository branches.
 */
import { offsetPage } from "../paging.js";
import { HttpError, required, str } from "../params.js";
import type { Deps, Router } from "../router.js";
import { groupOr404, notFound, projectOr404 } from "./lookup.js";

export function registerCore(router: Router, deps: Deps): void {
  const { store, present } = deps;

  router.add("GET", "/user", ({ user }) => ({ body: present.currentUser(user) }));

  // GitLab matches `username` exactly but without regard to case, and answers a list (empty when
  // nobody has that name); without it, every user, a page at a time.
  router.add("GET", "/users", ({ params, url }) => {
    const username = str(params, "username")?.toLowerCase();
    const users = [...store.users.values()].filter((u) => username === undefined || u.username.toLowerCase() === username).sort((a, b) => a.id - b.id);
    const page = offsetPage(users, params, url, deps.perPageMax);
    return { body: page.items.map((u) => present.user(u)), headers: page.headers };
  });

  router.add("GET", "/groups/:id", ({ path }) => ({ body: present.group(groupOr404(store, path.id)) }));

  router.add("GET", "/projects/:id", ({ path }) => ({ body: present.project(projectOr404(store, path.id)) }));

  router.add("GET", "/projects/:id/repository/branches/:branch", ({ path }) => {
    const project = projectOr404(store, path.id);
    const branch = store.branch(project.id, path.branch ?? "");
    if (!branch) throw notFound("Branch");
    return { body: present.branch(project, branch) };
  });

  router.add("POST", "/projects/:id/repository/branches", ({ params, path }) => {
    const project = projectOr404(store, path.id);
    const name = required(params, "branch");
    const ref = required(params, "ref");
    if (store.branch(project.id, name)) throw new HttpError(400, { message: "Branch already exists" });
    if (!/^[^\s~^:?*[\\]+$/.test(name) || name.endsWith("/") || name.includes("..")) {
      throw new HttpError(400, { message: "Branch name is invalid" });
    }
    // `ref` is a branch name or the sha of an existing branch head.
    const from = store.branch(project.id, ref) ?? store.branchesOf(project.id).find((b) => b.sha === ref);
    if (!from) throw new HttpError(400, { message: `Invalid reference name: ${ref}` });
    const branch = { project_id: project.id, name, sha: from.sha, created_at: store.now() };
    store.putBranch(branch);
    return { status: 201, body: present.branch(project, branch) };
  });
}
