/**
 * Every change to issues, merge requests, notes and milestones, whether it comes from a REST
 * request, a quick action or a seeding helper acting as a person. One path means every label
 * change records resource label events with the acting user and time, unknown label names are
 * created (and recorded) like GitLab does, and each change emits one event for webhooks.
 */
import { extractQuickActions, parseLabelArgs, parseMilestoneArg, parseUserArgs, type QuickCommand } from "./quickActions.js";
import type { Store } from "./store.js";
import type {
  CreatedLabel,
  IssuableKind,
  IssuableRecord,
  LabelRecord,
  MilestoneRecord,
  NoteRecord,
  ProjectRecord,
  QuickActionRecord,
  UserRecord,
} from "./types.js";

/** GitLab's colour for labels it creates on the fly. */
export const DEFAULT_LABEL_COLOR = "#6699cc";

export interface IssuableChanges {
  title?: string;
  description?: string | null;
  stateEvent?: "close" | "reopen";
  /** Full overwrite of the label set. */
  labels?: string[];
  addLabels?: string[];
  removeLabels?: string[];
  milestoneId?: number | null;
  assigneeIds?: number[];
  reviewerIds?: number[];
  dueDate?: string | null;
  confidential?: boolean;
  discussionLocked?: boolean;
  targetBranch?: string;
  /** Merge requests: add or remove the `Draft: ` title prefix. */
  draft?: boolean;
}

export interface FieldChange {
  previous: unknown;
  current: unknown;
}

export type ChangeEvent =
  | {
      type: "issuable";
      record: IssuableRecord;
      action: "open" | "update" | "close" | "reopen";
      actor: UserRecord;
      /** Field -> previous/current; `labels` and `assignees` hold ids (hooks render the objects). */
      changes: Record<string, FieldChange>;
    }
  | { type: "note"; note: NoteRecord; record: IssuableRecord; actor: UserRecord; action: "create" | "update" }
  | { type: "milestone"; milestone: MilestoneRecord; action: "create" | "close" | "reopen" };

export interface NoteOutcome {
  /** Undefined when the note held only commands (GitLab answers 202 and stores nothing). */
  note?: NoteRecord;
  commandsChanges: Record<string, unknown>;
  summary: string[];
  commandsRan: boolean;
}

const DRAFT_PREFIX = /^\s*(\[draft\]|\(draft\)|draft:|draft\s-\s|draft\s|\[wip\]|wip:)\s*/i;

export function isDraftTitle(title: string): boolean {
  return DRAFT_PREFIX.test(title);
}

function scopeOf(name: string): string | undefined {
  const at = name.lastIndexOf("::");
  return at > 0 ? name.slice(0, at) : undefined;
}

