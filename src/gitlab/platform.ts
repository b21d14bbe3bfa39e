/**
 * The GitLab implementation of the engine's Platform: reads the scope's issues, merge requests,
 * history and milestones, and carries out plans. Every write goes through `send`, which is where
 * dry-run is honoured; every request goes through the GitLabRequester (retries, rate limits,
 * counts, redaction).
 */
import type { Logger } from "pino";
import type { ApplyResult, IssueQuery, LabelReads, LabelledMergeRequestQuery, ListQuery, MilestoneReads, Platform, PlatformReader } from "../engine/platform.js";
import type { EnsureIssueAction, MarkedIssueQuery, ScopeApplyResult, ScopePlan } from "../engine/scopePlan.js";
import type { ResourcePlan } from "../domain/plan.js";
import { formatRef, type LabelEvent, type MilestoneEvent, type MilestoneInfo, type NoteInfo, type ResourceKind, type ResourceRef, type ResourceSnapshot, type StateEvent, type UserRef } from "../domain/snapshot.js";
import type { CompiledPolicy } from "../policy/model.js";
import { GitLabApiError, RefusedWriteError } from "./errors.js";
import { descriptionMarkersIn } from "../domain/markers.js";
import { postChecked } from "./checkedPost.js";
import { findIssuesByMarker } from "./issuesByMarker.js";
import { ensureMarkedNote, findMarkedNote, type EnsureNoteResult } from "./markedNotes.js";
import { ensureIssue, issueChanges, type EnsureIssueResult, type IssueChanges } from "./ensureIssue.js";
import { applyScopePlan } from "./scopeApply.js";
import { sendRequest } from "./send.js";
import { userIdsByUsername } from "./users.js";
import { defaultBranch, mergeRequestsInMilestone } from "./mergeRequests.js";
import { getGroupMilestone, listMilestonesFrom, milestonesUsedByTeam, openIssuesInMilestone } from "./milestones.js";
import type { ScopeWriter } from "./scopeWrites.js";
import { gitlabLogger } from "./logger.js";
import { fetchStateEventRows, mapStateEvents } from "./stateEvents.js";
import type { HistoryCache, HistoryName, ResourceKey } from "../cache/historyCache.js";
import { mapCurrentUser, mapLabelEvents, type BotIdentity, mapMilestone, mapNote, mapResource, projectContextOf, projectInScope, type ProjectContext } from "./mapping.js";
import type { RateLimitOptions, RetryPolicy, Sleep } from "./pacing.js";
import { isLabelCarried, LabelWriter, listLabels, type GitLabLabel } from "./labels.js";
import { labelledMergeRequests } from "./mergeRequests.js";
import { fetchMilestoneEvents } from "./milestoneEvents.js";
import { issuesAcrossScope } from "./scopeListings.js";
import { allRows, pagesOf } from "./paging.js";
import { eventLogger, GitLabRequester, type GitLabRequestStats } from "./requester.js";
import { checkLabelsToAdd, planned, projectEndpoint, requestsForPlan, resourceEndpoint, type PlannedRequest } from "./writes.js";

export interface GitLabPlatformOptions {
  /** GitLab's base URL, e.g. `https://gitlab.com`. */
  url: string;
  token: string;
  policy: CompiledPolicy;
  /** Report what would be written instead of writing. */
  dryRun: boolean;
  clock: () => Date;
  /** The calendar date (`YYYY-MM-DD`) in the team's zone at a moment; milestone timing uses it. */
  today: (now: Date) => string;
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  rateLimit?: Partial<RateLimitOptions>;
  notesPerMinute?: number;
  timeoutMs?: number;
  logger?: Logger;
  /** Injected in tests so retries and pauses take no time. */
  sleep?: Sleep;
  /** The clock rate limits and note pacing are measured on; the real time by default. */
  pacingClock?: () => Date;
  /** Told of every request's outcome by route and status (serve counts them in /metrics). */
  onResponse?: (route: string, status: string) => void;
  random?: () => number;
  /** Closed milestones updated within this many days are still listed (default 45). */
  recentlyClosedMilestoneDays?: number;
  /** History read in earlier runs, keyed by `updated_at`; without one every history is read anew. */
  historyCache?: HistoryCache;
  /** Send only reads, refusing any write in the name of this command (see GitLabRequesterOptions). */
  readOnlyFor?: string;
}

