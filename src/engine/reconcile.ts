/**
 * Reconcile one resource: fetch the history its rules need, evaluate every rule on one snapshot,
 * merge the actions into a plan and apply it. The same function serves the sweep and the webhook
 * path, and running it twice in a row writes nothing the second time.
 */
import type { Action, ActionOf } from "../domain/actions.js";
import { isBotReport, markerComment } from "../domain/markers.js";
import { publicSlackReason } from "../notify/publicReason.js";
import type { Notifier } from "../notify/types.js";
import type { ResourcePlan } from "../domain/plan.js";
import { planIsEmpty } from "../domain/plan.js";
import type { NoteInfo, ResourceRef, ResourceSnapshot, SnapshotNeeds } from "../domain/snapshot.js";
import { botUsernameOf, type Rule, type RuleContext } from "../rules/types.js";
import { buildPlan, slackRetryMarker } from "./plan.js";
import type { Platform } from "./platform.js";

export interface ReconcileDeps {
  platform: Platform;
  rules: Rule[];
  ctx: RuleContext;
  /**
   * Posts the Slack messages rules propose. Without one (or for a channel it has no URL for),
   * those messages are left out of the plan, so nothing is recorded as posted.
   */
  notifier?: Notifier;
}

export interface ReconcileOutcome {
  plan: ResourcePlan;
  /** Write requests made (0 in a dry run or when nothing needed doing). */
  writes: number;
  /** The snapshot the rules saw, with the history fetched for them (sweep summaries read it). */
  snapshot?: ResourceSnapshot;
}

/** Rules that apply to this kind of resource. */
function rulesFor(snapshot: ResourceSnapshot, rules: Rule[]): Rule[] {
  return rules.filter((r) => r.appliesTo.includes(snapshot.kind));
}

function wanted(snapshot: ResourceSnapshot, rules: Rule[], ctx: RuleContext): Required<SnapshotNeeds> {
  const want = { labelEvents: false, notes: false, stateEvents: false };
  for (const r of rules) {
    const n = r.needs(snapshot, ctx);
    want.labelEvents ||= n.labelEvents === true && snapshot.labelEvents === undefined;
    want.notes ||= n.notes === true && snapshot.notes === undefined;
    want.stateEvents ||= n.stateEvents === true && snapshot.stateEvents === undefined;
  }
  return want;
}

async function fetchWanted(snapshot: ResourceSnapshot, want: Required<SnapshotNeeds>, platform: Platform): Promise<ResourceSnapshot> {
  const [labelEvents, notes, stateEvents] = await Promise.all([
    want.labelEvents ? platform.labelEvents(snapshot) : undefined,
    want.notes ? platform.notes(snapshot) : undefined,
    want.stateEvents && platform.stateEvents ? platform.stateEvents(snapshot) : undefined,
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
  let current = snapshot;
  for (let round = 0; round < 3; round++) {
    const want = wanted(current, rules, ctx);
    if (!want.labelEvents && !want.notes && !want.stateEvents) return current;
    // Comments wait while label events are still to come: they may make the comments unnecessary.
    current = await fetchWanted(current, { ...want, notes: want.notes && !want.labelEvents }, platform);
  }
  return current;
}

export function evaluateRules(snapshot: ResourceSnapshot, rules: Rule[], ctx: RuleContext): Action[] {
  return rulesFor(snapshot, rules).flatMap((r) => r.evaluate(snapshot, ctx));
}

/**
 * Comments are posted once per marker. The bot's earlier notes are fetched only when a comment is
 * proposed and the resource has comments at all (a listing's `user_notes_count` of 0 proves no
 * marker can exist), which keeps a sweep close to one listing plus the writes it must make.
 */
async function withNotesForComments(snapshot: ResourceSnapshot, actions: Action[], deps: ReconcileDeps): Promise<ResourceSnapshot> {
  if (snapshot.notes !== undefined || !actions.some((a) => a.type === "comment" || a.type === "notify_slack")) return snapshot;
  if (snapshot.userNotesCount === 0) return { ...snapshot, notes: [] };
  return { ...snapshot, notes: await deps.platform.notes(snapshot) };
}

export async function reconcileSnapshot(listed: ResourceSnapshot, deps: ReconcileDeps): Promise<ReconcileOutcome> {
  if (isBotReport(listed, botUsernameOf(deps.ctx))) return { plan: buildPlan(listed, [], deps.ctx.policy.taxonomy), writes: 0 };
  const rules = rulesFor(listed, deps.rules);
  const snapshot = await fetchHistory(listed, rules, deps.ctx, deps.platform);
  const actions = postable(evaluateRules(snapshot, rules, deps.ctx), deps.notifier);
  const withNotes = await withNotesForComments(snapshot, actions, deps);
  const plan = buildPlan(withNotes, actions, deps.ctx.policy.taxonomy);
  if (planIsEmpty(plan)) return { plan, writes: 0, snapshot: withNotes };
  const { writes } = await deps.platform.apply(plan);
  postSlack(plan, withNotes.notes, deps);
  return { plan, writes, snapshot: withNotes };
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

/** Reconcile a resource named by a webhook: the payload is only a hint, the state is read anew. */
export async function reconcileRef(ref: ResourceRef, deps: ReconcileDeps): Promise<ReconcileOutcome | null> {
  const snapshot = await deps.platform.get(ref);
  if (snapshot === null) return null;
  return reconcileSnapshot(snapshot, deps);
}
