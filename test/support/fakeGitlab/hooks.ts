/**
 * Webhooks: turns each change into the payload GitLab sends (Issue, Merge Request, Note and
 * Milestone Hook, shaped like the shared webhook fixtures, date formats included) and POSTs it
 * with GitLab's headers. Deliveries run in the background, like GitLab's Sidekiq jobs; failures
 * are recorded and otherwise ignored.
 */
import { randomUUID } from "node:crypto";
import type { ChangeEvent } from "./mutations.js";
import { isDraftTitle } from "./mutations.js";
import { avatarUrl } from "./present.js";
import type { Store } from "./store.js";
import type { GroupRecord, IssuableRecord, LabelRecord, MilestoneRecord, NoteRecord, ProjectRecord, UserRecord, WebhookDelivery } from "./types.js";

type Json = Record<string, unknown>;

/** `2015-05-17 18:08:09 UTC`, the format GitLab uses in note and milestone hooks and in `changes`. */
export function hookTime(iso: string | null): string | null {
  return iso === null ? null : `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** `2013-12-03T17:15:43Z`, the format of issue and merge request attributes. */
function isoSeconds(iso: string | null): string | null {
  return iso === null ? null : `${iso.slice(0, 19)}Z`;
}

const STATE_ID = { opened: 1, closed: 2, merged: 3, locked: 4 } as const;

export interface WebhookTarget {
  url: string;
  token?: string;
}

export class Webhooks {
  readonly deliveries: WebhookDelivery[] = [];
  failures = 0;
  target: WebhookTarget | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly baseUrl: () => string,
    private readonly gitlabVersion: string,
  ) {}

  /** Resolves when every delivery started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  handle(event: ChangeEvent): void {
    if (!this.target) return;
    const built = this.build(event);
    if (built) this.deliver(this.target, built.event, built.action, built.body);
  }

  build(event: ChangeEvent): { event: string; action: string; body: Json } | undefined {
    switch (event.type) {
      case "issuable": {
        const confidential = event.record.kind === "issue" && event.record.confidential;
        const name = event.record.kind === "issue" ? (confidential ? "Confidential Issue Hook" : "Issue Hook") : "Merge Request Hook";
        return { event: name, action: event.action, body: this.issuableBody(event.record, event.action, event.actor, event.changes, confidential) };
      }
      case "note": {
        const confidential = event.note.internal || (event.record.kind === "issue" && event.record.confidential);
        return {
          event: confidential ? "Confidential Note Hook" : "Note Hook",
          action: event.action,
          body: this.noteBody(event.note, event.record, event.actor, event.action, confidential),
        };
      }
      case "milestone":
        return { event: "Milestone Hook", action: event.action, body: this.milestoneBody(event.milestone, event.action) };
    }
  }

  private deliver(target: WebhookTarget, event: string, action: string, body: Json): void {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": `GitLab/${this.gitlabVersion}`,
      "Idempotency-Key": randomUUID(),
      "X-Gitlab-Event": event,
      "X-Gitlab-Webhook-UUID": randomUUID(),
      "X-Gitlab-Instance": this.baseUrl(),
      "X-Gitlab-Event-UUID": randomUUID(),
    };
    if (target.token !== undefined) headers["X-Gitlab-Token"] = target.token;
    const delivery: WebhookDelivery = { event, action, headers, body, ok: false };
    this.deliveries.push(delivery);
    const run = (async () => {
      try {
        // GitLab gives up after 10 s.
        const response = await fetch(target.url, { method: "POST", headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        delivery.status = response.status;
        delivery.ok = response.ok;
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
      }
      if (!delivery.ok) this.failures++;
    })();
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  // ---- payload parts -------------------------------------------------------------------------

  private hookUser(user: UserRecord): Json {
    return { id: user.id, name: user.name, username: user.username, avatar_url: avatarUrl(user, 40), email: "[REDACTED]" };
  }

  private hookAssignee(id: number): Json | undefined {
    const user = this.store.users.get(id);
    return user ? { id: user.id, name: user.name, username: user.username, avatar_url: avatarUrl(user, 40) } : undefined;
  }

  hookProject(project: ProjectRecord): Json {
    const web = `${this.baseUrl()}/${project.path_with_namespace}`;
    const ssh = `git@${new URL(this.baseUrl()).hostname}:${project.path_with_namespace}.git`;
    return {
      id: project.id,
      name: project.name,
      description: project.description,
      web_url: web,
      avatar_url: null,
      git_ssh_url: ssh,
      git_http_url: `${web}.git`,
      namespace: this.store.groups.get(project.namespace_id)?.name ?? "",
      visibility_level: 0,
      path_with_namespace: project.path_with_namespace,
      default_branch: project.default_branch,
      ci_config_path: "",
      homepage: web,
      url: ssh,
      ssh_url: ssh,
      http_url: `${web}.git`,
    };
  }

  private repository(project: ProjectRecord): Json {
    const web = `${this.baseUrl()}/${project.path_with_namespace}`;
    return { name: project.name, url: `${web}.git`, description: project.description, homepage: web };
  }

  hookLabel(label: LabelRecord): Json {
    return {
      id: label.id,
      title: label.name,
      color: label.color,
      project_id: label.owner === "project" ? label.owner_id : null,
      created_at: isoSeconds(label.created_at),
      updated_at: isoSeconds(label.updated_at),
      template: false,
      description: label.description,
      type: label.owner === "project" ? "ProjectLabel" : "GroupLabel",
      group_id: label.owner === "group" ? label.owner_id : null,
    };
  }

  private hookLabels(ids: number[]): Json[] {
    return ids.map((id) => this.store.labels.get(id)).filter((l) => l !== undefined).map((l) => this.hookLabel(l));
  }

  private hookChanges(changes: Record<string, { previous: unknown; current: unknown }>): Json {
    const out: Json = {};
    for (const [field, change] of Object.entries(changes)) {
      if (field === "labels") {
        out.labels = { previous: this.hookLabels(change.previous as number[]), current: this.hookLabels(change.current as number[]) };
      } else if (field === "assignees" || field === "reviewers") {
        const users = (ids: unknown) => (ids as number[]).map((id) => this.hookAssignee(id)).filter(Boolean);
        out[field] = { previous: users(change.previous), current: users(change.current) };
      } else if (field === "updated_at" || field === "closed_at" || field === "last_edited_at") {
        out[field] = { previous: hookTime(change.previous as string | null), current: hookTime(change.current as string | null) };
      } else {
        out[field] = change;
      }
    }
    return out;
  }

  private issueAttributes(record: IssuableRecord, project: ProjectRecord): Json {
    return {
      id: record.id,
      title: record.title,
      assignee_ids: record.assignee_ids,
      assignee_id: record.assignee_ids[0] ?? null,
      author_id: record.author_id,
      project_id: project.id,
      created_at: isoSeconds(record.created_at),
      updated_at: isoSeconds(record.updated_at),
      updated_by_id: record.updated_by_id,
      last_edited_at: isoSeconds(record.last_edited_at),
      last_edited_by_id: record.last_edited_by_id,
      relative_position: 0,
      description: record.description,
      milestone_id: record.milestone_id,
      state_id: STATE_ID[record.state],
      confidential: record.confidential,
      discussion_locked: record.discussion_locked,
      due_date: record.due_date,
      moved_to_id: null,
      duplicated_to_id: null,
      time_estimate: 0,
      total_time_spent: 0,
      time_change: 0,
      human_total_time_spent: null,
      human_time_estimate: null,
      human_time_change: null,
      weight: null,
      health_status: null,
      type: "Issue",
      iid: record.iid,
      url: `${this.baseUrl()}/${project.path_with_namespace}/-/issues/${record.iid}`,
      state: record.state,
      severity: "unknown",
      labels: this.hookLabels(record.label_ids),
    };
  }

  private mergeRequestAttributes(record: IssuableRecord, project: ProjectRecord): Json {
    const draft = isDraftTitle(record.title);
    // GitLab's source/target project objects leave out the id and ci_config_path.
    const { id: _id, ci_config_path: _ciConfigPath, ...source } = this.hookProject(project);
    return {
      id: record.id,
      iid: record.iid,
      target_branch: record.target_branch,
      source_branch: record.source_branch,
      source_project_id: project.id,
      author_id: record.author_id,
      assignee_ids: record.assignee_ids,
      assignee_id: record.assignee_ids[0] ?? null,
      reviewer_ids: record.reviewer_ids,
      title: record.title,
      created_at: isoSeconds(record.created_at),
      updated_at: isoSeconds(record.updated_at),
      last_edited_at: isoSeconds(record.last_edited_at),
      last_edited_by_id: record.last_edited_by_id,
      milestone_id: record.milestone_id,
      state_id: STATE_ID[record.state],
      state: record.state,
      blocking_discussions_resolved: true,
      work_in_progress: draft,
      draft,
      first_contribution: false,
      merge_status: "can_be_merged",
      target_project_id: project.id,
      description: record.description ?? "",
      prepared_at: isoSeconds(record.created_at),
      total_time_spent: 0,
      time_change: 0,
      human_total_time_spent: null,
      human_time_change: null,
      human_time_estimate: null,
      url: `${this.baseUrl()}/${project.path_with_namespace}/-/merge_requests/${record.iid}`,
      source,
      target: source,
      last_commit: {
        id: record.sha,
        message: record.title,
        title: record.title,
        timestamp: isoSeconds(record.updated_at),
        url: `${this.baseUrl()}/${project.path_with_namespace}/-/commit/${record.sha}`,
        author: { name: "mops-bot", email: "[REDACTED]" },
      },
      labels: this.hookLabels(record.label_ids),
      detailed_merge_status: record.state === "opened" ? (draft ? "draft_status" : "mergeable") : "not_open",
    };
  }

  private issuableBody(
    record: IssuableRecord,
    action: string,
    actor: UserRecord,
    changes: Record<string, { previous: unknown; current: unknown }>,
    confidential: boolean,
  ): Json {
    const project = this.store.projects.get(record.project_id)!;
    const assignees = record.assignee_ids.map((id) => this.hookAssignee(id)).filter((u) => u !== undefined);
    const isIssue = record.kind === "issue";
    const attributes = isIssue ? this.issueAttributes(record, project) : this.mergeRequestAttributes(record, project);
    attributes.action = action;
    const body: Json = {
      object_kind: isIssue ? "issue" : "merge_request",
      event_type: isIssue ? (confidential ? "confidential_issue" : "issue") : "merge_request",
      user: this.hookUser(actor),
      project: this.hookProject(project),
      object_attributes: attributes,
      repository: this.repository(project),
      assignees,
      labels: this.hookLabels(record.label_ids),
      changes: this.hookChanges(changes),
    };
    if (isIssue) body.assignee = assignees[0] ?? null;
    else body.reviewers = record.reviewer_ids.map((id) => this.hookAssignee(id)).filter((u) => u !== undefined);
    return body;
  }

  private noteBody(note: NoteRecord, record: IssuableRecord, actor: UserRecord, action: string, confidential: boolean): Json {
    const project = this.store.projects.get(record.project_id)!;
    const isIssue = record.kind === "issue";
    const resourceUrl = `${this.baseUrl()}/${project.path_with_namespace}/-/${isIssue ? "issues" : "merge_requests"}/${record.iid}`;
    const resource = isIssue ? this.issueAttributes(record, project) : this.mergeRequestAttributes(record, project);
    for (const key of ["created_at", "updated_at"]) resource[key] = hookTime(record[key as "created_at" | "updated_at"]);
    resource.position = 0;
    if (isIssue) resource.branch_name = null;
    const firstAssignee = record.assignee_ids[0];
    if (!isIssue && firstAssignee !== undefined) resource.assignee = this.hookAssignee(firstAssignee);
    return {
      object_kind: "note",
      event_type: confidential ? "confidential_note" : "note",
      user: this.hookUser(actor),
      project_id: project.id,
      project: this.hookProject(project),
      repository: this.repository(project),
      object_attributes: {
        id: note.id,
        note: note.body,
        noteable_type: isIssue ? "Issue" : "MergeRequest",
        author_id: note.author_id,
        created_at: hookTime(note.created_at),
        updated_at: hookTime(note.updated_at),
        project_id: project.id,
        attachment: null,
        line_code: null,
        commit_id: "",
        noteable_id: record.id,
        system: note.system,
        st_diff: null,
        internal: note.internal,
        action,
        url: `${resourceUrl}#note_${note.id}`,
      },
      [isIssue ? "issue" : "merge_request"]: resource,
    };
  }

  private milestoneBody(milestone: MilestoneRecord, action: string): Json {
    const project = milestone.owner === "project" ? this.store.projects.get(milestone.owner_id) : undefined;
    const group = milestone.owner === "group" ? this.store.groups.get(milestone.owner_id) : undefined;
    const body: Json = {
      object_kind: "milestone",
      event_type: "milestone",
      project: project ? this.hookProject(project) : null,
      object_attributes: {
        id: milestone.id,
        iid: milestone.iid,
        title: milestone.title,
        description: milestone.description,
        state: milestone.state,
        created_at: hookTime(milestone.created_at),
        updated_at: hookTime(milestone.updated_at),
        due_date: milestone.due_date,
        start_date: milestone.start_date,
        group_id: group?.id ?? null,
        project_id: project?.id ?? null,
      },
      action,
    };
    // Group milestone hooks carry the group (and `project: null`) instead of a project.
    if (group) body.group = hookGroup(group);
    return body;
  }
}

function hookGroup(group: GroupRecord): Json {
  return { group_name: group.name, group_path: group.path, group_id: group.id, full_path: group.full_path };
}
