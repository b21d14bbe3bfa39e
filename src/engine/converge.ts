/**
 * Converge, then speak. The rules are evaluated on the fetched snapshot, their changes are applied
 * to a projected copy, and the rules are evaluated again on the projection, until no rule proposes
 * a further change. The plan is the difference between the real state and that converged state;
 * a message is kept only when it is still true there:
 *
 * - a rule's message stands when the rule, judging the converged state, still says it;
 * - a change's explanation stands when the change is in the plan and the rule would say it again
 *   had that change alone not been made (an alias repair's note is about the label it removed).
 *
 * Two ways the rules can disagree are conflicts, reported to the policy owners, never told to a
 * requester and never written:
 *
 * - oscillation: a projected state comes back (a change proposed and undone), or the round limit
 *   is reached: the contested fields keep their real values;
 * - a rule that objects only to the bot's own change in this plan (a move into a step whose
 *   requirements the issue breaks, a milestone the stage forbids): the change is not made.
 */
import type { Action } from "../domain/actions.js";
import type { PlanConflict, ResourceUpdate } from "../domain/plan.js";
import { updateIsEmpty } from "../domain/plan.js";
import type { ResourceSnapshot, UserRef } from "../domain/snapshot.js";
import { botUsernameOf, type Rule, type RuleContext } from "../rules/types.js";
import { buildPlan } from "./plan.js";
import { changeIsIn, changesState, diffUpdate, fieldsOf, type Projector, project, speaks, stateKey, trimToUpdate, withoutChanges } from "./projection.js";

/** Rounds after which a plan that still changes is treated as an oscillation. */
export const MAX_ROUNDS = 5;

export interface ConvergeInput {
  /** The resource as fetched, with the history read for its rules. */
  snapshot: ResourceSnapshot;
  rules: Rule[];
  ctx: RuleContext;
  /** Changes a job makes beside the rules (e.g. the milestone rollover), proposed in every round. */
  external?: Action[];
  maxRounds?: number;
  /**
   * Reads history the rules ask for on a projected state that the fetched snapshot lacks, and
   * returns the fetched snapshot with it. Without one, rules judge with the history already read.
   */
  readMore?: (base: ResourceSnapshot, projected: ResourceSnapshot) => Promise<ResourceSnapshot>;
  /** Whether a rule can decide on this state (its history could be read); default: every rule. */
  decides?: (rule: Rule, projected: ResourceSnapshot) => boolean;
  /** Rules held back this time (their changes and notes wait for a later run). */
  hold?: string[];
}

/** A message proposed in a round, with the changes of its rule it explains. */
interface Proposal {
  round: number;
  message: Action;
  /** The same rule's changes in that round (what a note beside them explains). */
  explains: Action[];
}

export interface Round {
  /** The changes made in this round (to the state the previous round left). */
  changes: Action[];
  /** Markers of the messages the rules proposed in this round. */
  messages: string[];
}

export interface DroppedMessage {
  rule: string;
  marker: string;
  /** Why the message is not posted, for a MOps reader. */
  why: string;
}

export interface Convergence {
  /** The fetched snapshot, with any history read while converging. */
  base: ResourceSnapshot;
  /** The state the plan leaves. */
  final: ResourceSnapshot;
  /** The state changes (trimmed to what the plan really changes) and the messages kept. */
  actions: Action[];
  conflicts: PlanConflict[];
  rounds: Round[];
  dropped: DroppedMessage[];
}

interface Fixpoint {
  base: ResourceSnapshot;
  final: ResourceSnapshot;
  rounds: (Round & { proposals: Proposal[] })[];
  conflicts: PlanConflict[];
}

const markerOf = (a: Action) => (a.type === "comment" || a.type === "notify_slack" ? a.marker : "");

function botUser(ctx: RuleContext): UserRef {
  return { id: -1, username: botUsernameOf(ctx) };
}

function projector(ctx: RuleContext): Projector {
  return { bot: botUser(ctx), now: ctx.now, milestones: ctx.milestones };
}

function evaluate(rules: Rule[], s: ResourceSnapshot, input: ConvergeInput): Action[] {
  const decides = input.decides ?? (() => true);
  const own = rules.filter((r) => r.appliesTo.includes(s.kind) && decides(r, s)).flatMap((r) => r.evaluate(s, input.ctx));
  return [...own, ...(input.external ?? [])];
}

