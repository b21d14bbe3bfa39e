/**
 * The state a plan leaves: a snapshot with an update applied as GitLab would apply it (labels
 * added and removed, state, milestone, assignees, due date, confidentiality), including the label
 * and state events GitLab would record for the bot's writes. Rules judge this projected copy the
 * same way they judge a fetched snapshot, so they stay pure and never know it is a projection.
 */
import type { Action } from "../domain/actions.js";
import type { ResourceUpdate } from "../domain/plan.js";
import type { LabelEvent, MilestoneInfo, ResourceSnapshot, StateEvent, UserRef } from "../domain/snapshot.js";

/** Who the projection says made the changes: the bot, as GitLab would record it. */
export interface Projector {
  bot: UserRef;
  now: Date;
  milestones: MilestoneInfo[];
}

/** The fields a plan can change, in a form two states compare by. */
export interface ResourceFields {
  labels: string[];
  state: ResourceSnapshot["state"];
  milestoneId: number | null;
  assigneeIds: number[];
  dueDate: string | null;
  confidential: boolean;
}

export function fieldsOf(s: ResourceSnapshot): ResourceFields {
  return {
    labels: [...s.labels].sort(),
    state: s.state,
    milestoneId: s.milestone?.id ?? null,
    assigneeIds: s.assignees.map((u) => u.id).sort((a, b) => a - b),
    dueDate: s.dueDate,
    confidential: s.confidential,
  };
}

/** A key equal for two snapshots exactly when a plan could not tell them apart. */
export function stateKey(s: ResourceSnapshot): string {
  return JSON.stringify(fieldsOf(s));
}

function nextIds(s: ResourceSnapshot): () => number {
  let id = Math.max(0, ...[...(s.labelEvents ?? []), ...(s.plannedLabelEvents ?? []), ...(s.stateEvents ?? [])].map((e) => e.id));
  return () => ++id;
}

function milestoneById(p: Projector, id: number, title: string | null): MilestoneInfo {
  return p.milestones.find((m) => m.id === id) ?? { id, title: title ?? `milestone ${id}`, state: "active", startDate: null, dueDate: null, timing: "undated" };
}

/**
 * `s` after `update`. The actions give what the update alone does not say (a milestone's title,
 * assignees' usernames). History that was read is extended with the bot's events; history that was
 * not read stays unread, so a rule that needs it still asks for it (the bot's own label events are
 * kept aside as `plannedLabelEvents`, which tell since when a label the plan adds is on).
 */
export function project(s: ResourceSnapshot, update: ResourceUpdate, actions: Action[], p: Projector): ResourceSnapshot {
  const id = nextIds(s);
  const removed = new Set(update.removeLabels);
  const labels = [...s.labels.filter((l) => !removed.has(l)), ...update.addLabels.filter((l) => !s.labels.includes(l))];
  const labelEvents: LabelEvent[] = [
    ...update.removeLabels.filter((l) => s.labels.includes(l)).map((label) => ({ id: id(), action: "remove" as const, label, user: p.bot, createdAt: p.now })),
    ...update.addLabels.filter((l) => !s.labels.includes(l)).map((label) => ({ id: id(), action: "add" as const, label, user: p.bot, createdAt: p.now })),
  ];
  // The bot's writes move updated_at, but not the moment a person last changed something.
  const out: ResourceSnapshot = { ...s, labels, updatedAt: p.now, updatedAtAsFetched: s.updatedAtAsFetched ?? s.updatedAt };
  if (labelEvents.length > 0) {
    if (s.labelEvents !== undefined) out.labelEvents = [...s.labelEvents, ...labelEvents];
    else out.plannedLabelEvents = [...(s.plannedLabelEvents ?? []), ...labelEvents];
  }
  if (update.stateEvent === "close" && s.state === "opened") {
    Object.assign(out, { state: "closed", closedAt: p.now, closedBy: p.bot });
    if (s.stateEvents !== undefined) out.stateEvents = [...s.stateEvents, stateEvent(id(), "closed", p)];
  }
  if (update.stateEvent === "reopen" && s.state === "closed") {
    Object.assign(out, { state: "opened", closedAt: null, closedBy: null });
    if (s.stateEvents !== undefined) out.stateEvents = [...s.stateEvents, stateEvent(id(), "reopened", p)];
  }
  if (update.milestoneId !== undefined) {
    const title = actions.find((a) => a.type === "set_milestone" && a.milestoneId === update.milestoneId);
    out.milestone = update.milestoneId === null ? null : milestoneById(p, update.milestoneId, title?.type === "set_milestone" ? title.milestoneTitle : null);
  }
  if (update.assigneeIds !== undefined) {
    const named = actions.find((a) => a.type === "set_assignees");
    const usernames = named?.type === "set_assignees" ? named.usernames : [];
    const known = new Map(s.assignees.map((u) => [u.id, u]));
    out.assignees = update.assigneeIds.map((uid, i) => known.get(uid) ?? { id: uid, username: usernames[i] ?? `user-${uid}` });
  }
  if (update.dueDate !== undefined) out.dueDate = update.dueDate;
  if (update.confidential !== undefined) out.confidential = update.confidential;
  return out;
}

