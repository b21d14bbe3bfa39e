/**
 * REST response bodies, shaped like GitLab's API entities (field names and JSON types follow the
 * documented examples in the shared fixtures). Pure rendering from records; no state changes.
 */
import { createHash } from "node:crypto";
import { isDraftTitle } from "./mutations.js";
import type { Store } from "./store.js";
import type {
  BranchRecord,
  GroupRecord,
  IssuableRecord,
  LabelEventRecord,
  LabelRecord,
  MilestoneRecord,
  NoteRecord,
  ProjectRecord,
  UserRecord,
} from "./types.js";

type Json = Record<string, unknown>;

/** The Gravatar URL GitLab shows for a user without an uploaded avatar. */
export function avatarUrl(user: UserRecord, size = 80): string {
  const hash = createHash("sha256").update(user.email.trim().toLowerCase()).digest("hex");
  return `https://www.gravatar.com/avatar/${hash}?s=${size}&d=identicon`;
}

/** `#rrggbb` -> the text colour GitLab picks for it. */
function textColor(color: string): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return "#FFFFFF";
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  return r * 0.299 + g * 0.587 + b * 0.114 > 186 ? "#1F1E24" : "#FFFFFF";
}

export class Presenter {
  constructor(
    private readonly store: Store,
    private readonly baseUrl: () => string,
  ) {}

  private web(path: string): string {
    return `${this.baseUrl()}/${path}`;
  }

  private api(path: string): string {
    return `${this.baseUrl()}/api/v4/${path}`;
  }

  user(user: UserRecord): Json {
    return {
      id: user.id,
      username: user.username,
      name: user.name,
      state: "active",
      avatar_url: avatarUrl(user),
      web_url: this.web(user.username),
    };
  }

  userById(id: number | null): Json | null {
    const user = id === null ? undefined : this.store.users.get(id);
    return user ? this.user(user) : null;
  }

  currentUser(user: UserRecord): Json {
    return {
      ...this.user(user),
      locked: false,
      created_at: user.created_at,
      bio: "",
      public_email: null,
      bot: user.bot,
      email: user.email,
      is_admin: false,
    };
  }

  group(group: GroupRecord): Json {
    return {
      id: group.id,
      name: group.name,
      path: group.path,
      description: group.description,
      visibility: "private",
      full_name: this.store.groupChain(group.id).reverse().map((g) => g.name).join(" / "),
      full_path: group.full_path,
      parent_id: group.parent_id,
      web_url: this.web(`groups/${group.full_path}`),
      avatar_url: null,
      created_at: group.created_at,
    };
  }

  project(project: ProjectRecord): Json {
    const group = this.store.groups.get(project.namespace_id);
    return {
      id: project.id,
      description: project.description,
      name: project.name,
      name_with_namespace: group ? `${this.group(group).full_name as string} / ${project.name}` : project.name,
      path: project.path,
      path_with_namespace: project.path_with_namespace,
      created_at: project.created_at,
      default_branch: project.default_branch,
      web_url: this.web(project.path_with_namespace),
      visibility: "private",
      archived: false,
      namespace: group
        ? {
            id: group.id,
            name: group.name,
            path: group.path,
            kind: "group",
            full_path: group.full_path,
            parent_id: group.parent_id,
            avatar_url: null,
            web_url: this.web(`groups/${group.full_path}`),
          }
        : null,
      _links: { self: this.api(`projects/${project.id}`), issues: this.api(`projects/${project.id}/issues`) },
    };
  }

  milestone(milestone: MilestoneRecord): Json {
    const owner =
      milestone.owner === "group"
        ? { group_id: milestone.owner_id }
        : { project_id: milestone.owner_id };
    const ownerPath =
      milestone.owner === "group"
        ? `groups/${this.store.groups.get(milestone.owner_id)?.full_path ?? ""}`
        : this.store.projects.get(milestone.owner_id)?.path_with_namespace ?? "";
    const today = this.store.now().slice(0, 10);
    return {
      id: milestone.id,
      iid: milestone.iid,
      ...owner,
      title: milestone.title,
      description: milestone.description,
      state: milestone.state,
      created_at: milestone.created_at,
      updated_at: milestone.updated_at,
      due_date: milestone.due_date,
      start_date: milestone.start_date,
      expired: milestone.due_date !== null && milestone.due_date < today,
      web_url: this.web(`${ownerPath}/-/milestones/${milestone.iid}`),
    };
  }

