/**
 * GitLab JSON -> the snapshot types rules read (src/domain/snapshot.ts). Every function is pure:
 * "today" and the project's roles are given by the caller, never looked up here. Input is
 * validated with the schemas in schema.ts; a resource GitLab sent without a field the bot relies
 * on raises a GitLabDataError that names the resource and the field.
 */
import type { z } from "zod";
import { markersIn } from "../domain/markers.js";
import type {
  LabelEvent,
  MilestoneInfo,
  NoteInfo,
  ResourceKind,
  ResourceSnapshot,
  UserRef,
} from "../domain/snapshot.js";
import { milestoneTiming } from "../domain/snapshot.js";
import type { ScopeDef } from "../policy/model.js";
import { parseCalendarDate, parseGitLabTime } from "./dates.js";
import { GitLabDataError } from "./errors.js";
import {
  issueSchema,
  labelEventSchema,
  mergeRequestSchema,
  milestoneSchema,
  noteSchema,
  userSchema,
  type GitLabMilestone,
  type GitLabUser,
} from "./schema.js";

/** Where a listed resource lives, resolved by the caller from scope.yml. */
export interface ProjectContext {
  /** Canonical full path from scope.yml. */
  path: string;
  roles: string[];
}

/** A scope.yml project as the mapping needs it, with its own copy of the roles. */
export function projectContextOf(p: { path: string; roles: readonly string[] }): ProjectContext {
  return { path: p.path, roles: [...p.roles] };
}

