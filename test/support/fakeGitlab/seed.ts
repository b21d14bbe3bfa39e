/**
 * Seeding and acting in-process. `add*` helpers set up state quietly (no webhooks), recording
 * label events at the given creation time; `setIssueLabels`, `updateIssue`, `comment`, ... act
 * as a person through the same code as the REST API, so they record label events, run quick
 * actions and send webhooks. Getters return name-based views for assertions.
 */
import type { IssuableChanges } from "./mutations.js";
import type { Mutations } from "./mutations.js";
import { fakeSha } from "./mutations.js";
import type { Store } from "./store.js";
import type { GroupRecord, IssuableKind, IssuableRecord, IssuableState, LabelRecord, MilestoneRecord, ProjectRecord, UserRecord } from "./types.js";
import { issuableView, labelView, milestoneView, type IssuableView, type LabelView, type MilestoneView } from "./views.js";

export type Time = Date | string;

export interface UserSeed {
  username: string;
  name?: string;
  email?: string;
  /** Lets requests authenticate as this user (a person acting through the API in a test). */
  token?: string;
  bot?: boolean;
}

export interface LabelSeed {
  /** Exactly one of group (full path) or project (path with namespace). */
  group?: string;
  project?: string;
  name: string;
  color?: string;
  description?: string | null;
}

export interface MilestoneSeed {
  group?: string;
  project?: string;
  title: string;
  description?: string;
  state?: "active" | "closed";
  startDate?: string | null;
  dueDate?: string | null;
  createdAt?: Time;
}

export interface IssuableSeed {
  title: string;
  description?: string | null;
  labels?: string[];
  /** Milestone title (searched in the project and its groups) or id. */
  milestone?: string | number | null;
  assignees?: string[];
  /** Username; default the bot. */
  author?: string;
  createdAt?: Time;
  updatedAt?: Time;
  state?: IssuableState;
  closedAt?: Time;
  dueDate?: string | null;
  confidential?: boolean;
  iid?: number;
  /** Send the webhook GitLab would send for a new issue (default false while seeding). */
  notify?: boolean;
}

export interface MergeRequestSeed extends IssuableSeed {
  sourceBranch?: string;
  targetBranch?: string;
  reviewers?: string[];
  mergedAt?: Time;
  mergedBy?: string;
}

export interface NoteSeed {
  body: string;
  author?: string;
  system?: boolean;
  internal?: boolean;
  createdAt?: Time;
}

export interface ActAs {
  /** Username of the person acting; default the bot. */
  as?: string;
  /** When it happens; default the fake's clock. */
  at?: Time;
}

function iso(time: Time | undefined): string | undefined {
  if (time === undefined) return undefined;
  const date = typeof time === "string" ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) throw new Error(`"${String(time)}" is not a valid time`);
  return date.toISOString();
}

export class Seeder {
  constructor(
    protected readonly store: Store,
    protected readonly mutations: Mutations,
  ) {}

  // ---- lookups with messages that say what to seed first --------------------------------------

  protected userNamed(username: string): UserRecord {
    const user = this.store.usersByName.get(username);
    if (!user) throw new Error(`Unknown user "${username}": add it with addUser() first.`);
    return user;
  }

  protected projectAt(path: string): ProjectRecord {
    const project = this.store.projectsByPath.get(path);
    if (!project) throw new Error(`Unknown project "${path}": add it with addProject() first.`);
    return project;
  }

  protected recordOf(kind: IssuableKind, projectPath: string, iid: number): IssuableRecord {
    const record = this.store.issuable(kind, this.projectAt(projectPath).id, iid);
    if (!record) throw new Error(`No ${kind === "issue" ? "issue" : "merge request"} ${projectPath}${kind === "issue" ? "#" : "!"}${iid}.`);
    return record;
  }

  protected actor(as: string | undefined): UserRecord {
    return as === undefined ? this.botUser() : this.userNamed(as);
  }

  protected botUser(): UserRecord {
    const bot = [...this.store.users.values()].find((u) => u.bot);
    if (!bot) throw new Error("The bot user is missing.");
    return bot;
  }