export type { EnsureNoteResult } from "./markedNotes.js";

export interface GitLabApplyResult extends ApplyResult {
  dryRun: boolean;
  /** What was sent, or in dry-run what would have been sent, in order. */
  requests: PlannedRequest[];
}

/** The outcome of an idempotent write: done, skipped because nothing changed, or only planned (dry-run). */
export type WriteOutcome<T> =
  | { status: "written"; request: PlannedRequest; result: T }
  | { status: "dry-run"; request: PlannedRequest }
  | { status: "unchanged" };

/** A write that was sent, or in dry-run only planned. */
export type SentWrite<T> = Exclude<WriteOutcome<T>, { status: "unchanged" }>;

export interface NewIssue {
  /** Full project path; must be a project in scope.yml. */
  projectPath: string;
  title: string;
  description: string;
  labels?: string[];
  confidential?: boolean;
  assigneeIds?: number[];
  milestoneId?: number;
  dueDate?: string;
}

/** The reads GitLab can always answer, which an in-memory platform may leave out. */
type GitLabReads = Required<Pick<PlatformReader, "stateEvents" | "milestoneEvents" | "labelsInUse" | "historyCacheStats" | "findIssues" | "labelledMergeRequests" | "issuesByMarker" | "userIdsByUsername">>;

export interface GitLabPlatform extends Omit<Platform, keyof GitLabReads>, GitLabReads {
  readonly requester: GitLabRequester;
  currentUser(): Promise<UserRef>;
  apply(plan: ResourcePlan): Promise<GitLabApplyResult>;
  createIssue(input: NewIssue): Promise<SentWrite<ResourceSnapshot>>;
  updateIssueDescription(snapshot: ResourceSnapshot, description: string): Promise<WriteOutcome<ResourceSnapshot>>;
  applyScope(plan: ScopePlan): Promise<ScopeApplyResult>;
  readonly milestoneReads: MilestoneReads;
  readonly labelReads: LabelReads;
  /** Find the bot's note carrying `marker`: create it if missing, edit it if its text changed. */
  ensureNote(snapshot: ResourceSnapshot, marker: string, body: string): Promise<EnsureNoteResult>;
  requestStats(): GitLabRequestStats;
}

const COLLECTION: Record<ResourceKind, string> = { issue: "issues", merge_request: "merge_requests" };

class GitLabPlatformImpl implements GitLabPlatform {
  readonly requester: GitLabRequester;
  private readonly baseLog: Logger;
  /** Inside a reconcile of webhook events (withTrace), lines carry their event id. */
  private get log(): Logger {
    return eventLogger(this.baseLog);
  }
  private readonly policy: CompiledPolicy;
  private me: Promise<UserRef> | undefined;
  /** This platform's own history cache hits and misses (the cache may outlive it). */
  private readonly cacheCounts = { hits: 0, misses: 0 };

  constructor(private readonly options: GitLabPlatformOptions) {
    this.policy = options.policy;
    this.baseLog = gitlabLogger(options.logger);
    this.requester = new GitLabRequester({
      url: options.url,
      token: options.token,
      concurrency: options.concurrency,
      retry: options.retry,
      rateLimit: options.rateLimit,
      notesPerMinute: options.notesPerMinute,
      timeoutMs: options.timeoutMs,
      // Pacing waits in real time: the run's clock may be fixed or moved (tests, `plan`), and a
      // rate window measured on it would never pass.
      clock: options.pacingClock,
      onResponse: options.onResponse,
      sleep: options.sleep,
      random: options.random,
      logger: options.logger,
      readOnlyFor: options.readOnlyFor,
    });
  }

