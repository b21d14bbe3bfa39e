/**
 * Reconcile one resource: fetch the history its rules need, evaluate every rule on one snapshot,
 * merge the actions into a plan and apply it. The same function serves the sweep and the webhook
 * path, and running it twice in a row writes nothing the second time.
 */
import type { Action, ActionOf } from "../domain/actions.js";
import { isBotMade, isBotReport, markerComment } from "../domain/markers.js";
import { publicSlackReason } from "../notify/publicReason.js";
import type { Notifier } from "../notify/types.js";
import type { ResourcePlan } from "../domain/plan.js";
import { planIsEmpty } from "../domain/plan.js";
import { formatRef, type NoteInfo, type ResourceSnapshot, type SnapshotNeeds } from "../domain/snapshot.js";
import { botUsernameOf, type Rule, type RuleContext } from "../rules/types.js";
import { converge, type DroppedMessage, type Round } from "./converge.js";
import { buildPlan, slackRetryMarker } from "./plan.js";
import type { Platform } from "./platform.js";
import { speaks } from "./projection.js";

export interface ReconcileDeps {
  platform: Platform;
  rules: Rule[];
  ctx: RuleContext;
  /**
   * Posts the Slack messages rules propose. Without one (or for a channel it has no URL for),
   * those messages are left out of the plan, so nothing is recorded as posted.
   */
  notifier?: Notifier;
  /**
   * The attention budget of scheduled work (rollout.yml): notes that would mention someone past
   * their budget for the day are held back. Absent on the webhook path (a reply to a person's own
   * action is outside the budget). `defers`, when given, may keep a resource's plan from being
   * applied at all this time: the sweep's first pass (attentionOrder.ts) defers what would mention
   * someone until it knows which notes matter most.
   */
  attention?: { admit(snapshot: ResourceSnapshot, actions: Action[]): Action[]; defers?(snapshot: ResourceSnapshot, actions: Action[]): boolean };
}

export interface ReconcileOutcome {
  plan: ResourcePlan;
  /** Write requests made (0 in a dry run or when nothing needed doing). */
  writes: number;
  /** The snapshot the rules saw, with the history fetched for them (sweep summaries read it). */
  snapshot?: ResourceSnapshot;
  /** The state the plan leaves (the snapshot with the plan's changes), for what is judged after it (adoption reports). */
  projected?: ResourceSnapshot;
  /** History GitLab would not give for this resource, and the rules that therefore did not decide. */
  undecided?: UndecidedRules[];
  /** How the plan was reached: what each round changed, and the messages dropped as no longer true. */
  convergence?: { rounds: Round[]; dropped: DroppedMessage[] };
  /** The attention budget deferred the resource (ReconcileDeps.attention.defers): nothing was planned or written. */
  deferred?: true;
}

export type HistoryKind = keyof SnapshotNeeds;

/**
 * One history read that failed for a resource (an older GitLab without the endpoint, a 5xx that
 * outlasted the retries…). The rules that need it sit this resource out; every other rule runs.
 */
export interface UndecidedRules {
  history: HistoryKind;
  /** GitLab's answer, naming the endpoint. */
  reason: string;
  rules: string[];
}

const HISTORY_KINDS: HistoryKind[] = ["labelEvents", "notes", "stateEvents"];

/** History reads that failed during one reconcile: not asked again, and reported. */
type FailedHistory = Map<HistoryKind, string>;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Rules that apply to this kind of resource; on a resource the bot made, only those meant for its documents. */
function rulesFor(snapshot: ResourceSnapshot, rules: Rule[], ctx: RuleContext): Rule[] {
  const botMade = isBotMade(snapshot, botUsernameOf(ctx));
  return rules.filter((r) => r.appliesTo.includes(snapshot.kind) && (!botMade || r.onBotDocuments === true));
}

