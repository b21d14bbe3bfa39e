/**
 * gitlab/ — the only code that talks to GitLab.
 *
 * - requester.ts: HTTP (a gitbeaker requester): retries, Retry-After, RateLimit-* pacing, note
 *   pacing, concurrency, request counts, trace ids, redacted errors.
 * - schema.ts + mapping.ts + dates.ts: GitLab JSON -> the snapshot types rules read.
 * - paging.ts: every page of a listing; scopeListings.ts: listings across the group and the
 *   scope's projects outside it.
 * - writes.ts: plans -> the exact update/note requests, refusing undefined labels.
 * - platform.ts: the engine's PlatformReader and Platform (src/engine/) over all of the above,
 *   with dry-run. Code outside gitlab/ reads and writes through those interfaces, not the client.
 * - scopeApply.ts: carries out the scope plans of scheduled jobs (engine/scopePlan.ts), through
 *   ensureIssue.ts and markedNotes.ts (issues and notes kept by marker), milestones.ts,
 *   mergeRequests.ts and labels.ts.
 * - send.ts: where every write request is sent, once the writer has checked it is no dry run.
 * Never imports rules/.
 */
export { createGitLabPlatform } from "./platform.js";
export type { EnsureNoteResult, GitLabApplyResult, GitLabPlatform, GitLabPlatformOptions, NewIssue, WriteOutcome } from "./platform.js";
export { createGitLabRequester, currentTraceId, GitLabRequester, TRACE_HEADER, withTrace } from "./requester.js";
export { DEFAULT_NOTES_PER_MINUTE } from "./pacing.js";
export type { GitLabRequesterOptions, GitLabRequestStats } from "./requester.js";
export { GitLabApiError, GitLabDataError, GitLabNetworkError, RefusedWriteError, redactSecrets } from "./errors.js";
export { mapCurrentUser, mapIssue, mapLabelEvent, mapLabelEvents, mapMergeRequest, mapMilestone, mapNote, mapResource } from "./mapping.js";
export type { ProjectContext } from "./mapping.js";
export { parseCalendarDate, parseGitLabTime } from "./dates.js";
export { routeTemplate } from "./routes.js";
export type { PlannedRequest } from "./writes.js";
export { ensureMarkedNote } from "./markedNotes.js";
export type { MarkedNoteWriter, NoteTarget } from "./markedNotes.js";
export { createMergeRequestCommenter } from "./mergeRequestComments.js";
export type { MergeRequestComment, MergeRequestCommenter, MergeRequestCommenterOptions } from "./mergeRequestComments.js";
export {
  createLabelRequest,
  deleteLabelRequest,
  describeOwner,
  isLabelCarried,
  LabelWriter,
  listLabels,
  mapLabel,
  ownerEndpoint,
  updateLabelRequest,
} from "./labels.js";
export type { GitLabLabel, LabelChanges, LabelOwner, LabelRequest, LabelWriteOutcome, ListLabelsOptions, NewLabel } from "./labels.js";
export { mapStateEvent } from "./stateEvents.js";
export { sendWrite } from "./scopeWrites.js";
export type { ScopeWriteOutcome, ScopeWriter } from "./scopeWrites.js";
export { createGroupMilestone, getGroupMilestone, listMilestonesFrom, mapTeamMilestone, milestonesUsedByTeam, openIssuesInMilestone, updateGroupMilestone } from "./milestones.js";
export type { MilestoneEdit, NewMilestone, TeamMilestone } from "./milestones.js";
export {
  addMergeRequestLabels,
  branchExists,
  createBranch,
  createMergeRequest,
  defaultBranch,
  mergeRequestsInMilestone,
} from "./mergeRequests.js";
export type { NewMergeRequest } from "./mergeRequests.js";
export { findIssuesByMarker } from "./issuesByMarker.js";
export type { MarkedIssueQuery, MarkedIssueReader } from "./issuesByMarker.js";
export { userIdsByUsername } from "./users.js";
