/**
 * gitlab/ — the only code that talks to GitLab.
 *
 * - requester.ts: HTTP (a gitbeaker requester): retries, Retry-After, RateLimit-* pacing, note
 *   pacing, concurrency, request counts, trace ids, redacted errors.
 * - schema.ts + mapping.ts + dates.ts: GitLab JSON -> the snapshot types rules read.
 * - paging.ts: every page of a listing.
 * - writes.ts: plans -> the exact update/note requests, refusing undefined labels.
 * - platform.ts: the engine's Platform over all of the above, with dry-run.
 * Never imports rules/.
 */
export { createGitLabPlatform } from "./platform.js";
export type { EnsureNoteResult, GitLabApplyResult, GitLabPlatform, GitLabPlatformOptions, NewIssue, WriteOutcome } from "./platform.js";
export { createGitLabRequester, currentTraceId, GitLabRequester, TRACE_HEADER, withTrace } from "./requester.js";
export type { GitLabRequesterOptions, GitLabRequestStats } from "./requester.js";
export { GitLabApiError, GitLabDataError, GitLabNetworkError, RefusedWriteError, redactSecrets } from "./errors.js";
export { mapCurrentUser, mapIssue, mapLabelEvent, mapLabelEvents, mapMergeRequest, mapMilestone, mapNote, mapResource } from "./mapping.js";
export type { ProjectContext } from "./mapping.js";
export { parseCalendarDate, parseGitLabTime } from "./dates.js";
export { routeTemplate } from "./routes.js";
export type { PlannedRequest } from "./writes.js";