function wanted(snapshot: ResourceSnapshot, rules: Rule[], ctx: RuleContext, failed: FailedHistory): Required<SnapshotNeeds> {
  const want = { labelEvents: false, notes: false, stateEvents: false };
  for (const r of rules) {
    const n = r.needs(snapshot, ctx);
    for (const kind of HISTORY_KINDS) want[kind] ||= n[kind] === true && snapshot[kind] === undefined && !failed.has(kind);
  }
  return want;
}

/** Reads the wanted history; a read that fails is recorded in `failed` instead of failing the resource. */
async function fetchWanted(snapshot: ResourceSnapshot, want: Required<SnapshotNeeds>, platform: Platform, failed: FailedHistory): Promise<ResourceSnapshot> {
  const read = async <T>(kind: HistoryKind, fetch: (() => Promise<T>) | undefined): Promise<T | undefined> => {
    if (!want[kind] || fetch === undefined) return undefined;
    try {
      return await fetch();
    } catch (e) {
      failed.set(kind, messageOf(e));
      return undefined;
    }
  };
  const [labelEvents, notes, stateEvents] = await Promise.all([
    read("labelEvents", () => platform.labelEvents(snapshot)),
    read("notes", () => platform.notes(snapshot)),
    read("stateEvents", platform.stateEvents ? () => platform.stateEvents!(snapshot) : undefined),
  ]);
  return { ...snapshot, ...(labelEvents ? { labelEvents } : {}), ...(notes ? { notes } : {}), ...(stateEvents ? { stateEvents } : {}) };
}

/**
 * Fetches the history the rules ask for, in rounds: label (and state) events before comments,
 * then the rules are asked again with what was read. Label events often settle a question (who
 * touched it last, since when a label is on) that would otherwise cost one more request per
 * resource; comments are read only when a rule still needs them.
 */
export async function fetchHistory(snapshot: ResourceSnapshot, rules: Rule[], ctx: RuleContext, platform: Platform): Promise<ResourceSnapshot> {
  const failed: FailedHistory = new Map();
  const current = await readHistory(snapshot, rules, ctx, platform, failed);
  const [kind, reason] = [...failed.entries()][0] ?? [];
  if (kind !== undefined) throw new Error(`could not read the ${kind} of ${formatRef(snapshot.ref)}: ${reason}`);
  return current;
}

async function readHistory(snapshot: ResourceSnapshot, rules: Rule[], ctx: RuleContext, platform: Platform, failed: FailedHistory): Promise<ResourceSnapshot> {
  let current = snapshot;
  for (let round = 0; round < 3; round++) {
    const want = wanted(current, rules, ctx, failed);
    if (!want.labelEvents && !want.notes && !want.stateEvents) return current;
    // Comments wait while label events are still to come: they may make the comments unnecessary.
    current = await fetchWanted(current, { ...want, notes: want.notes && !want.labelEvents }, platform, failed);
  }
  return current;
}

/**
 * Splits the rules into those that can decide on this snapshot and those that need history that
 * could not be read; the latter are reported, once per history kind.
 */
function decidable(snapshot: ResourceSnapshot, rules: Rule[], ctx: RuleContext, failed: FailedHistory): { rules: Rule[]; undecided: UndecidedRules[] } {
  if (failed.size === 0) return { rules, undecided: [] };
  const undecided = new Map<HistoryKind, UndecidedRules>();
  const ok: Rule[] = [];
  for (const r of rules) {
    const missing = failedHistoryOf(r, snapshot, ctx, failed);
    if (missing === undefined) ok.push(r);
    else {
      const entry = undecided.get(missing) ?? { history: missing, reason: failed.get(missing)!, rules: [] };
      entry.rules.push(r.id);
      undecided.set(missing, entry);
    }
  }
  return { rules: ok, undecided: [...undecided.values()] };
}

export function evaluateRules(snapshot: ResourceSnapshot, rules: Rule[], ctx: RuleContext): Action[] {
  return rulesFor(snapshot, rules, ctx).flatMap((r) => r.evaluate(snapshot, ctx));
}

