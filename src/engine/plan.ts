/**
 * Merges the actions every rule proposed for one resource into one plan: a single update and at
 * most one note. Actions that already hold are dropped (that is what makes a second run write
 * nothing); actions that contradict each other are reported and none of them is applied.
 */
import type { Action, ActionOf } from "../domain/actions.js";
import type { Taxonomy } from "../domain/labels.js";
import { markerComment, stripMarkers } from "../domain/markers.js";
import type { PlanConflict, PlannedNote, ResourcePlan, ResourceUpdate } from "../domain/plan.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";

export function buildPlan(snapshot: ResourceSnapshot, actions: Action[], taxonomy: Taxonomy): ResourcePlan {
  const conflicts: PlanConflict[] = [];
  const kept: Action[] = [];
  const update: ResourceUpdate = { addLabels: [], removeLabels: [] };

  mergeLabels(snapshot, actions, taxonomy, update, kept, conflicts);
  mergeState(snapshot, actions, update, kept, conflicts);
  mergeSingleValued(actions, "set_milestone", (a) => String(a.milestoneId), (a) => a.milestoneId === (snapshot.milestone?.id ?? null),
    (a) => (update.milestoneId = a.milestoneId), "milestone", kept, conflicts);
  mergeSingleValued(actions, "set_assignees", (a) => [...a.userIds].sort().join(","),
    (a) => sameMembers(a.userIds, snapshot.assignees.map((u) => u.id)), (a) => (update.assigneeIds = a.userIds), "assignees", kept, conflicts);
  mergeSingleValued(actions, "set_due_date", (a) => String(a.dueDate), (a) => a.dueDate === snapshot.dueDate,
    (a) => (update.dueDate = a.dueDate), "due date", kept, conflicts);
  mergeSingleValued(actions, "set_confidential", (a) => String(a.confidential), (a) => a.confidential === snapshot.confidential,
    (a) => (update.confidential = a.confidential), "confidentiality", kept, conflicts);
  const note = withSlackClaims(mergeComments(snapshot, actions, kept), mergeNotifications(snapshot, actions, kept));

  return {
    ref: snapshot.ref,
    webUrl: snapshot.webUrl,
    title: snapshot.title,
    projectId: snapshot.projectId,
    iid: snapshot.iid,
    kind: snapshot.kind,
    actions: kept,
    update,
    note,
    conflicts,
  };
}

function mergeLabels(
  snapshot: ResourceSnapshot,
  actions: Action[],
  taxonomy: Taxonomy,
  update: ResourceUpdate,
  kept: Action[],
  conflicts: PlanConflict[],
): void {
  const adders = new Map<string, ActionOf<"add_labels">[]>();
  const removers = new Map<string, ActionOf<"remove_labels">[]>();
  for (const a of actions) {
    if (a.type === "add_labels") for (const l of a.labels) push(adders, l, a);
    if (a.type === "remove_labels") for (const l of a.labels) push(removers, l, a);
  }
  const present = new Set(snapshot.labels);
  const contested = new Set<string>();
  for (const [label, add] of adders) {
    const remove = removers.get(label);
    if (remove) {
      contested.add(label);
      conflicts.push({
        subject: `label ${label}`,
        actions: [...add, ...remove],
        message: `Rules disagree about the label "${label}": ${describeRules(add)} add it, ${describeRules(remove)} remove it. Neither change was made; adjust the policies so they agree.`,
      });
    }
  }
  const keptLabelActions = new Set<Action>();
  for (const [label, add] of adders) {
    if (contested.has(label) || present.has(label)) continue;
    if (!taxonomy.isDefined(label)) {
      conflicts.push({
        subject: `label ${label}`,
        actions: add,
        message: `"${label}" is not defined in policies/labels.yml, so it was not added (GitLab would create it as a new label). Add it to the taxonomy or fix the rule.`,
      });
      continue;
    }
    update.addLabels.push(label);
    add.forEach((a) => keptLabelActions.add(a));
  }
  for (const [label, remove] of removers) {
    if (contested.has(label) || !present.has(label)) continue;
    update.removeLabels.push(label);
    remove.forEach((a) => keptLabelActions.add(a));
  }
  // Report each label action with only the labels that will really change.
  for (const a of keptLabelActions) {
    if (a.type === "add_labels") {
      kept.push({ ...a, labels: a.labels.filter((l) => update.addLabels.includes(l)) });
    } else if (a.type === "remove_labels") {
      kept.push({ ...a, labels: a.labels.filter((l) => update.removeLabels.includes(l)) });
    }
  }
}