  // ---- seeding -------------------------------------------------------------------------------

  /** A seeded user's id, for changes GitLab takes by id (assignees). */
  userId(username: string): number {
    return this.userNamed(username).id;
  }

  addUser(seed: UserSeed): UserRecord {
    if (this.store.usersByName.has(seed.username)) throw new Error(`User "${seed.username}" already exists.`);
    if (seed.token && this.store.usersByToken.has(seed.token)) throw new Error(`Another user already has the token given for "${seed.username}".`);
    const user: UserRecord = {
      id: this.store.nextId("user"),
      username: seed.username,
      name: seed.name ?? seed.username,
      email: seed.email ?? `${seed.username}@example.com`,
      token: seed.token,
      bot: seed.bot ?? false,
      created_at: this.store.now(),
    };
    this.store.putUser(user);
    return user;
  }

  /** Adds a group by full path, creating missing parent groups. */
  addGroup(fullPath: string, details: { name?: string; description?: string } = {}): GroupRecord {
    const existing = this.store.groupsByPath.get(fullPath);
    if (existing) return existing;
    const at = fullPath.lastIndexOf("/");
    const parent = at > 0 ? this.addGroup(fullPath.slice(0, at)) : undefined;
    const path = fullPath.slice(at + 1);
    const group: GroupRecord = {
      id: this.store.nextId("group"),
      name: details.name ?? path,
      path,
      full_path: fullPath,
      parent_id: parent?.id ?? null,
      description: details.description ?? "",
      created_at: this.store.now(),
    };
    this.store.putGroup(group);
    return group;
  }

  /** Adds a project by path with namespace (`group/sub/project`), with its default branch. */
  addProject(pathWithNamespace: string, details: { name?: string; description?: string; defaultBranch?: string } = {}): ProjectRecord {
    if (this.store.projectsByPath.has(pathWithNamespace)) throw new Error(`Project "${pathWithNamespace}" already exists.`);
    const at = pathWithNamespace.lastIndexOf("/");
    if (at <= 0) throw new Error(`Project path "${pathWithNamespace}" needs a group: use "group/project".`);
    const group = this.addGroup(pathWithNamespace.slice(0, at));
    const path = pathWithNamespace.slice(at + 1);
    const project: ProjectRecord = {
      id: this.store.nextId("project"),
      name: details.name ?? path,
      path,
      path_with_namespace: pathWithNamespace,
      namespace_id: group.id,
      description: details.description ?? "",
      default_branch: details.defaultBranch ?? "main",
      created_at: this.store.now(),
    };
    this.store.putProject(project);
    this.store.putBranch({ project_id: project.id, name: project.default_branch, sha: fakeSha(pathWithNamespace), created_at: project.created_at });
    return project;
  }

  private owner(seed: { group?: string; project?: string }, what: string): { owner: "group" | "project"; id: number } {
    if ((seed.group === undefined) === (seed.project === undefined)) throw new Error(`${what} needs exactly one of group or project.`);
    if (seed.group !== undefined) {
      const group = this.store.groupsByPath.get(seed.group);
      if (!group) throw new Error(`Unknown group "${seed.group}": add it with addGroup() first.`);
      return { owner: "group", id: group.id };
    }
    return { owner: "project", id: this.projectAt(seed.project!).id };
  }

  addLabel(seed: LabelSeed): LabelRecord {
    const { owner, id } = this.owner(seed, `Label "${seed.name}"`);
    if (this.store.ownLabel(owner, id, seed.name)) throw new Error(`Label "${seed.name}" already exists there.`);
    const now = this.store.now();
    const label: LabelRecord = {
      id: this.store.nextId("label"),
      name: seed.name,
      color: seed.color ?? "#428BCA",
      description: seed.description ?? null,
      owner,
      owner_id: id,
      created_at: now,
      updated_at: now,
    };
    this.store.putLabel(label);
    return label;
  }