/**
 * Comments are posted once per marker. The bot's earlier notes are fetched only when a comment is
 * proposed and the resource has comments at all (a listing's `user_notes_count` of 0 proves no
 * marker can exist), which keeps a sweep close to one listing plus the writes it must make.
 */
async function withNotesForComments(snapshot: ResourceSnapshot, actions: Action[], deps: ReconcileDeps, failed: FailedHistory): Promise<ResourceSnapshot> {
  if (snapshot.notes !== undefined || failed.has("notes") || !actions.some(speaks)) return snapshot;
  if (snapshot.userNotesCount === 0) return { ...snapshot, notes: [] };
  try {
    return { ...snapshot, notes: await deps.platform.notes(snapshot) };
  } catch (e) {
    failed.set("notes", messageOf(e));
    return snapshot;
  }
}

/**
 * Without the resource's notes the bot cannot tell whether it already said something, so it says
 * nothing this time (a repeated note is worse than a late one); label and field changes still go.
 */
function withoutUncheckedMessages(snapshot: ResourceSnapshot, actions: Action[], failed: FailedHistory): { actions: Action[]; undecided: UndecidedRules[] } {
  if (snapshot.notes !== undefined || !failed.has("notes") || !actions.some(speaks)) return { actions, undecided: [] };
  const rules = [...new Set(actions.filter(speaks).map((a) => a.rule))];
  return { actions: actions.filter((a) => !speaks(a)), undecided: [{ history: "notes", reason: failed.get("notes")!, rules }] };
}

export interface ReconcileOptions {
  /** Changes a job makes beside the rules (e.g. the milestone rollover), judged with them. */
  external?: Action[];
  /** Rules held back this time: their changes and notes wait for a later run (the settle time). */
  hold?: string[];
}