  /**
   * A label as listed through a group (`Entities::GroupLabel`) or, with `projectId`, through a
   * project (`Entities::ProjectLabel`, lib/api/entities/project_label.rb: adds the label's
   * `priority` in that project and `is_project_label`).
   */
  label(label: LabelRecord, withCounts = false, projectId?: number): Json {
    const body: Json = {
      id: label.id,
      name: label.name,
      description: label.description,
      description_html: label.description ?? "",
      text_color: textColor(label.color),
      color: label.color,
      subscribed: false,
    };
    if (projectId !== undefined) Object.assign(body, { priority: this.store.labelPriority(projectId, label.id), is_project_label: label.owner === "project" });
    if (withCounts) Object.assign(body, this.labelCounts(label));
    return body;
  }

  private labelCounts(label: LabelRecord): Json {
    const projectIds =
      label.owner === "project" ? [label.owner_id] : this.store.projectsUnder(label.owner_id).map((p) => p.id);
    const count = (kind: "issue" | "merge_request", state: string) =>
      this.store.issuablesOf(kind, projectIds).filter((r) => r.state === state && r.label_ids.includes(label.id)).length;
    return {
      open_issues_count: count("issue", "opened"),
      closed_issues_count: count("issue", "closed"),
      open_merge_requests_count: count("merge_request", "opened"),
    };
  }

  private references(record: IssuableRecord, project: ProjectRecord): Json {
    const sigil = record.kind === "issue" ? "#" : "!";
    return {
      short: `${sigil}${record.iid}`,
      relative: `${sigil}${record.iid}`,
      full: `${project.path_with_namespace}${sigil}${record.iid}`,
    };
  }

  private taskCounts(description: string | null): { count: number; completed: number } {
    const text = description ?? "";
    const count = (text.match(/^\s*[-*+] \[[ xX]\]/gm) ?? []).length;
    const completed = (text.match(/^\s*[-*+] \[[xX]\]/gm) ?? []).length;
    return { count, completed };
  }

  /** An issue as the list endpoints return it; `single` adds what GET/POST/PUT of one issue add. */
  issue(record: IssuableRecord, single: boolean): Json {
    const project = this.store.projects.get(record.project_id)!;
    const assignees = record.assignee_ids.map((id) => this.userById(id)).filter((u) => u !== null);
    const tasks = this.taskCounts(record.description);
    const base = this.api(`projects/${project.id}/issues/${record.iid}`);
    const body: Json = {
      id: record.id,
      iid: record.iid,
      project_id: record.project_id,
      title: record.title,
      description: record.description,
      state: record.state,
      created_at: record.created_at,
      updated_at: record.updated_at,
      closed_at: record.closed_at,
      closed_by: this.userById(record.closed_by_id),
      labels: this.store.labelNames(record),
      milestone: this.milestoneOf(record),
      assignees,
      assignee: assignees[0] ?? null,
      author: this.userById(record.author_id),
      type: "ISSUE",
      user_notes_count: this.store.notesOf(record).filter((n) => !n.system).length,
      merge_requests_count: 0,
      upvotes: 0,
      downvotes: 0,
      due_date: record.due_date,
      imported: false,
      imported_from: "none",
      confidential: record.confidential,
      discussion_locked: record.discussion_locked,
      issue_type: "issue",
      severity: "UNKNOWN",
      web_url: this.web(`${project.path_with_namespace}/-/issues/${record.iid}`),
      time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
      task_completion_status: { count: tasks.count, completed_count: tasks.completed },
      has_tasks: tasks.count > 0,
      task_status: `${tasks.completed} of ${tasks.count} ${tasks.count === 1 ? "task" : "tasks"} completed`,
      references: this.references(record, project),
      _links: {
        self: base,
        notes: `${base}/notes`,
        award_emoji: `${base}/award_emoji`,
        project: this.api(`projects/${project.id}`),
        // GitLab adds closed_as_duplicate_of only to issues closed as a duplicate.
      },
    };
    if (single) body.subscribed = false;
    return body;
  }

