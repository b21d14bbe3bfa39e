/**
 * The fake GitLab's state: users, groups, projects, labels, milestones, issues, merge requests,
 * notes, label events and branches, indexed in Maps so a request costs at most one pass over one
 * project's issuables. Lookups and id sequences only; changes go through mutations.ts so every
 * change records label events and emits webhooks the same way.
 */
import type {
  BranchRecord,
  GroupRecord,
  IssuableKind,
  IssuableRecord,
  LabelEventRecord,
  LabelRecord,
  MilestoneRecord,
  NoteRecord,
  OwnerKind,
  ProjectRecord,
  UserRecord,
} from "./types.js";

type Sequence = "user" | "group" | "project" | "label" | "milestone" | "issue" | "merge_request" | "note" | "label_event";

function ownerKey(owner: OwnerKind, id: number): string {
  return `${owner}:${id}`;
}

export class Store {
  readonly users = new Map<number, UserRecord>();
  readonly usersByName = new Map<string, UserRecord>();
  readonly usersByToken = new Map<string, UserRecord>();
  readonly groups = new Map<number, GroupRecord>();
  readonly groupsByPath = new Map<string, GroupRecord>();
  readonly projects = new Map<number, ProjectRecord>();
  readonly projectsByPath = new Map<string, ProjectRecord>();
  readonly labels = new Map<number, LabelRecord>();
  /** `owner:id` -> label name -> label. */
  private readonly labelsByOwner = new Map<string, Map<string, LabelRecord>>();
  /**
   * `projectId:labelId` -> the label's priority in that project. GitLab keeps priorities per
   * project (`label_priorities`), for the project's own labels and its groups' labels alike.
   */
  private readonly labelPriorities = new Map<string, number>();
  readonly milestones = new Map<number, MilestoneRecord>();
  private readonly milestonesByOwner = new Map<string, MilestoneRecord[]>();
  /** Global id -> record, one map per kind (issue ids and merge request ids overlap in GitLab). */
  readonly issuables: Record<IssuableKind, Map<number, IssuableRecord>> = { issue: new Map(), merge_request: new Map() };
  /** Project id -> iid -> record, per kind; Map iteration keeps creation order. */
  private readonly issuablesByProject: Record<IssuableKind, Map<number, Map<number, IssuableRecord>>> = {
    issue: new Map(),
    merge_request: new Map(),
  };
  readonly notes = new Map<number, NoteRecord>();
  private readonly notesByResource = new Map<string, NoteRecord[]>();
  private readonly labelEventsByResource = new Map<string, LabelEventRecord[]>();
  private readonly branches = new Map<number, Map<string, BranchRecord>>();
  private readonly sequences = new Map<Sequence, number>();
  private readonly iidSequences = new Map<string, number>();

  constructor(private readonly clock: () => Date) {}

  now(): string {
    return this.clock().toISOString();
  }

  nextId(seq: Sequence): number {
    const next = (this.sequences.get(seq) ?? 0) + 1;
    this.sequences.set(seq, next);
    return next;
  }

  /** Next iid for issues/MRs of a project or milestones of a group/project. */
  nextIid(scope: string, explicit?: number): number {
    const current = this.iidSequences.get(scope) ?? 0;
    const next = explicit ?? current + 1;
    this.iidSequences.set(scope, Math.max(current, next));
    return next;
  }

  // ---- users, groups, projects -------------------------------------------------------------

  putUser(user: UserRecord): void {
    this.users.set(user.id, user);
    this.usersByName.set(user.username, user);
    if (user.token) this.usersByToken.set(user.token, user);
  }

  putGroup(group: GroupRecord): void {
    this.groups.set(group.id, group);
    this.groupsByPath.set(group.full_path, group);
  }

  putProject(project: ProjectRecord): void {
    this.projects.set(project.id, project);
    this.projectsByPath.set(project.path_with_namespace, project);
    this.issuablesByProject.issue.set(project.id, new Map());
    this.issuablesByProject.merge_request.set(project.id, new Map());
    this.branches.set(project.id, new Map());
  }

  /** `:id` path parameter: a numeric id or a (decoded) full path. */
  findGroup(idOrPath: string): GroupRecord | undefined {
    return /^\d+$/.test(idOrPath) ? this.groups.get(Number(idOrPath)) : this.groupsByPath.get(idOrPath);
  }

  findProject(idOrPath: string): ProjectRecord | undefined {
    return /^\d+$/.test(idOrPath) ? this.projects.get(Number(idOrPath)) : this.projectsByPath.get(idOrPath);
  }

  /** The group and its ancestors, nearest first. */
  groupChain(groupId: number): GroupRecord[] {
    const chain: GroupRecord[] = [];
    let group = this.groups.get(groupId);
    while (group) {
      chain.push(group);
      group = group.parent_id === null ? undefined : this.groups.get(group.parent_id);
    }
    return chain;
  }

  /** Projects in the group or any of its subgroups. */
  projectsUnder(groupId: number): ProjectRecord[] {
    return [...this.projects.values()].filter((p) => this.groupChain(p.namespace_id).some((g) => g.id === groupId));
  }

  // ---- labels --------------------------------------------------------------------------------

  putLabel(label: LabelRecord): void {
    this.labels.set(label.id, label);
    const key = ownerKey(label.owner, label.owner_id);
    let byName = this.labelsByOwner.get(key);
    if (!byName) this.labelsByOwner.set(key, (byName = new Map()));
    byName.set(label.name, label);
  }

  renameLabel(label: LabelRecord, name: string): void {
    this.labelsByOwner.get(ownerKey(label.owner, label.owner_id))?.delete(label.name);
    label.name = name;
    this.putLabel(label);
  }