/** The scope.yml project at `path` (GitLab paths are case-insensitive), or undefined when it is not in scope. */
export function projectInScope(scope: Pick<ScopeDef, "projects">, path: string): ProjectContext | undefined {
  const p = scope.projects.find((candidate) => candidate.path.toLowerCase() === path.toLowerCase());
  return p === undefined ? undefined : projectContextOf(p);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

/** Validate `input` with `schema`, or throw a GitLabDataError naming `what`. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new GitLabDataError(`GitLab sent ${what} the bot cannot read: ${describeIssues(result.error)}.`);
  }
  return result.data;
}

export function mapUser(u: GitLabUser): UserRef {
  const ref: UserRef = { id: u.id, username: u.username };
  if (typeof u.name === "string") ref.name = u.name;
  return ref;
}

function milestoneState(state: string): "active" | "closed" {
  return state === "closed" ? "closed" : "active";
}

export function mapMilestone(input: unknown, today: string): MilestoneInfo {
  const m: GitLabMilestone = parseWith(milestoneSchema, input, "a milestone");
  const base = {
    state: milestoneState(m.state),
    startDate: parseCalendarDate(m.start_date),
    dueDate: parseCalendarDate(m.due_date),
  };
  const info: MilestoneInfo = {
    id: m.id,
    title: m.title,
    ...base,
    timing: milestoneTiming(base, today),
  };
  if (typeof m.iid === "number") info.iid = m.iid;
  if (typeof m.web_url === "string") info.webUrl = m.web_url;
  return info;
}

/** A required timestamp: the first readable one of `candidates`, or a GitLabDataError. */
function requiredTime(what: string, field: string, ...candidates: unknown[]): Date {
  for (const c of candidates) {
    const d = parseGitLabTime(c);
    if (d !== null) return d;
  }
  throw new GitLabDataError(`GitLab sent ${what} whose ${field} cannot be read as a time (${JSON.stringify(candidates[0] ?? null)}).`);
}

function issuableState(kind: ResourceKind, state: string, what: string): ResourceSnapshot["state"] {
  if (state === "opened" || state === "closed") return state;
  if (kind === "merge_request" && (state === "merged" || state === "locked")) return state;
  // GitLab once said "reopened"; it means open.
  if (state === "reopened") return "opened";
  throw new GitLabDataError(`GitLab sent ${what} with an unknown state "${state}".`);
}

function assigneesOf(raw: { assignees?: GitLabUser[] | null; assignee?: GitLabUser | null }): UserRef[] {
  if (Array.isArray(raw.assignees)) return raw.assignees.map(mapUser);
  return raw.assignee ? [mapUser(raw.assignee)] : [];
}

function mapIssuable(kind: ResourceKind, input: unknown, project: ProjectContext, today: string): ResourceSnapshot {
  const sigil = kind === "issue" ? "#" : "!";
  const label = kind === "issue" ? "an issue" : "a merge request";
  const hint =
    input !== null && typeof input === "object" && "iid" in input ? ` (${project.path}${sigil}${String((input as { iid: unknown }).iid)})` : "";
  const what = `${label}${hint}`;
  const schema = kind === "issue" ? issueSchema : mergeRequestSchema;
  const raw = parseWith(schema, input, what);
  const createdAt = requiredTime(what, "created_at", raw.created_at, raw.updated_at);
  const snapshot: ResourceSnapshot = {
    ref: { kind, path: project.path, iid: raw.iid },
    kind,
    id: raw.id,
    iid: raw.iid,
    projectId: raw.project_id,
    projectPath: project.path,
    projectRoles: [...project.roles],
    title: raw.title,
    description: raw.description ?? "",
    state: issuableState(kind, raw.state, what),
    labels: [...raw.labels],
    milestone: raw.milestone ? mapMilestone(raw.milestone, today) : null,
    assignees: assigneesOf(raw),
    author: mapUser(raw.author),
    createdAt,
    updatedAt: parseGitLabTime(raw.updated_at) ?? createdAt,
    closedAt: parseGitLabTime(raw.closed_at),
    dueDate: null,
    confidential: false,
    webUrl: raw.web_url,
  };
  if (typeof raw.user_notes_count === "number") snapshot.userNotesCount = raw.user_notes_count;
  if (raw.closed_by !== undefined) snapshot.closedBy = raw.closed_by === null ? null : mapUser(raw.closed_by);
  if (kind === "issue") {
    const issue = raw as z.infer<typeof issueSchema>;
    snapshot.dueDate = parseCalendarDate(issue.due_date);
    snapshot.confidential = issue.confidential === true;
  } else {
    const mr = raw as z.infer<typeof mergeRequestSchema>;
    snapshot.draft = mr.draft === true || mr.work_in_progress === true;
    snapshot.mergedAt = parseGitLabTime(mr.merged_at);
    if (typeof mr.source_branch === "string" && mr.source_branch !== "") snapshot.sourceBranch = mr.source_branch;
  }
  return snapshot;
}

export function mapIssue(input: unknown, project: ProjectContext, today: string): ResourceSnapshot {
  return mapIssuable("issue", input, project, today);
}

export function mapMergeRequest(input: unknown, project: ProjectContext, today: string): ResourceSnapshot {
  return mapIssuable("merge_request", input, project, today);
}

export function mapResource(kind: ResourceKind, input: unknown, project: ProjectContext, today: string): ResourceSnapshot {
  return mapIssuable(kind, input, project, today);
}

/**
 * Who the bot is, to tell its notes from people's: the token's user as `GET /user` answers, or
 * only the username (scope.yml's bot_username) when GitLab could not say.
 */
export interface BotIdentity {
  id?: number;
  username: string;
}

export function isBotUser(user: UserRef, bot: BotIdentity): boolean {
  if (bot.id !== undefined) return user.id === bot.id;
  return user.username.toLowerCase() === bot.username.toLowerCase();
}

/**
 * The one place markers are read from notes: only a comment the bot's user wrote carries them.
 * Anyone who can comment can paste `<!-- mops-bot:... -->`; GitLab's notes API gives the author of
 * every note (lib/api/entities/note.rb exposes `author` and `system`), so a pasted one never counts.
 */
export function mapNote(input: unknown, bot: BotIdentity): NoteInfo {
  const n = parseWith(noteSchema, input, "a note");
  const body = n.body ?? "";
  const author = mapUser(n.author);
  const system = n.system === true;
  return {
    id: n.id,
    body,
    author,
    createdAt: requiredTime(`note ${n.id}`, "created_at", n.created_at, n.updated_at),
    system,
    botMarkers: !system && isBotUser(author, bot) ? markersIn(body) : [],
  };
}

/**
 * A label event, or null for events rules cannot use: the label has since been deleted, or the
 * action is one the bot does not know.
 */
export function mapLabelEvent(input: unknown): LabelEvent | null {
  const e = parseWith(labelEventSchema, input, "a label event");
  if (!e.label || (e.action !== "add" && e.action !== "remove")) return null;
  const createdAt = parseGitLabTime(e.created_at);
  if (createdAt === null) return null;
  return { id: e.id, action: e.action, label: e.label.name, user: e.user ? mapUser(e.user) : null, createdAt };
}

/** Label events in the order they happened (GitLab's order is by id, which usually agrees). */
export function mapLabelEvents(input: unknown[]): LabelEvent[] {
  return input
    .map(mapLabelEvent)
    .filter((e): e is LabelEvent => e !== null)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
}

export function mapCurrentUser(input: unknown): UserRef {
  return mapUser(parseWith(userSchema, input, "the current user"));
}
