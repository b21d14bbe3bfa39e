/**
 * The plan comment on a policy merge request. That merge request lives in the project holding the
 * policies (CI's `CI_PROJECT_PATH`), which need not be in scope.yml and is never reconciled, so
 * this needs no compiled policies: it still works when the policies in the merge request are broken
 * and the comment has to say so.
 */
import type { Logger } from "pino";
import type { UserRef } from "../domain/snapshot.js";
import { GitLabApiError } from "./errors.js";
import { mapCurrentUser, parseWith } from "./mapping.js";
import { ensureMarkedNote, type EnsureNoteResult } from "./markedNotes.js";
import type { RetryPolicy, Sleep } from "./pacing.js";
import { GitLabRequester } from "./requester.js";
import { mergeRequestSchema } from "./schema.js";
import { sendRequest } from "./send.js";
import { resourceEndpoint, type PlannedRequest } from "./writes.js";

export interface MergeRequestCommenterOptions {
  url: string;
  token: string;
  /** Say what would be posted instead of posting. */
  dryRun?: boolean;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
}

export interface MergeRequestComment extends EnsureNoteResult {
  /** The merge request's web address. */
  webUrl: string;
}

export interface MergeRequestCommenter {
  /** One comment per merge request and marker: created the first time, edited when its text changes. */
  ensureComment(projectPath: string, iid: number, marker: string, body: string): Promise<MergeRequestComment>;
}

export function createMergeRequestCommenter(options: MergeRequestCommenterOptions): MergeRequestCommenter {
  const requester = new GitLabRequester({ url: options.url, token: options.token, retry: options.retry, sleep: options.sleep, logger: options.logger });
  const api = requester.api;
  const dryRun = options.dryRun === true;
  let me: Promise<UserRef> | undefined;
  const currentUser = (): Promise<UserRef> => (me ??= api.get("user").then((r) => mapCurrentUser(r.body)));
  const send = (request: PlannedRequest): Promise<unknown> => sendRequest(api, request);

  return {
    async ensureComment(projectPath, iid, marker, body) {
      let webUrl: string;
      try {
        const response = await api.get(resourceEndpoint(projectPath, "merge_request", iid));
        webUrl = parseWith(mergeRequestSchema, response.body, `merge request ${projectPath}!${iid}`).web_url;
      } catch (error) {
        if (error instanceof GitLabApiError && error.status === 404) {
          throw new Error(
            `GitLab has no merge request !${iid} in "${projectPath}", or the bot's user cannot see it. Check --comment-on-mr and --project (in CI: CI_MERGE_REQUEST_IID and CI_PROJECT_PATH).`,
          );
        }
        throw error;
      }
      const result = await ensureMarkedNote({ api, me: currentUser, dryRun, send }, { projectPath, kind: "merge_request", iid }, marker, body);
      return { ...result, webUrl };
    },
  };
}
