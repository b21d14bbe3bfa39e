/**
 * GitLab user ids by username (`GET /users?username=`), for assigning issues the bot creates to
 * the people named in policies. A username GitLab does not know maps to nothing; the caller says
 * so in its report rather than failing the whole run.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import { GitLabApiError } from "./errors.js";

export async function userIdsByUsername(api: RequesterType, usernames: readonly string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const username of new Set(usernames)) {
    try {
      const response = await api.get("users", { searchParams: { username } });
      const rows = Array.isArray(response.body) ? (response.body as { id?: unknown; username?: unknown }[]) : [];
      const match = rows.find((u) => typeof u.username === "string" && u.username.toLowerCase() === username.toLowerCase());
      if (match && typeof match.id === "number") ids.set(username, match.id);
    } catch (error) {
      // A GitLab without the users listing (or a user hidden from the bot) leaves this name unresolved.
      if (error instanceof GitLabApiError && (error.status === 404 || error.status === 403)) continue;
      throw error;
    }
  }
  return ids;
}