/** The changes applied so far, replayed on `base` (after more history was read onto it). */
function replay(base: ResourceSnapshot, applied: { update: ResourceUpdate; actions: Action[] }[], p: Projector): ResourceSnapshot {
  return applied.reduce((s, a) => project(s, a.update, a.actions, p), base);
}

async function fixpoint(input: ConvergeInput, start: ResourceSnapshot, suppressed: Set<string>): Promise<Fixpoint> {
  const p = projector(input.ctx);
  const taxonomy = input.ctx.policy.taxonomy;
  const max = input.maxRounds ?? MAX_ROUNDS;
  let base = start;
  const applied: { update: ResourceUpdate; actions: Action[] }[] = [];
  const states: ResourceSnapshot[] = [base];
  const rounds: Fixpoint["rounds"] = [];
  const conflicts: PlanConflict[] = [];
  let current = base;
  for (let i = 0; i < max; i++) {
    if (input.readMore) {
      const more = await input.readMore(base, current);
      if (more !== base) {
        base = more;
        current = replay(base, applied, p);
      }
    }
    const proposed = evaluate(input.rules, current, input).filter((a) => !suppressed.has(a.rule));
    const plan = buildPlan(current, proposed.filter(changesState), taxonomy);
    const proposals = proposed.filter(speaks).map((message) => ({
      round: i,
      message,
      explains: plan.actions.filter((c) => c.rule === message.rule),
    }));
    rounds.push({ changes: plan.actions, messages: proposals.map((x) => markerOf(x.message)), proposals });
    addConflicts(conflicts, plan.conflicts);
    if (updateIsEmpty(plan.update)) return { base, final: current, rounds, conflicts };
    applied.push({ update: plan.update, actions: plan.actions });
    const next = project(current, plan.update, plan.actions, p);
    const again = states.findIndex((s) => stateKey(s) === stateKey(next));
    if (again >= 0) return settleOscillation(base, [...states.slice(again), current], rounds, conflicts, "comes back to a state it was in");
    states.push(next);
    current = next;
  }
  return settleOscillation(base, states.slice(-2), rounds, conflicts, `still changes after ${max} rounds`);
}

function addConflicts(into: PlanConflict[], found: PlanConflict[]): void {
  for (const c of found) if (!into.some((x) => x.subject === c.subject && x.message === c.message)) into.push(c);
}

/**
 * The rules keep undoing each other: what they fight over keeps its real value, the rest of the
 * last state stands, and the fight is a conflict naming the rules and the changes.
 */
function settleOscillation(base: ResourceSnapshot, cycle: ResourceSnapshot[], rounds: Fixpoint["rounds"], conflicts: PlanConflict[], how: string): Fixpoint {
  const last = cycle[cycle.length - 1]!;
  const fields = cycle.map(fieldsOf);
  const differs = <T>(pick: (f: ReturnType<typeof fieldsOf>) => T) => new Set(fields.map((f) => JSON.stringify(pick(f)))).size > 1;
  const contestedLabels = new Set(cycle.flatMap((s) => s.labels).filter((l) => !cycle.every((s) => s.labels.includes(l))));
  const final: ResourceSnapshot = {
    ...last,
    labels: [...last.labels.filter((l) => !contestedLabels.has(l)), ...base.labels.filter((l) => contestedLabels.has(l))],
  };
  const subjects: string[] = [...contestedLabels].map((l) => `label ${l}`);
  const restore = (subject: string, contested: boolean, put: () => void) => {
    if (!contested) return;
    put();
    subjects.push(subject);
  };
  restore("state", differs((f) => f.state), () => Object.assign(final, { state: base.state, closedAt: base.closedAt, closedBy: base.closedBy }));
  restore("milestone", differs((f) => f.milestoneId), () => (final.milestone = base.milestone));
  restore("assignees", differs((f) => f.assigneeIds), () => (final.assignees = base.assignees));
  restore("due date", differs((f) => f.dueDate), () => (final.dueDate = base.dueDate));
  restore("confidentiality", differs((f) => f.confidential), () => (final.confidential = base.confidential));
  const involved = rounds.flatMap((r) => r.changes).filter((a) => touches(a, contestedLabels, subjects));
  const rules = [...new Set(involved.map((a) => `"${a.rule}"`))].join(", ");
  conflicts.push({
    kind: "oscillation",
    subject: subjects.join(", "),
    actions: involved,
    message: `The rules ${rules} undo each other's changes (the plan ${how}): ${subjects.join(", ")} ${subjects.length === 1 ? "was" : "were"} left as ${subjects.length === 1 ? "it is" : "they are"}. Adjust the policies so they agree.`,
  });
  return { base, final, rounds, conflicts };
}