  private get api() {
    return this.requester.api;
  }

  private today(): string {
    return this.options.today(this.options.clock());
  }

  /**
   * One listing per project in scope.yml, not the whole group filtered afterwards: a team's group
   * often holds hundreds of other projects whose issues would be paged through for nothing.
   */
  async *list(query: ListQuery): AsyncIterable<ResourceSnapshot> {
    const today = this.today();
    const params: Record<string, unknown> = {
      // Creation order keeps pages stable while the sweep's own writes move updated_at.
      order_by: "created_at",
      sort: "asc",
    };
    if (query.state === "opened") params.state = "opened";
    if (query.labels !== undefined && query.labels.length > 0) params.labels = query.labels.join(",");
    const seen = new Set<number>();
    for (const p of this.policy.scope.projects) {
      const project = projectContextOf(p);
      const endpoint = `${projectEndpoint(p.path)}/${COLLECTION[query.kind]}`;
      try {
        for await (const page of pagesOf(this.api, endpoint, params)) {
          for (const row of page) {
            const id = (row as { id?: unknown }).id;
            if (typeof id === "number") {
              // Offset pages can overlap when resources are created while the sweep reads.
              if (seen.has(id)) continue;
              seen.add(id);
            }
            try {
              yield mapResource(query.kind, row, project, today);
            } catch (error) {
              // One unreadable resource must not stop the sweep of the others.
              this.log.error({ err: error instanceof Error ? error.message : String(error) }, "Skipping a resource GitLab sent in a form the bot cannot read");
            }
          }
        }
      } catch (error) {
        if (error instanceof GitLabApiError && error.status === 404) {
          throw new Error(
            `policies/scope.yml lists the project "${p.path}", but GitLab has no such project or the bot's user cannot see it. Correct the path or give the user access.`,
          );
        }
        throw error;
      }
    }
  }