  labelPriority(projectId: number, labelId: number): number | null {
    return this.labelPriorities.get(`${projectId}:${labelId}`) ?? null;
  }

  setLabelPriority(projectId: number, labelId: number, priority: number | null): void {
    if (priority === null) this.labelPriorities.delete(`${projectId}:${labelId}`);
    else this.labelPriorities.set(`${projectId}:${labelId}`, priority);
  }

  deleteLabel(label: LabelRecord): void {
    this.labels.delete(label.id);
    for (const key of [...this.labelPriorities.keys()]) if (key.endsWith(`:${label.id}`)) this.labelPriorities.delete(key);
    this.labelsByOwner.get(ownerKey(label.owner, label.owner_id))?.delete(label.name);
  }

  ownLabels(owner: OwnerKind, ownerId: number): LabelRecord[] {
    return [...(this.labelsByOwner.get(ownerKey(owner, ownerId))?.values() ?? [])];
  }

  ownLabel(owner: OwnerKind, ownerId: number, name: string): LabelRecord | undefined {
    return this.labelsByOwner.get(ownerKey(owner, ownerId))?.get(name);
  }

  /** The label a project sees under a name: its own first, then the nearest group's. */
  labelForProject(project: ProjectRecord, name: string): LabelRecord | undefined {
    const own = this.ownLabel("project", project.id, name);
    if (own) return own;
    for (const group of this.groupChain(project.namespace_id)) {
      const label = this.ownLabel("group", group.id, name);
      if (label) return label;
    }
    return undefined;
  }

  /** Every label a project can use (its own and its ancestors'), as GitLab lists them. */
  labelsForProject(project: ProjectRecord): LabelRecord[] {
    const result = this.ownLabels("project", project.id);
    for (const group of this.groupChain(project.namespace_id)) result.push(...this.ownLabels("group", group.id));
    return result;
  }

  labelNames(record: IssuableRecord): string[] {
    const names: string[] = [];
    for (const id of record.label_ids) {
      const label = this.labels.get(id);
      if (label) names.push(label.name);
    }
    return names.sort((a, b) => a.localeCompare(b));
  }

  // ---- milestones ----------------------------------------------------------------------------

  putMilestone(milestone: MilestoneRecord): void {
    this.milestones.set(milestone.id, milestone);
    const key = ownerKey(milestone.owner, milestone.owner_id);
    const list = this.milestonesByOwner.get(key) ?? [];
    list.push(milestone);
    this.milestonesByOwner.set(key, list);
  }

  ownMilestones(owner: OwnerKind, ownerId: number): MilestoneRecord[] {
    return this.milestonesByOwner.get(ownerKey(owner, ownerId)) ?? [];
  }

  /** Milestones an issue of the project may take: the project's and its ancestor groups'. */
  milestonesForProject(project: ProjectRecord): MilestoneRecord[] {
    const result = [...this.ownMilestones("project", project.id)];
    for (const group of this.groupChain(project.namespace_id)) result.push(...this.ownMilestones("group", group.id));
    return result;
  }

  // ---- issues and merge requests -------------------------------------------------------------

  putIssuable(record: IssuableRecord): void {
    this.issuables[record.kind].set(record.id, record);
    this.issuablesByProject[record.kind].get(record.project_id)?.set(record.iid, record);
  }

  issuable(kind: IssuableKind, projectId: number, iid: number): IssuableRecord | undefined {
    return this.issuablesByProject[kind].get(projectId)?.get(iid);
  }

  /** Issuables of the projects, in creation order. */
  issuablesOf(kind: IssuableKind, projectIds: number[]): IssuableRecord[] {
    const result: IssuableRecord[] = [];
    for (const id of projectIds) {
      const byIid = this.issuablesByProject[kind].get(id);
      if (byIid) for (const record of byIid.values()) result.push(record);
    }
    return result;
  }

  // ---- notes and label events ----------------------------------------------------------------

  putNote(note: NoteRecord): void {
    this.notes.set(note.id, note);
    const key = `${note.kind}:${note.noteable_id}`;
    const list = this.notesByResource.get(key) ?? [];
    list.push(note);
    this.notesByResource.set(key, list);
  }

  /**
   * Deletes a note the way GitLab's Notes::DestroyService does (app/services/notes/destroy_service.rb):
   * the note goes, and its issue or merge request is not touched (updated_at stays).
   */
  deleteNote(record: IssuableRecord, noteId: number): void {
    this.notes.delete(noteId);
    const key = `${record.kind}:${record.id}`;
    this.notesByResource.set(key, (this.notesByResource.get(key) ?? []).filter((n) => n.id !== noteId));
  }

  notesOf(record: IssuableRecord): NoteRecord[] {
    return this.notesByResource.get(`${record.kind}:${record.id}`) ?? [];
  }

  putLabelEvent(event: LabelEventRecord): void {
    const key = `${event.kind}:${event.resource_id}`;
    const list = this.labelEventsByResource.get(key) ?? [];
    list.push(event);
    this.labelEventsByResource.set(key, list);
  }

  labelEventsOf(record: IssuableRecord): LabelEventRecord[] {
    return this.labelEventsByResource.get(`${record.kind}:${record.id}`) ?? [];
  }

  // ---- branches ------------------------------------------------------------------------------

  putBranch(branch: BranchRecord): void {
    this.branches.get(branch.project_id)?.set(branch.name, branch);
  }

  branchesOf(projectId: number): BranchRecord[] {
    return [...(this.branches.get(projectId)?.values() ?? [])];
  }

  branch(projectId: number, name: string): BranchRecord | undefined {
    return this.branches.get(projectId)?.get(name);
  }
}