  addMilestone(seed: MilestoneSeed): MilestoneRecord {
    const { owner, id } = this.owner(seed, `Milestone "${seed.title}"`);
    const now = iso(seed.createdAt) ?? this.store.now();
    const milestone: MilestoneRecord = {
      id: this.store.nextId("milestone"),
      iid: this.store.nextIid(`milestone:${owner}:${id}`),
      owner,
      owner_id: id,
      title: seed.title,
      description: seed.description ?? "",
      state: seed.state ?? "active",
      start_date: seed.startDate ?? null,
      due_date: seed.dueDate ?? null,
      created_at: now,
      updated_at: now,
    };
    this.store.putMilestone(milestone);
    return milestone;
  }

  private milestoneId(project: ProjectRecord, ref: string | number | null | undefined): number | null {
    if (ref === undefined || ref === null) return null;
    const milestone = this.store.milestonesForProject(project).find((m) => m.id === ref || m.title === ref);
    if (!milestone) throw new Error(`Milestone "${ref}" is not available in ${project.path_with_namespace}: add it with addMilestone() first.`);
    return milestone.id;
  }

  private seedIssuable(kind: IssuableKind, projectPath: string, seed: MergeRequestSeed): IssuableRecord {
    const project = this.projectAt(projectPath);
    const author = this.actor(seed.author);
    const createdAt = iso(seed.createdAt);
    if (kind === "merge_request") {
      const source = seed.sourceBranch ?? `mr-${this.store.nextIid(`seed-branch:${project.id}`)}`;
      if (!this.store.branch(project.id, source)) this.addBranch(projectPath, source);
      seed = { ...seed, sourceBranch: source };
    }
    const record = this.mutations.createIssuable(
      project,
      kind,
      {
        title: seed.title,
        description: seed.description ?? null,
        labels: seed.labels ?? [],
        milestone_id: this.milestoneId(project, seed.milestone),
        assignee_ids: (seed.assignees ?? []).map((u) => this.userNamed(u).id),
        reviewer_ids: (seed.reviewers ?? []).map((u) => this.userNamed(u).id),
        state: seed.state ?? "opened",
        closed_at: iso(seed.closedAt) ?? null,
        updated_at: iso(seed.updatedAt),
        due_date: seed.dueDate ?? null,
        confidential: seed.confidential ?? false,
        iid: seed.iid,
        source_branch: seed.sourceBranch ?? "",
        target_branch: seed.targetBranch ?? project.default_branch,
        merged_at: seed.state === "merged" ? (iso(seed.mergedAt) ?? createdAt ?? this.store.now()) : null,
        merged_by_id: seed.state === "merged" ? this.actor(seed.mergedBy).id : null,
      },
      author,
      "seed",
      { notify: seed.notify ?? false, createdAt },
    );
    return record;
  }

  addIssue(projectPath: string, seed: IssuableSeed): IssuableView {
    return issuableView(this.store, this.seedIssuable("issue", projectPath, seed));
  }

  /** Adds a merge request; its source branch is created when missing. */
  addMergeRequest(projectPath: string, seed: MergeRequestSeed): IssuableView {
    return issuableView(this.store, this.seedIssuable("merge_request", projectPath, seed));
  }

  /** Adds a note as stored text: quick actions in it are not run and no webhook is sent. */
  addNote(projectPath: string, iid: number, seed: NoteSeed, kind: IssuableKind = "issue"): number {
    const record = this.recordOf(kind, projectPath, iid);
    const outcome = this.mutations.createNote(record, seed.body, this.actor(seed.author), {
      system: seed.system,
      internal: seed.internal,
      notify: false,
      literal: true,
      createdAt: iso(seed.createdAt),
    });
    return outcome.note!.id;
  }

  /** A person deletes a note; like GitLab, the issue's updated_at does not move. */
  deleteNote(projectPath: string, iid: number, noteId: number, kind: IssuableKind = "issue"): void {
    this.store.deleteNote(this.recordOf(kind, projectPath, iid), noteId);
  }

