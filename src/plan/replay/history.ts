/**
 * A resource as it was at a past moment, rebuilt from what GitLab records of it: its label, state
 * and milestone events and its notes, applied backwards from how it is now. Pure: no I/O, no clock.
 *
 * What GitLab keeps no events for cannot be rebuilt and is taken as it is today: assignees, due
 * date, title, description, confidentiality (see docs/plan-comment.md, "Replaying the past").
 *
 * During a replay the bot's own past writes are set aside (from the start of the replayed window
 * on): the replay decides what the bot would have done, and its simulated writes (`ReplayWrites`)
 * take their place, so a note it "posts" on day 3 is found by its marker on day 4, as it would be live.
 */
import { milestoneTiming, type LabelEvent, type MilestoneEvent, type MilestoneInfo, type NoteInfo, type ResourceSnapshot, type StateEvent, type UserRef } from "../../domain/snapshot.js";

/** Everything read once about one resource, as GitLab has it now. */
export interface ResourceHistory {
  /** The resource as the listing gives it today (no history fields). */
  current: ResourceSnapshot;
  labelEvents: LabelEvent[];
  stateEvents: StateEvent[];
  milestoneEvents: MilestoneEvent[];
  notes: NoteInfo[];
}

/** What the replayed bot wrote to one resource, as events and notes carrying the bot's user. */
export interface ReplayWrites {
  labelEvents: LabelEvent[];
  stateEvents: StateEvent[];
  milestoneEvents: MilestoneEvent[];
  notes: NoteInfo[];
}

export const noWrites = (): ReplayWrites => ({ labelEvents: [], stateEvents: [], milestoneEvents: [], notes: [] });

export interface RebuildOptions {
  /** The bot's username: its own events and notes from `windowStart` on are set aside. */
  botUsername: string;
  windowStart: Date;
  /** The team's milestones (to give a milestone its dates); timing is recomputed for `today`. */
  milestones: MilestoneInfo[];
  /** The local date of the moment (`YYYY-MM-DD`), for milestone timing. */
  today: string;
}

interface Timed {
  createdAt: Date;
  id: number;
}
const ascending = (a: Timed, b: Timed) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id;

/** The bot's own write inside the replayed window: the replay makes its own instead. */
function setAside(user: UserRef | null, at: Date, options: RebuildOptions): boolean {
  return user !== null && user.username === options.botUsername && at >= options.windowStart;
}

/** Recorded events that had happened by `at` and still count, with the replay's own writes, oldest first. */
function eventsAt<E extends Timed & { user: UserRef | null }>(recorded: E[], simulated: E[], at: Date, options: RebuildOptions): E[] {
  return [...recorded.filter((e) => e.createdAt <= at && !setAside(e.user, e.createdAt, options)), ...simulated.filter((e) => e.createdAt <= at)].sort(ascending);
}

function labelsAt(history: ResourceHistory, writes: ReplayWrites, at: Date, options: RebuildOptions): string[] {
  const present = new Set(history.current.labels);
  // Undo, newest first, what happened after the moment and the bot's own writes in the window.
  const undone = history.labelEvents.filter((e) => e.createdAt > at || setAside(e.user, e.createdAt, options)).sort(ascending).reverse();
  for (const e of undone) {
    if (e.action === "add") present.delete(e.label);
    else present.add(e.label);
  }
  // Where a label was touched by then, its latest event (a person's or the replayed bot's) decides.
  const latest = new Map<string, LabelEvent>();
  for (const e of eventsAt(history.labelEvents, writes.labelEvents, at, options)) latest.set(e.label, e);
  for (const [label, e] of latest) {
    if (e.action === "add") present.add(label);
    else present.delete(label);
  }
  const order = [...history.current.labels, ...[...latest.keys()].sort()];
  return [...new Set(order)].filter((l) => present.has(l)).concat([...present].filter((l) => !order.includes(l)).sort());
}