export async function reconcileSnapshot(listed: ResourceSnapshot, deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileOutcome> {
  const outcome = await planSnapshot(listed, deps, options);
  if (outcome.deferred || planIsEmpty(outcome.plan)) return outcome;
  const { writes } = await deps.platform.apply(outcome.plan);
  postSlack(outcome.plan, outcome.snapshot?.notes, deps);
  return { ...outcome, writes };
}

/** The converged plan for one resource, read but not applied. */
export async function planSnapshot(listed: ResourceSnapshot, deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileOutcome> {
  if (isBotReport(listed, botUsernameOf(deps.ctx))) return { plan: buildPlan(listed, [], deps.ctx.policy.taxonomy), writes: 0 };
  const failed: FailedHistory = new Map();
  const snapshot = await readHistory(listed, rulesFor(listed, deps.rules, deps.ctx), deps.ctx, deps.platform, failed);
  const { rules, undecided } = decidable(snapshot, rulesFor(listed, deps.rules, deps.ctx), deps.ctx, failed);
  const input = {
    rules,
    ctx: deps.ctx,
    ...(options.external ? { external: options.external } : {}),
    ...(options.hold ? { hold: options.hold } : {}),
    readMore: (base: ResourceSnapshot, projected: ResourceSnapshot) => readMoreHistory(base, projected, rules, deps, failed),
    decides: (rule: Rule, projected: ResourceSnapshot) => failedHistoryOf(rule, projected, deps.ctx, failed) === undefined,
  };
  let converged = await converge({ ...input, snapshot });
  const withNotes = await withNotesForComments(converged.base, postable(converged.actions, deps.notifier), deps, failed);
  // The bot's earlier notes decide which messages were said already: converge again knowing them.
  if (withNotes !== converged.base) converged = await converge({ ...input, snapshot: withNotes });
  const proposed = postable(converged.actions, deps.notifier);
  const checked = withoutUncheckedMessages(converged.base, proposed, failed);
  const skipped = mergeUndecided(undecided, checked.undecided);
  if (deps.attention?.defers?.(converged.base, checked.actions)) return { plan: buildPlan(converged.base, [], deps.ctx.policy.taxonomy), writes: 0, snapshot: converged.base, deferred: true };
  const admitted = deps.attention ? deps.attention.admit(converged.base, checked.actions) : checked.actions;
  const plan = buildPlan(converged.base, admitted, deps.ctx.policy.taxonomy);
  plan.conflicts.push(...converged.conflicts);
  const extra = {
    ...(skipped.length > 0 ? { undecided: skipped } : {}),
    convergence: { rounds: converged.rounds, dropped: converged.dropped },
  };
  return { plan, writes: 0, snapshot: converged.base, projected: converged.final, ...extra };
}

/** History a rule asks for on a projected state that the fetched snapshot lacks (one read per round). */
async function readMoreHistory(base: ResourceSnapshot, projected: ResourceSnapshot, rules: Rule[], deps: ReconcileDeps, failed: FailedHistory): Promise<ResourceSnapshot> {
  const want = wanted(projected, rules, deps.ctx, failed);
  if (!want.labelEvents && !want.notes && !want.stateEvents) return base;
  return fetchWanted(base, { ...want, notes: want.notes && !want.labelEvents }, deps.platform, failed);
}

/** The history `rule` needs on `s` whose read failed, if any: the rule cannot decide there. */
function failedHistoryOf(rule: Rule, s: ResourceSnapshot, ctx: RuleContext, failed: FailedHistory): HistoryKind | undefined {
  if (failed.size === 0) return undefined;
  const n = rule.needs(s, ctx);
  return HISTORY_KINDS.find((kind) => n[kind] === true && s[kind] === undefined && failed.has(kind));
}

function mergeUndecided(a: UndecidedRules[], b: UndecidedRules[]): UndecidedRules[] {
  const out = new Map<HistoryKind, UndecidedRules>();
  for (const u of [...a, ...b]) {
    const seen = out.get(u.history);
    out.set(u.history, seen ? { ...seen, rules: [...new Set([...seen.rules, ...u.rules])] } : { ...u, rules: [...u.rules] });
  }
  return [...out.values()];
}

/** Slack messages stay in the plan only when they can be posted. */
function postable(actions: Action[], notifier: Notifier | undefined): Action[] {
  return actions.filter((a) => a.type !== "notify_slack" || (notifier !== undefined && notifier.channels.includes(a.channel)));
}

/**
 * The plan's note has recorded the posts; the messages go out in the background. A post that fails
 * for good is given back by a note carrying its retry marker, so the next run posts it again, once:
 * when the retry fails too, no second note is written and the post stands as given up (the notifier
 * has logged why). While Slack is down, a resource gets at most one failure note per post, however
 * often it is reconciled.
 */
function postSlack(plan: ResourcePlan, notes: NoteInfo[] | undefined, deps: ReconcileDeps): void {
  const notifier = deps.notifier;
  if (notifier === undefined) return;
  for (const a of plan.actions) {
    if (a.type !== "notify_slack") continue;
    const givenBackBefore = (notes ?? []).some((n) => n.botMarkers.includes(slackRetryMarker(a.marker)));
    void notifier.post(a.channel, a.message, { onFailure: (error) => (givenBackBefore ? undefined : giveBack(plan, a, error, deps.platform)) });
  }
}

async function giveBack(plan: ResourcePlan, post: ActionOf<"notify_slack">, error: Error, platform: Platform): Promise<void> {
  const marker = slackRetryMarker(post.marker);
  const body = `<sub>The Slack post to #${post.channel} failed (${publicSlackReason(error.message)}); it will be tried again on the next run.</sub>\n\n${markerComment(marker)}`;
  await platform.apply({ ...plan, actions: [], update: { addLabels: [], removeLabels: [] }, note: { body, markers: [marker] }, conflicts: [] });
}