function sameIds(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** GitLab's resource state events: who closed or reopened an issue or merge request, and when. */
export interface StateEventRecord {
  id: number;
  kind: IssuableKind;
  resource_id: number;
  user_id: number;
  state: "closed" | "reopened";
  created_at: string;
}

/**
 * GitLab's resource milestone events: a milestone set (`add`, the new milestone) or removed
 * (`remove`, the milestone taken off, as gitlabhq app/services/resource_events/change_milestone_service.rb
 * records since the service keeps `old_milestone`).
 */
export interface MilestoneEventRecord {
  id: number;
  kind: IssuableKind;
  resource_id: number;
  user_id: number;
  milestone_id: number | null;
  action: "add" | "remove";
  state: IssuableRecord["state"];
  created_at: string;
}

export class Mutations {
  readonly createdLabels: CreatedLabel[] = [];
  readonly stateEvents: StateEventRecord[] = [];
  readonly milestoneEvents: MilestoneEventRecord[] = [];
  readonly quickActionsExecuted: QuickActionRecord[] = [];
  private readonly listeners: Array<(event: ChangeEvent) => void> = [];

  constructor(
    private readonly store: Store,
    private readonly options: { scopedLabelsExclusive: boolean },
  ) {}

  onChange(listener: (event: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(event: ChangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  projectOf(record: IssuableRecord): ProjectRecord {
    const project = this.store.projects.get(record.project_id);
    if (!project) throw new Error(`project ${record.project_id} of ${record.kind} ${record.iid} is missing`);
    return project;
  }

  // ---- labels ------------------------------------------------------------------------------

  /** The project's label with this name, creating a project label like GitLab does when none exists. */
  private findOrCreateLabel(project: ProjectRecord, name: string, actor: UserRecord, via: string): LabelRecord {
    const existing = this.store.labelForProject(project, name);
    if (existing) return existing;
    const now = this.store.now();
    const label: LabelRecord = {
      id: this.store.nextId("label"),
      name,
      color: DEFAULT_LABEL_COLOR,
      description: null,
      owner: "project",
      owner_id: project.id,
      created_at: now,
      updated_at: now,
    };
    this.store.putLabel(label);
    this.createdLabels.push({ name, project: project.path_with_namespace, by: actor.username, at: now, via });
    return label;
  }

  private nextLabelIds(record: IssuableRecord, changes: IssuableChanges, actor: UserRecord, via: string): number[] {
    const project = this.projectOf(record);
    let ids = changes.labels ? changes.labels.map((n) => this.findOrCreateLabel(project, n, actor, via).id) : [...record.label_ids];
    for (const name of changes.addLabels ?? []) {
      const label = this.findOrCreateLabel(project, name, actor, via);
      const scope = scopeOf(label.name);
      if (this.options.scopedLabelsExclusive && scope !== undefined) {
        ids = ids.filter((id) => {
          const other = this.store.labels.get(id);
          return !other || other.id === label.id || scopeOf(other.name) !== scope;
        });
      }
      if (!ids.includes(label.id)) ids.push(label.id);
    }
    const removeIds = new Set(
      (changes.removeLabels ?? []).map((n) => this.store.labelForProject(project, n)?.id).filter((id): id is number => id !== undefined),
    );
    return [...new Set(ids)].filter((id) => !removeIds.has(id));
  }

  private recordLabelEvents(record: IssuableRecord, before: number[], after: number[], actor: UserRecord | null, at: string): void {
    const prior = new Set(before);
    const next = new Set(after);
    const log = (labelId: number, action: "add" | "remove") =>
      this.store.putLabelEvent({
        id: this.store.nextId("label_event"),
        kind: record.kind,
        resource_id: record.id,
        user_id: actor?.id ?? null,
        label_id: labelId,
        action,
        created_at: at,
      });
    for (const id of after) if (!prior.has(id)) log(id, "add");
    for (const id of before) if (!next.has(id)) log(id, "remove");
  }

  // ---- issues and merge requests -------------------------------------------------------------

  createIssuable(
    project: ProjectRecord,
    kind: IssuableKind,
    init: Partial<IssuableRecord> & { title: string; labels?: string[] },
    actor: UserRecord,
    via: string,
    options: { notify: boolean; createdAt?: string } = { notify: true },
  ): IssuableRecord {
    const at = options.createdAt ?? this.store.now();
    let description = init.description ?? null;
    let commands: QuickCommand[] = [];
    if (description && options.notify) ({ commands, remaining: description } = extractQuickActions(description));
    const record: IssuableRecord = {
      kind,
      id: init.id ?? this.store.nextId(kind),
      iid: this.store.nextIid(`${kind}:${project.id}`, init.iid),
      project_id: project.id,
      title: init.title,
      description,
      state: init.state ?? "opened",
      created_at: at,
      updated_at: init.updated_at ?? at,
      closed_at: init.closed_at ?? null,
      closed_by_id: init.closed_by_id ?? null,
      author_id: actor.id,
      updated_by_id: null,
      last_edited_at: null,
      last_edited_by_id: null,
      label_ids: [],
      milestone_id: init.milestone_id ?? null,
      assignee_ids: init.assignee_ids ?? [],
      due_date: init.due_date ?? null,
      confidential: init.confidential ?? false,
      discussion_locked: init.discussion_locked ?? (kind === "issue" ? false : null),
      source_branch: init.source_branch ?? "",
      target_branch: init.target_branch ?? project.default_branch,
      reviewer_ids: init.reviewer_ids ?? [],
      merged_at: init.merged_at ?? null,
      merged_by_id: init.merged_by_id ?? null,
      sha: init.sha ?? fakeSha(`${project.id}:${kind}:${init.title}:${at}`),
    };
    if (record.state === "closed" && !record.closed_at) record.closed_at = at;
    const labelIds = (init.labels ?? []).map((n) => this.findOrCreateLabel(project, n, actor, via).id);
    record.label_ids = [...new Set(labelIds)];
    this.store.putIssuable(record);
    this.recordLabelEvents(record, [], record.label_ids, actor, at);
    if (options.notify) {
      this.emit({ type: "issuable", record, action: "open", actor, changes: {} });
      if (commands.length > 0) this.runCommands(record, commands, actor, "description");
    }
    return record;
  }

  /** Applies the changes; emits one event when anything changed. Returns the changed fields. */
  updateIssuable(
    record: IssuableRecord,
    changes: IssuableChanges,
    actor: UserRecord,
    via: string,
    options: { notify: boolean; at?: string } = { notify: true },
  ): Record<string, FieldChange> {
    let commands: QuickCommand[] = [];
    if (changes.description && options.notify) {
      const extracted = extractQuickActions(changes.description);
      commands = extracted.commands;
      changes = { ...changes, description: extracted.remaining };
    }
    const at = options.at ?? this.store.now();
    const diff: Record<string, FieldChange> = {};
    const set = <K extends keyof IssuableRecord>(field: K, value: IssuableRecord[K], hookName: string = field) => {
      if (record[field] === value) return;
      diff[hookName] = { previous: record[field], current: value };
      record[field] = value;
    };

    let title = changes.title ?? record.title;
    if (record.kind === "merge_request" && changes.draft !== undefined) {
      const bare = title.replace(DRAFT_PREFIX, "");
      title = changes.draft ? `Draft: ${bare}` : bare;
    }
    const wasDraft = isDraftTitle(record.title);
    set("title", title);
    if (record.kind === "merge_request" && wasDraft !== isDraftTitle(record.title)) {
      diff.draft = { previous: wasDraft, current: !wasDraft };
    }
    if (changes.description !== undefined) set("description", changes.description);
    if (diff.title || diff.description) {
      diff.last_edited_at = { previous: record.last_edited_at, current: at };
      diff.last_edited_by_id = { previous: record.last_edited_by_id, current: actor.id };
      record.last_edited_at = at;
      record.last_edited_by_id = actor.id;
    }
    if (changes.milestoneId !== undefined && record.milestone_id !== changes.milestoneId) {
      const previous = record.milestone_id;
      set("milestone_id", changes.milestoneId);
      this.milestoneEvents.push({
        id: this.milestoneEvents.length + 1,
        kind: record.kind,
        resource_id: record.id,
        user_id: actor.id,
        milestone_id: changes.milestoneId ?? previous,
        action: changes.milestoneId === null ? "remove" : "add",
        state: record.state,
        created_at: at,
      });
    }
    if (changes.dueDate !== undefined && record.kind === "issue") set("due_date", changes.dueDate);
    // GitLab records who changed a due date only in a system note by that user
    // (app/services/system_notes/time_tracking_service.rb, change_due_date).
    if (diff.due_date) this.createNote(record, dueDateNoteBody(record.due_date), actor, { system: true, notify: false, createdAt: at });
    if (changes.confidential !== undefined && record.kind === "issue") set("confidential", changes.confidential);
    if (changes.discussionLocked !== undefined) set("discussion_locked", changes.discussionLocked);
    if (changes.targetBranch !== undefined && record.kind === "merge_request") set("target_branch", changes.targetBranch);
    if (changes.assigneeIds !== undefined && !sameIds(record.assignee_ids, changes.assigneeIds)) {
      diff.assignees = { previous: record.assignee_ids, current: changes.assigneeIds };
      record.assignee_ids = changes.assigneeIds;
    }
    if (changes.reviewerIds !== undefined && record.kind === "merge_request" && !sameIds(record.reviewer_ids, changes.reviewerIds)) {
      diff.reviewers = { previous: record.reviewer_ids, current: changes.reviewerIds };
      record.reviewer_ids = changes.reviewerIds;
    }
    if (changes.labels !== undefined || changes.addLabels !== undefined || changes.removeLabels !== undefined) {
      const before = record.label_ids;
      const after = this.nextLabelIds(record, changes, actor, via);
      const beforeSet = new Set(before);
      if (after.length !== before.length || after.some((id) => !beforeSet.has(id))) {
        diff.labels = { previous: before, current: after };
        record.label_ids = after;
        this.recordLabelEvents(record, before, after, actor, at);
      }
    }
    let action: "update" | "close" | "reopen" = "update";
    if (changes.stateEvent === "close" && record.state === "opened") {
      action = "close";
      diff.state_id = { previous: 1, current: 2 };
      diff.closed_at = { previous: record.closed_at, current: at };
      record.state = "closed";
      record.closed_at = at;
      record.closed_by_id = actor.id;
      this.stateEvents.push({ id: this.stateEvents.length + 1, kind: record.kind, resource_id: record.id, user_id: actor.id, state: "closed", created_at: at });
    } else if (changes.stateEvent === "reopen" && record.state === "closed") {
      action = "reopen";
      diff.state_id = { previous: 2, current: 1 };
      diff.closed_at = { previous: record.closed_at, current: null };
      record.state = "opened";
      record.closed_at = null;
      record.closed_by_id = null;
      this.stateEvents.push({ id: this.stateEvents.length + 1, kind: record.kind, resource_id: record.id, user_id: actor.id, state: "reopened", created_at: at });
    }
    if (Object.keys(diff).length > 0) {
      diff.updated_at = { previous: record.updated_at, current: at };
      diff.updated_by_id = { previous: record.updated_by_id, current: actor.id };
      record.updated_at = at;
      record.updated_by_id = actor.id;
      if (options.notify) this.emit({ type: "issuable", record, action, actor, changes: diff });
    }
    if (commands.length > 0) this.runCommands(record, commands, actor, "description");
    return diff;
  }

  // ---- notes and quick actions ----------------------------------------------------------------

  createNote(
    record: IssuableRecord,
    body: string,
    actor: UserRecord,
    options: { system?: boolean; internal?: boolean; notify: boolean; createdAt?: string; literal?: boolean },
  ): NoteOutcome {
    // System notes and seeded notes are stored as written; people's and the API's notes run commands.
    const { commands, remaining } = options.system || options.literal ? { commands: [], remaining: body } : extractQuickActions(body);
    const outcome: NoteOutcome = { commandsChanges: {}, summary: [], commandsRan: commands.length > 0 };
    if (commands.length > 0) Object.assign(outcome, this.runCommands(record, commands, actor, "note"));
    if (commands.length > 0 && remaining === "") return outcome;
    const at = options.createdAt ?? this.store.now();
    const note: NoteRecord = {
      id: this.store.nextId("note"),
      project_id: record.project_id,
      kind: record.kind,
      noteable_id: record.id,
      noteable_iid: record.iid,
      body: commands.length > 0 ? remaining : body,
      author_id: actor.id,
      system: options.system ?? false,
      internal: options.internal ?? false,
      created_at: at,
      updated_at: at,
    };
    this.store.putNote(note);
    // Like GitLab, a comment touches the issue or merge request it is on (its updated_at moves).
    if (!note.system && note.created_at > record.updated_at) record.updated_at = note.created_at;
    // System notes fire no Note Hook in GitLab.
    if (options.notify && !note.system) this.emit({ type: "note", note, record, actor, action: "create" });
    outcome.note = note;
    return outcome;
  }

  updateNote(record: IssuableRecord, note: NoteRecord, body: string, actor: UserRecord): void {
    if (note.body === body) return;
    note.body = body;
    note.updated_at = this.store.now();
    if (!note.system) this.emit({ type: "note", note, record, actor, action: "update" });
  }

  /** Executes quick actions as GitLab would and records each one. */
  private runCommands(
    record: IssuableRecord,
    commands: QuickCommand[],
    actor: UserRecord,
    source: "note" | "description",
  ): { commandsChanges: Record<string, unknown>; summary: string[] } {
    const project = this.projectOf(record);
    const changes: IssuableChanges = {};
    const commandsChanges: Record<string, unknown> = {};
    const summary: string[] = [];
    const at = this.store.now();
    const noun = record.kind === "issue" ? "issue" : "merge request";
    for (const command of commands) {
      this.quickActionsExecuted.push({
        command: command.name,
        args: command.args,
        source,
        resource: `${project.path_with_namespace}${record.kind === "issue" ? "#" : "!"}${record.iid}`,
        by: actor.username,
        at,
      });
      switch (command.name) {
        case "close":
          changes.stateEvent = "close";
          commandsChanges.state_event = "close";
          summary.push(`Closed this ${noun}.`);
          break;
        case "reopen":
          changes.stateEvent = "reopen";
          commandsChanges.state_event = "reopen";
          summary.push(`Reopened this ${noun}.`);
          break;
        case "label":
        case "relabel": {
          // Quick actions only apply labels that exist; they never create one.
          const labels = parseLabelArgs(command.args).map((n) => this.store.labelForProject(project, n)).filter((l) => l !== undefined);
          if (command.name === "relabel") changes.labels = labels.map((l) => l.name);
          else changes.addLabels = [...(changes.addLabels ?? []), ...labels.map((l) => l.name)];
          commandsChanges.add_label_ids = labels.map((l) => l.id);
          summary.push(`Added ${labels.map((l) => `~${l.name}`).join(" ")} label(s).`);
          break;
        }
        case "unlabel": {
          const names = command.args.trim() === "" ? this.store.labelNames(record) : parseLabelArgs(command.args);
          changes.removeLabels = [...(changes.removeLabels ?? []), ...names];
          commandsChanges.remove_label_ids = names.map((n) => this.store.labelForProject(project, n)?.id).filter((id) => id !== undefined);
          summary.push(`Removed ${names.map((n) => `~${n}`).join(" ")} label(s).`);
          break;
        }
        case "assign":
        case "reassign": {
          const ids = parseUserArgs(command.args)
            .map((u) => (u === "me" ? actor : this.store.usersByName.get(u)))
            .filter((u) => u !== undefined)
            .map((u) => u.id);
          changes.assigneeIds = command.name === "reassign" ? ids : [...new Set([...(changes.assigneeIds ?? record.assignee_ids), ...ids])];
          commandsChanges.assignee_ids = changes.assigneeIds;
          summary.push(`Assigned ${command.args}.`);
          break;
        }
        case "unassign": {
          const names = parseUserArgs(command.args);
          const drop = new Set(names.map((u) => this.store.usersByName.get(u)?.id));
          changes.assigneeIds = names.length === 0 ? [] : (changes.assigneeIds ?? record.assignee_ids).filter((id) => !drop.has(id));
          commandsChanges.assignee_ids = changes.assigneeIds;
          summary.push("Removed assignee(s).");
          break;
        }
        case "milestone": {
          const wanted = parseMilestoneArg(command.args);
          const milestone = this.store
            .milestonesForProject(project)
            .find((m) => m.title === wanted || String(m.id) === wanted);
          if (milestone) {
            changes.milestoneId = milestone.id;
            commandsChanges.milestone_id = milestone.id;
            summary.push(`Set the milestone to %"${milestone.title}".`);
          }
          break;
        }
        case "remove_milestone":
          changes.milestoneId = null;
          commandsChanges.milestone_id = null;
          summary.push("Removed the milestone.");
          break;
        case "due": {
          const date = parseDueDate(command.args, this.store.now());
          if (date) {
            changes.dueDate = date;
            commandsChanges.due_date = date;
            summary.push(`Set the due date to ${date}.`);
          }
          break;
        }
        case "remove_due_date":
          changes.dueDate = null;
          commandsChanges.due_date = null;
          summary.push("Removed the due date.");
          break;
        case "confidential":
          changes.confidential = true;
          commandsChanges.confidential = true;
          summary.push("Made this issue confidential.");
          break;
        case "title":
          changes.title = command.args;
          commandsChanges.title = command.args;
          summary.push(`Changed the title to "${command.args}".`);
          break;
        case "draft":
        case "wip":
          changes.draft = true;
          commandsChanges.wip_event = "draft";
          summary.push("Marked this merge request as a draft.");
          break;
        case "ready":
          changes.draft = false;
          commandsChanges.wip_event = "ready";
          summary.push("Marked this merge request as ready.");
          break;
        case "lock":
        case "unlock":
          changes.discussionLocked = command.name === "lock";
          commandsChanges.discussion_locked = changes.discussionLocked;
          summary.push(command.name === "lock" ? "Locked the discussion." : "Unlocked the discussion.");
          break;
        case "promote":
          commandsChanges.promote_to_epic = true;
          summary.push("Promoted issue to an epic.");
          break;
        default:
          // Known to GitLab; no effect on what this fake stores (time tracking, todos, epics, ...).
          commandsChanges[command.name] = command.args === "" ? true : command.args;
      }
    }
    this.updateIssuable(record, changes, actor, `quick action in a ${source}`, { notify: true, at });
    return { commandsChanges, summary };
  }

  // ---- milestones ----------------------------------------------------------------------------

  setMilestoneState(milestone: MilestoneRecord, state: "active" | "closed"): void {
    if (milestone.state === state) return;
    milestone.state = state;
    milestone.updated_at = this.store.now();
    this.emit({ type: "milestone", milestone, action: state === "closed" ? "close" : "reopen" });
  }

  milestoneCreated(milestone: MilestoneRecord): void {
    this.emit({ type: "milestone", milestone, action: "create" });
  }
}

function parseDueDate(args: string, nowIso: string): string | undefined {
  const text = args.trim().toLowerCase();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const today = new Date(nowIso);
  if (text === "today") return today.toISOString().slice(0, 10);
  if (text === "tomorrow") return new Date(today.getTime() + 86_400_000).toISOString().slice(0, 10);
  return undefined;
}

/** A stable 40-hex string standing in for a commit sha. */
export function fakeSha(seed: string): string {
  let h1 = 0x811c9dc5;
  let out = "";
  for (let round = 0; out.length < 40; round++) {
    for (let i = 0; i < seed.length; i++) h1 = Math.imul(h1 ^ seed.charCodeAt(i), 16777619) >>> 0;
    h1 = Math.imul(h1 ^ round, 16777619) >>> 0;
    out += h1.toString(16).padStart(8, "0");
  }
  return out.slice(0, 40);
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** GitLab's system note for a due-date change: Rails' long date ("September 20, 2018"), or the removal. */
function dueDateNoteBody(date: string | null): string {
  if (date === null) return "removed due date";
  const [y, m, d] = date.split("-").map(Number);
  return `changed due date to ${MONTHS[m! - 1]} ${d}, ${y}`;
}