function stateAt(history: ResourceHistory, writes: ReplayWrites, at: Date, options: RebuildOptions): { state: ResourceSnapshot["state"]; since: Date | null } {
  const last = eventsAt(history.stateEvents, writes.stateEvents, at, options).at(-1);
  if (last) return { state: last.state === "reopened" ? "opened" : last.state, since: last.createdAt };
  const first = [...history.stateEvents].sort(ascending)[0];
  // Every recorded change came later: the state before the first one.
  if (first) return { state: first.state === "reopened" ? "closed" : "opened", since: null };
  // No state events at all (GitLab before 13.2): the closing or merging time, when there is one.
  const { current } = history;
  const ended = current.mergedAt ?? current.closedAt;
  if (current.state !== "opened" && ended && ended <= at) return { state: current.state, since: ended };
  return { state: "opened", since: null };
}

function milestoneAt(history: ResourceHistory, writes: ReplayWrites, at: Date, options: RebuildOptions): MilestoneInfo | null {
  const last = eventsAt(history.milestoneEvents, writes.milestoneEvents, at, options).at(-1);
  let milestone: MilestoneInfo | null;
  if (last) milestone = last.action === "add" ? last.milestone : null;
  else {
    const first = [...history.milestoneEvents].sort(ascending)[0];
    milestone = first ? (first.action === "add" ? null : first.milestone) : history.current.milestone;
  }
  if (milestone === null) return null;
  const known = options.milestones.find((m) => m.id === milestone.id) ?? milestone;
  return { ...known, timing: milestoneTiming(known, options.today) };
}

function notesAt(history: ResourceHistory, writes: ReplayWrites, at: Date, options: RebuildOptions): NoteInfo[] {
  const recorded = history.notes.filter((n) => n.createdAt <= at && !setAside(n.author, n.createdAt, options));
  return [...recorded, ...writes.notes.filter((n) => n.createdAt <= at)].sort(ascending);
}

/**
 * The resource as a listing at `at` would have shown it, or null when it did not exist yet.
 * History fields are left out: the replay's platform serves them for the same moment on request.
 */
export function rebuildAt(history: ResourceHistory, writes: ReplayWrites, at: Date, options: RebuildOptions): ResourceSnapshot | null {
  const { current } = history;
  if (current.createdAt > at) return null;
  const { state, since } = stateAt(history, writes, at, options);
  const notes = notesAt(history, writes, at, options);
  const {
    labelEvents: _labelEvents,
    notes: _notes,
    stateEvents: _stateEvents,
    ...listed
  } = current;
  const touched = [
    current.createdAt,
    ...eventsAt(history.labelEvents, writes.labelEvents, at, options).map((e) => e.createdAt),
    ...notes.map((n) => n.createdAt),
    ...(since ? [since] : []),
  ];
  return {
    ...listed,
    labels: labelsAt(history, writes, at, options),
    state,
    closedAt: state === "closed" ? since : null,
    ...(current.kind === "merge_request" ? { mergedAt: state === "merged" ? since : null } : {}),
    ...(state === "opened" ? { closedBy: null } : {}),
    milestone: milestoneAt(history, writes, at, options),
    userNotesCount: notes.filter((n) => !n.system).length,
    updatedAt: new Date(Math.max(...touched.map((d) => d.getTime()))),
  };
}

/** The resource's recorded history as it stood at `at`, with the replay's writes (what the platform serves). */
export function historyAt(history: ResourceHistory, writes: ReplayWrites, at: Date, options: RebuildOptions): Pick<Required<ResourceSnapshot>, "labelEvents" | "stateEvents" | "notes"> {
  return {
    labelEvents: eventsAt(history.labelEvents, writes.labelEvents, at, options),
    stateEvents: eventsAt(history.stateEvents, writes.stateEvents, at, options),
    notes: notesAt(history, writes, at, options),
  };
}