  /** A merge request; `single` adds the fields only the single-MR endpoints return. */
  mergeRequest(record: IssuableRecord, single: boolean): Json {
    const project = this.store.projects.get(record.project_id)!;
    const assignees = record.assignee_ids.map((id) => this.userById(id)).filter((u) => u !== null);
    const draft = isDraftTitle(record.title);
    const tasks = this.taskCounts(record.description);
    const merged = record.state === "merged";
    const body: Json = {
      id: record.id,
      iid: record.iid,
      project_id: record.project_id,
      title: record.title,
      description: record.description,
      state: record.state,
      imported: false,
      imported_from: "none",
      created_at: record.created_at,
      updated_at: record.updated_at,
      merged_by: merged ? this.userById(record.merged_by_id) : null,
      merge_user: merged ? this.userById(record.merged_by_id) : null,
      merged_at: record.merged_at,
      merge_after: null,
      prepared_at: record.created_at,
      closed_by: this.userById(record.closed_by_id),
      closed_at: record.closed_at,
      target_branch: record.target_branch,
      source_branch: record.source_branch,
      user_notes_count: this.store.notesOf(record).filter((n) => !n.system).length,
      upvotes: 0,
      downvotes: 0,
      author: this.userById(record.author_id),
      assignees,
      assignee: assignees[0] ?? null,
      reviewers: record.reviewer_ids.map((id) => this.userById(id)).filter((u) => u !== null),
      source_project_id: record.project_id,
      target_project_id: record.project_id,
      labels: this.store.labelNames(record),
      draft,
      work_in_progress: draft,
      milestone: this.milestoneOf(record),
      merge_when_pipeline_succeeds: false,
      merge_status: merged ? "merged" : "can_be_merged",
      detailed_merge_status: record.state === "opened" ? (draft ? "draft_status" : "mergeable") : "not_open",
      sha: record.sha,
      merge_commit_sha: null,
      squash_commit_sha: null,
      discussion_locked: record.discussion_locked,
      should_remove_source_branch: null,
      force_remove_source_branch: false,
      allow_collaboration: false,
      allow_maintainer_to_push: false,
      web_url: this.web(`${project.path_with_namespace}/-/merge_requests/${record.iid}`),
      references: this.references(record, project),
      time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
      squash: false,
      squash_on_merge: false,
      task_completion_status: { count: tasks.count, completed_count: tasks.completed },
      has_conflicts: false,
      blocking_discussions_resolved: true,
    };
    if (single) {
      Object.assign(body, {
        subscribed: false,
        changes_count: "1",
        merge_error: null,
        latest_build_started_at: null,
        latest_build_finished_at: null,
        first_deployed_to_production_at: null,
        pipeline: null,
        head_pipeline: null,
        diff_refs: { base_sha: fakeBase(record.sha), head_sha: record.sha, start_sha: fakeBase(record.sha) },
        diverged_commits_count: 0,
        first_contribution: false,
        user: { can_merge: true },
      });
    }
    return body;
  }

  private milestoneOf(record: IssuableRecord): Json | null {
    const milestone = record.milestone_id === null ? undefined : this.store.milestones.get(record.milestone_id);
    return milestone ? this.milestone(milestone) : null;
  }

  note(note: NoteRecord, commandsChanges?: Record<string, unknown>): Json {
    const body: Json = {
      id: note.id,
      type: null,
      body: note.body,
      attachment: null,
      author: this.userById(note.author_id),
      created_at: note.created_at,
      updated_at: note.updated_at,
      system: note.system,
      noteable_id: note.noteable_id,
      noteable_type: note.kind === "issue" ? "Issue" : "MergeRequest",
      project_id: note.project_id,
      resolvable: false,
      confidential: note.internal,
      internal: note.internal,
      imported: false,
      imported_from: "none",
      noteable_iid: note.noteable_iid,
    };
    if (commandsChanges && Object.keys(commandsChanges).length > 0) body.commands_changes = commandsChanges;
    return body;
  }

  labelEvent(event: LabelEventRecord, label: LabelRecord | undefined): Json {
    return {
      id: event.id,
      user: this.userById(event.user_id),
      created_at: event.created_at,
      resource_type: event.kind === "issue" ? "Issue" : "MergeRequest",
      resource_id: event.resource_id,
      // A deleted label shows as null, as in GitLab.
      label: label ? { id: label.id, name: label.name, color: label.color, description: label.description ?? "" } : null,
      action: event.action,
    };
  }

  branch(project: ProjectRecord, branch: BranchRecord): Json {
    const author = "mops-bot";
    return {
      name: branch.name,
      commit: {
        id: branch.sha,
        short_id: branch.sha.slice(0, 8),
        created_at: branch.created_at,
        parent_ids: [],
        title: "Initial commit",
        message: "Initial commit",
        author_name: author,
        author_email: `${author}@example.com`,
        authored_date: branch.created_at,
        committer_name: author,
        committer_email: `${author}@example.com`,
        committed_date: branch.created_at,
        trailers: {},
        extended_trailers: {},
        web_url: this.web(`${project.path_with_namespace}/-/commit/${branch.sha}`),
      },
      merged: false,
      protected: branch.name === project.default_branch,
      developers_can_push: false,
      developers_can_merge: false,
      can_push: true,
      default: branch.name === project.default_branch,
      web_url: this.web(`${project.path_with_namespace}/-/tree/${branch.name}`),
    };
  }
}

function fakeBase(sha: string): string {
  return [...sha].reverse().join("");
}