  async get(ref: ResourceRef): Promise<ResourceSnapshot | null> {
    if (ref.kind === "milestone") {
      throw new Error(`get() reads issues and merge requests; milestone ${formatRef(ref)} is read with milestones().`);
    }
    const project = projectInScope(this.policy.scope, ref.path);
    if (project === undefined) return null;
    try {
      const response = await this.api.get(resourceEndpoint(project.path, ref.kind, ref.iid));
      return mapResource(ref.kind, response.body, project, this.today());
    } catch (error) {
      if (error instanceof GitLabApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** The bot changed this resource: its cached history is stale (its `updated_at` moved). */
  private async forgetHistory(resource: ResourceKey): Promise<void> {
    await this.options.historyCache?.forget(resource);
  }

  /** One history of a resource: from the cache when its `updated_at` is the one cached, else from GitLab. */
  private async history(snapshot: ResourceSnapshot, name: HistoryName, fetch: () => Promise<unknown[]>): Promise<unknown[]> {
    const cache = this.options.historyCache;
    if (cache === undefined) return fetch();
    // A deleted note lowers user_notes_count without moving updated_at (see cache/historyCache.ts).
    const version = name === "notes" ? String(snapshot.userNotesCount ?? "?") : "";
    const { rows, hit } = await cache.read(snapshot, name, snapshot.updatedAt, fetch, version);
    if (hit) this.cacheCounts.hits++;
    else this.cacheCounts.misses++;
    return rows;
  }

  async labelEvents(snapshot: ResourceSnapshot): Promise<LabelEvent[]> {
    const rows = await this.history(snapshot, "label_events", () =>
      allRows(this.api, `${resourceEndpoint(snapshot.projectPath, snapshot.kind, snapshot.iid)}/resource_label_events`, {}),
    );
    return mapLabelEvents(rows);
  }

  async stateEvents(snapshot: ResourceSnapshot): Promise<StateEvent[]> {
    return mapStateEvents(await this.history(snapshot, "state_events", () => fetchStateEventRows(this.api, snapshot)));
  }

  async notes(snapshot: ResourceSnapshot): Promise<NoteInfo[]> {
    const rows = await this.history(snapshot, "notes", () =>
      allRows(this.api, `${resourceEndpoint(snapshot.projectPath, snapshot.kind, snapshot.iid)}/notes`, {
        sort: "asc",
        order_by: "created_at",
      }),
    );
    const bot = await this.botIdentity();
    return rows.map((row) => mapNote(row, bot));
  }

  async milestones(): Promise<MilestoneInfo[]> {
    const now = this.options.clock();
    const today = this.options.today(now);
    const days = this.options.recentlyClosedMilestoneDays ?? 45;
    const endpoint = `groups/${encodeURIComponent(this.policy.scope.group)}/milestones`;
    // The team's iterations live in the top group ("tracked as milestones at the GitLab.com level"):
    // include_ancestors lists them with the group's own (gitlabhq doc/api/group_milestones.md).
    const [active, closed] = await Promise.all([
      allRows(this.api, endpoint, { state: "active", include_ancestors: true }),
      allRows(this.api, endpoint, { state: "closed", updated_after: new Date(now.getTime() - days * 86_400_000).toISOString(), include_ancestors: true }),
    ]);
    return [...active, ...closed].map((m) => mapMilestone(m, today));
  }

  async labelsInUse(): Promise<GitLabLabel[]> {
    // with_counts and include_ancestor_groups: gitlabhq lib/api/labels.rb (project labels), doc/api/labels.md.
    const listed = await Promise.all(
      this.policy.scope.projects.map((p) => listLabels(this.api, { kind: "project", path: p.path }, { includeAncestors: true, withCounts: true })),
    );
    return listed.flat();
  }

  milestoneEvents(snapshot: ResourceSnapshot): Promise<MilestoneEvent[]> {
    return fetchMilestoneEvents(this.api, snapshot, this.today());
  }

  findIssues(query: IssueQuery): Promise<ResourceSnapshot[]> {
    return issuesAcrossScope(this.api, this.policy.scope, query, this.today());
  }

  labelledMergeRequests(query: LabelledMergeRequestQuery): AsyncIterable<ResourceSnapshot> {
    const options = { label: query.label, state: query.state, updatedAfter: query.updatedAfter.toISOString(), today: this.today() };
    return labelledMergeRequests({ api: this.api, dryRun: this.options.dryRun }, this.policy.scope, options);
  }

  issuesByMarker(query: MarkedIssueQuery, accept?: (marker: string) => boolean): Promise<Map<string, ResourceSnapshot[]>> {
    return findIssuesByMarker({ api: this.api, me: () => this.currentUser(), today: this.today() }, query, accept);
  }

  userIdsByUsername(usernames: readonly string[]): Promise<Map<string, number>> {
    return userIdsByUsername(this.api, usernames);
  }

  currentUser(): Promise<UserRef> {
    if (this.me === undefined) {
      const lookup = this.api.get("user").then((r) => mapCurrentUser(r.body));
      lookup.catch(() => (this.me = undefined));
      this.me = lookup;
    }
    return this.me;
  }

  /**
   * Whose notes carry the bot's markers: the token's user, or scope.yml's bot_username when GitLab
   * cannot say (the read of the notes fails on its own if GitLab is down).
   */
  private async botIdentity(): Promise<BotIdentity> {
    try {
      return await this.currentUser();
    } catch {
      return { username: this.policy.scope.botUsername };
    }
  }

  /** Every write of this platform (resource plans, issues, notes); in dry-run it is only logged. */
  private async send(request: PlannedRequest): Promise<unknown> {
    if (this.options.dryRun) {
      this.log.info({ route: request.route }, "Dry-run: not sending");
      return undefined;
    }
    return sendRequest(this.api, request);
  }

  async apply(plan: ResourcePlan): Promise<GitLabApplyResult> {
    const requests = requestsForPlan(plan, this.policy.taxonomy);
    if (this.options.dryRun) return { writes: 0, dryRun: true, requests };
    let writes = 0;
    try {
      for (const request of requests) {
        if (request.method === "POST" && plan.note !== null) {
          // The plan's one POST is its note: found by its markers when GitLab's answer was lost.
          const markers = plan.note.markers;
          const target = { projectPath: plan.ref.path, kind: plan.kind, iid: plan.iid };
          await postChecked(() => this.send(request), async () => findMarkedNote(this.api, target, await this.botIdentity(), markers));
        } else {
          await this.send(request);
        }
        writes += 1;
      }
    } finally {
      if (writes > 0 && plan.ref.kind !== "milestone") await this.forgetHistory({ kind: plan.ref.kind, projectPath: plan.ref.path, iid: plan.ref.iid });
    }
    return { writes, dryRun: false, requests };
  }

  async createIssue(input: NewIssue): Promise<SentWrite<ResourceSnapshot>> {
    const project = projectInScope(this.policy.scope, input.projectPath);
    if (project === undefined) {
      throw new RefusedWriteError(
        `Refusing to create an issue in "${input.projectPath}": that project is not in policies/scope.yml. Nothing was written.`,
      );
    }
    const labels = input.labels ?? [];
    checkLabelsToAdd(labels, this.policy.taxonomy, `a new issue in ${project.path}`);
    const body: Record<string, unknown> = { title: input.title, description: input.description };
    if (labels.length > 0) body.labels = labels.join(",");
    if (input.confidential !== undefined) body.confidential = input.confidential;
    if (input.assigneeIds !== undefined && input.assigneeIds.length > 0) body.assignee_ids = [...input.assigneeIds];
    if (input.milestoneId !== undefined) body.milestone_id = input.milestoneId;
    if (input.dueDate !== undefined) body.due_date = input.dueDate;
    const request = planned("POST", `${projectEndpoint(project.path)}/issues`, body);
    if (this.options.dryRun) return { status: "dry-run", request };
    const created = await postChecked(
      async () => mapResource("issue", await this.send(request), project, this.today()),
      () => this.findCreatedIssue(project, input.description, labels),
    );
    return { status: "written", request, result: created };
  }

  /**
   * The issue a lost POST may have created: the bot's issue with the same marker in its
   * description. Without a marker nothing can tell it apart, so nothing is found (and nothing sent
   * again: the error stands).
   */
  private async findCreatedIssue(project: ProjectContext, description: string, labels: string[]): Promise<ResourceSnapshot | undefined> {
    const marker = descriptionMarkersIn(description)[0];
    if (marker === undefined) return undefined;
    const reader = { api: this.api, me: () => this.currentUser(), today: this.today() };
    const found = await findIssuesByMarker(reader, { project, labels, search: marker }, (m) => m === marker);
    return found.get(marker)?.[0];
  }

  async updateIssueDescription(snapshot: ResourceSnapshot, description: string): Promise<WriteOutcome<ResourceSnapshot>> {
    const changes = issueChanges(snapshot, { body: description });
    return changes === null ? { status: "unchanged" } : this.updateIssue(snapshot, changes);
  }

  /**
   * One `PUT` of an issue's description, added labels and state, as ensureIssue decided them.
   * `add_labels` adds without touching the labels a person set, and `state_event` takes `close` or
   * `reopen` (gitlabhq lib/api/issues.rb, `put ':id/issues/:issue_iid'`, and the `issue_params` of
   * lib/api/helpers/issues_helpers.rb).
   */
  private async updateIssue(snapshot: ResourceSnapshot, changes: IssueChanges): Promise<SentWrite<ResourceSnapshot>> {
    const body: Record<string, unknown> = {};
    if (changes.description !== undefined) body.description = changes.description;
    if (changes.addLabels !== undefined && changes.addLabels.length > 0) {
      checkLabelsToAdd(changes.addLabels, this.policy.taxonomy, formatRef(snapshot.ref));
      body.add_labels = changes.addLabels.join(",");
    }
    if (changes.stateEvent !== undefined) body.state_event = changes.stateEvent;
    const request = planned("PUT", resourceEndpoint(snapshot.projectPath, snapshot.kind, snapshot.iid), body);
    if (this.options.dryRun) return { status: "dry-run", request };
    const updated = await this.send(request);
    await this.forgetHistory(snapshot);
    const project = { path: snapshot.projectPath, roles: snapshot.projectRoles };
    return { status: "written", request, result: mapResource(snapshot.kind, updated, project, this.today()) };
  }

  private scopeWriter(): ScopeWriter {
    return { api: this.api, dryRun: this.options.dryRun };
  }

  readonly labelReads: LabelReads = {
    labels: (owner, options) => listLabels(this.api, owner, options),
    isCarried: (owner, name) => isLabelCarried(this.api, owner, name),
  };

  readonly milestoneReads: MilestoneReads = {
    teamMilestones: (group, today) => listMilestonesFrom(this.scopeWriter(), group, today),
    groupMilestone: (group, id, today) => getGroupMilestone(this.scopeWriter(), group, id, today),
    openIssuesInMilestone: (group, milestoneId, today) => openIssuesInMilestone(this.scopeWriter(), this.policy.scope, group, milestoneId, today),
    mergeRequestsInMilestone: (project, title, today, sourceBranch) => mergeRequestsInMilestone(this.scopeWriter(), project, title, today, sourceBranch),
    defaultBranch: (projectPath) => defaultBranch(this.scopeWriter(), projectPath),
    milestonesUsedByTeam: (projects, candidates) => milestonesUsedByTeam(this.scopeWriter(), projects, candidates),
  };

  applyScope(plan: ScopePlan): Promise<ScopeApplyResult> {
    return applyScopePlan({ dryRun: this.options.dryRun, ensureIssue: (action) => this.ensureIssue(action), ensureNote: (t, m, b) => this.ensureNote(t, m, b), apply: (p) => this.apply(p), writer: this.scopeWriter(), labels: new LabelWriter(this.api, this.options.dryRun) }, plan);
  }

  private ensureIssue(action: EnsureIssueAction): Promise<EnsureIssueResult> {
    const writer = {
      findByMarker: async (query: MarkedIssueQuery, marker: string) => (await this.issuesByMarker(query, (m) => m === marker)).get(marker) ?? [],
      createIssue: (input: NewIssue) => this.createIssue(input),
      updateIssue: (issue: ResourceSnapshot, changes: IssueChanges) => this.updateIssue(issue, changes),
    };
    return ensureIssue(writer, action.issue, { found: action.found, lookup: action.lookup, createIfMissing: action.createIfMissing, keepBody: action.keepBody });
  }

  async ensureNote(snapshot: ResourceSnapshot, marker: string, body: string): Promise<EnsureNoteResult> {
    const send = async (r: PlannedRequest) => {
      const sent = await this.send(r);
      if (!this.options.dryRun) await this.forgetHistory(snapshot);
      return sent;
    };
    const writer = { api: this.api, me: () => this.currentUser(), dryRun: this.options.dryRun, send };
    return ensureMarkedNote(writer, snapshot, marker, body);
  }

  requestStats(): GitLabRequestStats {
    return this.requester.stats();
  }

  historyCacheStats(): { hits: number; misses: number } | undefined {
    return this.options.historyCache === undefined ? undefined : { ...this.cacheCounts };
  }
}

export function createGitLabPlatform(options: GitLabPlatformOptions): GitLabPlatform {
  return new GitLabPlatformImpl(options);
}