  addBranch(projectPath: string, name: string, from?: string): void {
    const project = this.projectAt(projectPath);
    const base = this.store.branch(project.id, from ?? project.default_branch);
    this.store.putBranch({ project_id: project.id, name, sha: fakeSha(`${projectPath}:${name}:${base?.sha ?? ""}`), created_at: this.store.now() });
  }

  // ---- acting as a person (label events, quick actions and webhooks like the API) -------------

  /** Replaces the issue's labels as a person would in the UI. */
  setIssueLabels(projectPath: string, iid: number, labels: string[], act: ActAs = {}): IssuableView {
    return this.update("issue", projectPath, iid, { labels }, act);
  }

  setMergeRequestLabels(projectPath: string, iid: number, labels: string[], act: ActAs = {}): IssuableView {
    return this.update("merge_request", projectPath, iid, { labels }, act);
  }

  updateIssue(projectPath: string, iid: number, changes: IssuableChanges, act: ActAs = {}): IssuableView {
    return this.update("issue", projectPath, iid, changes, act);
  }

  updateMergeRequest(projectPath: string, iid: number, changes: IssuableChanges, act: ActAs = {}): IssuableView {
    return this.update("merge_request", projectPath, iid, changes, act);
  }

  private update(kind: IssuableKind, projectPath: string, iid: number, changes: IssuableChanges, act: ActAs): IssuableView {
    const record = this.recordOf(kind, projectPath, iid);
    this.mutations.updateIssuable(record, changes, this.actor(act.as), "seed", { notify: true, at: iso(act.at) });
    return issuableView(this.store, record);
  }

  /** Comments as a person: quick actions run and a Note Hook is sent. Returns the note id, if stored. */
  comment(projectPath: string, iid: number, body: string, act: ActAs & { kind?: IssuableKind; internal?: boolean } = {}): number | undefined {
    const record = this.recordOf(act.kind ?? "issue", projectPath, iid);
    const outcome = this.mutations.createNote(record, body, this.actor(act.as), { notify: true, internal: act.internal, createdAt: iso(act.at) });
    return outcome.note?.id;
  }

  // ---- reading back --------------------------------------------------------------------------

  issue(projectPath: string, iid: number): IssuableView {
    return issuableView(this.store, this.recordOf("issue", projectPath, iid));
  }

  mergeRequest(projectPath: string, iid: number): IssuableView {
    return issuableView(this.store, this.recordOf("merge_request", projectPath, iid));
  }

  /** All issues, or those of one project, in creation order. */
  issues(projectPath?: string): IssuableView[] {
    return this.all("issue", projectPath);
  }

  mergeRequests(projectPath?: string): IssuableView[] {
    return this.all("merge_request", projectPath);
  }

  private all(kind: IssuableKind, projectPath?: string): IssuableView[] {
    const ids = projectPath === undefined ? [...this.store.projects.keys()] : [this.projectAt(projectPath).id];
    return this.store.issuablesOf(kind, ids).map((r) => issuableView(this.store, r));
  }

  milestones(): MilestoneView[] {
    return [...this.store.milestones.values()].map((m) => milestoneView(this.store, m));
  }

  labels(): LabelView[] {
    return [...this.store.labels.values()].map((l) => labelView(this.store, l));
  }

  /** Label name -> priority in one project (its own labels and its groups' labels), as GitLab ranks them. */
  labelPriorities(projectPath: string): Map<string, number> {
    const project = this.projectAt(projectPath);
    const out = new Map<string, number>();
    for (const label of this.store.labelsForProject(project)) {
      const priority = this.store.labelPriority(project.id, label.id);
      if (priority !== null) out.set(label.name, priority);
    }
    return out;
  }

  /** A person prioritises a label in a project (Manage > Labels), group labels included. */
  prioritiseLabel(projectPath: string, name: string, priority: number | null): void {
    const project = this.projectAt(projectPath);
    const label = this.store.labelsForProject(project).find((l) => l.name === name);
    if (!label) throw new Error(`Project "${projectPath}" sees no label "${name}".`);
    this.store.setLabelPriority(project.id, label.id, priority);
  }
}