function mergeState(snapshot: ResourceSnapshot, actions: Action[], update: ResourceUpdate, kept: Action[], conflicts: PlanConflict[]): void {
  const closes = actions.filter((a) => a.type === "close");
  const reopens = actions.filter((a) => a.type === "reopen");
  if (closes.length > 0 && reopens.length > 0) {
    conflicts.push({
      subject: "state",
      actions: [...closes, ...reopens],
      message: `Rules disagree about the state: ${describeRules(closes)} close it, ${describeRules(reopens)} reopen it. Neither was done.`,
    });
    return;
  }
  const isOpen = snapshot.state === "opened";
  if (closes.length > 0 && isOpen) {
    update.stateEvent = "close";
    kept.push(closes[0]!);
  }
  if (reopens.length > 0 && snapshot.state === "closed") {
    update.stateEvent = "reopen";
    kept.push(reopens[0]!);
  }
}

function mergeSingleValued<T extends "set_milestone" | "set_assignees" | "set_due_date" | "set_confidential">(
  actions: Action[],
  type: T,
  key: (a: ActionOf<T>) => string,
  alreadyHolds: (a: ActionOf<T>) => boolean,
  applyTo: (a: ActionOf<T>) => void,
  subject: string,
  kept: Action[],
  conflicts: PlanConflict[],
): void {
  const mine = actions.filter((a): a is ActionOf<T> => a.type === type);
  if (mine.length === 0) return;
  const distinct = new Set(mine.map(key));
  if (distinct.size > 1) {
    conflicts.push({
      subject,
      actions: mine,
      message: `Rules disagree about the ${subject}: ${describeRules(mine)} ask for different values. No change was made.`,
    });
    return;
  }
  const first = mine[0]!;
  if (alreadyHolds(first)) return;
  applyTo(first);
  kept.push(first);
}

function mergeComments(snapshot: ResourceSnapshot, actions: Action[], kept: Action[]) {
  const existing = new Set((snapshot.notes ?? []).flatMap((n) => n.botMarkers));
  const seen = new Set<string>();
  const comments: ActionOf<"comment">[] = [];
  for (const a of actions) {
    if (a.type !== "comment") continue;
    if (existing.has(a.marker) || seen.has(a.marker)) continue;
    seen.add(a.marker);
    comments.push(a);
  }
  if (comments.length === 0) return null;
  kept.push(...comments);
  // A body may quote people's text: only the marker the rule asked for may be in the note.
  const body = comments
    .map((c) => `${stripMarkers(c.body).trim()}\n\n${[c.marker, ...(c.records ?? [])].map(markerComment).join("\n")}`)
    .join("\n\n---\n\n");
  return { body, markers: comments.map((c) => c.marker) };
}

/** Marker of the note that gives a Slack post back after it failed, so the next run tries again. */
export function slackRetryMarker(marker: string): string {
  return `slack-retry:${marker}`;
}

/**
 * Whether the Slack post `marker` names was made: notes carrying the marker record a post, notes
 * carrying its retry marker give one back after a failure.
 */
export function slackPosted(notes: ResourceSnapshot["notes"], marker: string): boolean {
  let posts = 0;
  let failures = 0;
  const retry = slackRetryMarker(marker);
  for (const n of notes ?? []) {
    if (n.botMarkers.includes(marker)) posts++;
    if (n.botMarkers.includes(retry)) failures++;
  }
  return posts > failures;
}

/** Slack posts not made yet, one per marker. */
function mergeNotifications(snapshot: ResourceSnapshot, actions: Action[], kept: Action[]): ActionOf<"notify_slack">[] {
  const seen = new Set<string>();
  const out: ActionOf<"notify_slack">[] = [];
  for (const a of actions) {
    if (a.type !== "notify_slack" || seen.has(a.marker) || slackPosted(snapshot.notes, a.marker)) continue;
    seen.add(a.marker);
    out.push(a);
  }
  kept.push(...out);
  return out;
}

/**
 * The note records the Slack posts it claims (their markers), so the post is made once however
 * many times the resource is reconciled.
 */
function withSlackClaims(note: PlannedNote | null, posts: ActionOf<"notify_slack">[]): PlannedNote | null {
  if (posts.length === 0) return note;
  const channels = posts.map((p) => `#${p.channel}`).join(", ");
  const claim = `<sub>Posted to Slack: ${channels}.</sub>\n\n${posts.map((p) => markerComment(p.marker)).join("\n")}`;
  const markers = posts.map((p) => p.marker);
  if (note === null) return { body: claim, markers };
  return { body: `${note.body}\n\n---\n\n${claim}`, markers: [...note.markers, ...markers] };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function describeRules(actions: Action[]): string {
  return [...new Set(actions.map((a) => `"${a.rule}"`))].join(" and ");
}

function sameMembers(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(b);
  return a.every((x) => s.has(x));
}