function touches(a: Action, labels: Set<string>, subjects: string[]): boolean {
  if (a.type === "add_labels" || a.type === "remove_labels") return a.labels.some((l) => labels.has(l));
  const subject = { close: "state", reopen: "state", set_milestone: "milestone", set_assignees: "assignees", set_due_date: "due date", set_confidential: "confidentiality" }[
    a.type as string
  ];
  return subject !== undefined && subjects.includes(subject);
}

interface Kept {
  proposal: Proposal;
  /** Kept because the rule says it on the converged state (not only as a change's explanation). */
  onFinal: boolean;
}

interface Selection {
  kept: Kept[];
  dropped: DroppedMessage[];
  update: ResourceUpdate;
}

/** Which proposed messages are still true on the converged state. */
function selectMessages(fp: Fixpoint, input: ConvergeInput, suppressed: Set<string>): Selection {
  const p = projector(input.ctx);
  const update = diffUpdate(fp.base, fp.final);
  const onFinal = new Map<string, Action>();
  for (const a of evaluate(input.rules, fp.final, input)) if (speaks(a) && !suppressed.has(a.rule)) onFinal.set(`${a.rule}\u0000${markerOf(a)}`, a);
  const kept: Kept[] = [];
  const dropped: DroppedMessage[] = [];
  const seen = new Set<string>();
  for (const proposal of fp.rounds.flatMap((r) => r.proposals)) {
    const key = `${proposal.message.rule}\u0000${markerOf(proposal.message)}`;
    if (seen.has(key)) continue;
    // The marker is what is being said; it is said as first worded. A reply to a command is
    // worded for the state the command found ("approved: moved to 01"), not the state it left.
    const final = onFinal.get(key);
    if (final !== undefined) {
      seen.add(key);
      const describesState = input.rules.find((r) => r.id === proposal.message.rule)?.describesState === true;
      kept.push({ proposal: describesState ? { ...proposal, message: final } : proposal, onFinal: true });
      continue;
    }
    if (explainsChangeInPlan(proposal, fp, update, input, p)) {
      seen.add(key);
      kept.push({ proposal, onFinal: false });
    }
  }
  for (const proposal of fp.rounds.flatMap((r) => r.proposals)) {
    const key = `${proposal.message.rule}\u0000${markerOf(proposal.message)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const why = proposal.explains.length > 0 ? "the change it explains is not in the plan" : "it is no longer true of the state the plan leaves";
    dropped.push({ rule: proposal.message.rule, marker: markerOf(proposal.message), why });
  }
  return { kept, dropped, update };
}

/**
 * A change's explanation stands when the change is in the plan and the rule would say it again on
 * the converged state without that change (what it explains is the change itself).
 */
function explainsChangeInPlan(proposal: Proposal, fp: Fixpoint, update: ResourceUpdate, input: ConvergeInput, p: Projector): boolean {
  if (proposal.explains.length === 0 || !proposal.explains.every((c) => changeIsIn(c, update))) return false;
  const without = project(fp.base, withoutChanges(update, proposal.explains), fp.rounds.flatMap((r) => r.changes), p);
  const rule = input.rules.find((r) => r.id === proposal.message.rule);
  const said = rule ? rule.evaluate(without, input.ctx) : (input.external ?? []);
  return said.some((a) => speaks(a) && markerOf(a) === markerOf(proposal.message));
}

/** The state changes of the plan, each trimmed to what the plan really changes. */
function planChanges(fp: Fixpoint, update: ResourceUpdate): Action[] {
  const out: Action[] = [];
  for (const a of fp.rounds.flatMap((r) => r.changes)) {
    const trimmed = trimToUpdate(a, update);
    if (trimmed !== null) out.push(trimmed);
  }
  return out;
}

/**
 * Whether a note was already said, in substance, on the state as fetched: the same marker, or a
 * narrower one of the same rule (its parts a subset of an earlier marker's, e.g. a stage note that
 * names one missing requirement where the first named two). A change that only shortens a
 * complaint is no objection to that change.
 */
function saidBefore(marker: string, firstSaid: readonly string[]): boolean {
  const parts = marker.split(":");
  return firstSaid.some((m) => {
    if (m === marker) return true;
    const earlier = m.split(":");
    return earlier[0] === parts[0] && earlier[1] === parts[1] && parts.every((p) => earlier.includes(p));
  });
}

/** Attempts at taking out rules that object to the bot's own changes, before giving up. */
const MAX_SETTLES = 4;

export async function converge(input: ConvergeInput): Promise<Convergence> {
  const suppressed = new Set<string>(input.hold ?? []);
  const conflicts: PlanConflict[] = [];
  let base = input.snapshot;
  for (let attempt = 0; ; attempt++) {
    const fp = await fixpoint(input, base, suppressed);
    base = fp.base;
    const selection = selectMessages(fp, input, suppressed);
    const firstSaid = fp.rounds[0]?.messages ?? [];
    // A rule that objects only once the bot's own changes are made objects to the bot, not to a person.
    const objections = selection.kept.filter((k) => k.onFinal && !saidBefore(markerOf(k.proposal.message), firstSaid));
    const culprits = attempt < MAX_SETTLES ? await objectedTo(objections, fp, selection.update, input, suppressed) : [];
    if (culprits.length === 0) {
      const planMade = new Set(objections.map((k) => k.proposal));
      const kept = selection.kept.filter((k) => !planMade.has(k.proposal)).map((k) => k.proposal.message);
      const dropped = [
        ...selection.dropped,
        ...objections.map((k) => ({ rule: k.proposal.message.rule, marker: markerOf(k.proposal.message), why: "it objects to a change the bot itself makes in this plan" })),
      ];
      addConflicts(conflicts, fp.conflicts);
      return {
        base,
        final: fp.final,
        actions: [...planChanges(fp, selection.update), ...kept],
        conflicts,
        rounds: fp.rounds.map((r) => ({ changes: r.changes, messages: r.messages })),
        dropped,
      };
    }
    for (const c of culprits) {
      suppressed.add(c.rule);
      conflicts.push(c.conflict);
    }
  }
}

/**
 * For each objection, the rules whose changes in the plan cause it: taking out one rule's changes
 * makes the objection go. Each is a conflict; its changes and notes are left out of the plan.
 */
async function objectedTo(
  objections: Kept[],
  fp: Fixpoint,
  update: ResourceUpdate,
  input: ConvergeInput,
  suppressed: Set<string>,
): Promise<{ rule: string; conflict: PlanConflict }[]> {
  const found: { rule: string; conflict: PlanConflict }[] = [];
  const changes = planChanges(fp, update);
  for (const { proposal } of objections) {
    const objector = proposal.message.rule;
    const candidates = [...new Set(changes.map((a) => a.rule))].filter((r) => r !== objector && !suppressed.has(r) && !found.some((f) => f.rule === r));
    for (const candidate of candidates) {
      const trial = await fixpoint(input, fp.base, new Set([...suppressed, candidate]));
      const still = selectMessages(trial, input, new Set([...suppressed, candidate])).kept.some((k) => markerOf(k.proposal.message) === markerOf(proposal.message));
      if (still) continue;
      const made = changes.filter((a) => a.rule === candidate);
      found.push({
        rule: candidate,
        conflict: {
          kind: "objection",
          subject: `rules ${candidate} and ${objector}`,
          actions: [...made, proposal.message],
          message: `"${candidate}" would ${made.map(describeChange).join(" and ")}, and "${objector}" then objects: ${proposal.message.reason} Neither the change nor the note was made; adjust the policies so they agree.`,
        },
      });
    }
  }
  return found;
}

function describeChange(a: Action): string {
  switch (a.type) {
    case "add_labels":
      return `add ${a.labels.map((l) => `"${l}"`).join(", ")}`;
    case "remove_labels":
      return `remove ${a.labels.map((l) => `"${l}"`).join(", ")}`;
    case "set_milestone":
      return a.milestoneTitle ? `move it to the milestone "${a.milestoneTitle}"` : "remove its milestone";
    case "set_assignees":
      return a.usernames.length > 0 ? `assign ${a.usernames.join(", ")}` : "unassign it";
    case "set_due_date":
      return a.dueDate ? `set the due date ${a.dueDate}` : "remove the due date";
    case "set_confidential":
      return a.confidential ? "make it confidential" : "make it public";
    default:
      return a.type;
  }
}