function stateEvent(id: number, state: StateEvent["state"], p: Projector): StateEvent {
  return { id, state, user: p.bot, createdAt: p.now };
}

/** The update that turns `from` into `to`, in the fewest changes (labels added and removed, not overwritten). */
export function diffUpdate(from: ResourceSnapshot, to: ResourceSnapshot): ResourceUpdate {
  const a = fieldsOf(from);
  const b = fieldsOf(to);
  const update: ResourceUpdate = {
    addLabels: to.labels.filter((l) => !from.labels.includes(l)),
    removeLabels: from.labels.filter((l) => !to.labels.includes(l)),
  };
  if (a.state !== b.state) update.stateEvent = b.state === "closed" ? "close" : "reopen";
  if (a.milestoneId !== b.milestoneId) update.milestoneId = b.milestoneId;
  if (a.assigneeIds.join(",") !== b.assigneeIds.join(",")) update.assigneeIds = to.assignees.map((u) => u.id);
  if (a.dueDate !== b.dueDate) update.dueDate = b.dueDate;
  if (a.confidential !== b.confidential) update.confidential = b.confidential;
  return update;
}

/** Whether `action`'s change is part of `update` (a label action: every label it names). */
export function changeIsIn(action: Action, update: ResourceUpdate): boolean {
  switch (action.type) {
    case "add_labels":
      return action.labels.every((l) => update.addLabels.includes(l));
    case "remove_labels":
      return action.labels.every((l) => update.removeLabels.includes(l));
    case "close":
      return update.stateEvent === "close";
    case "reopen":
      return update.stateEvent === "reopen";
    case "set_milestone":
      return update.milestoneId === action.milestoneId;
    case "set_assignees":
      return update.assigneeIds !== undefined && [...update.assigneeIds].sort().join(",") === [...action.userIds].sort().join(",");
    case "set_due_date":
      return update.dueDate === action.dueDate;
    case "set_confidential":
      return update.confidential === action.confidential;
    default:
      return false;
  }
}

/** `update` without the changes `actions` make (what the resource would look like had they not been made). */
export function withoutChanges(update: ResourceUpdate, actions: Action[]): ResourceUpdate {
  const out: ResourceUpdate = { ...update, addLabels: [...update.addLabels], removeLabels: [...update.removeLabels] };
  for (const a of actions) {
    if (a.type === "add_labels") out.addLabels = out.addLabels.filter((l) => !a.labels.includes(l));
    if (a.type === "remove_labels") out.removeLabels = out.removeLabels.filter((l) => !a.labels.includes(l));
    if (a.type === "close" || a.type === "reopen") delete out.stateEvent;
    if (a.type === "set_milestone") delete out.milestoneId;
    if (a.type === "set_assignees") delete out.assigneeIds;
    if (a.type === "set_due_date") delete out.dueDate;
    if (a.type === "set_confidential") delete out.confidential;
  }
  return out;
}

/** The part of a state action that `update` really makes (a label action keeps only those labels), or null. */
export function trimToUpdate(action: Action, update: ResourceUpdate): Action | null {
  if (action.type === "add_labels") {
    const labels = action.labels.filter((l) => update.addLabels.includes(l));
    return labels.length > 0 ? { ...action, labels } : null;
  }
  if (action.type === "remove_labels") {
    const labels = action.labels.filter((l) => update.removeLabels.includes(l));
    return labels.length > 0 ? { ...action, labels } : null;
  }
  return changeIsIn(action, update) ? action : null;
}

export const STATE_ACTIONS = new Set<Action["type"]>(["add_labels", "remove_labels", "close", "reopen", "set_milestone", "set_assignees", "set_due_date", "set_confidential"]);

export const changesState = (a: Action): boolean => STATE_ACTIONS.has(a.type);

/** A message to people: a note, or a Slack post. */
export const speaks = (a: Action): boolean => a.type === "comment" || a.type === "notify_slack";
