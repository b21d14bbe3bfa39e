/**
 * Reconcile one resource: fetch the history its rules need, evaluate every rule on one snapshot,
 * merge the actions into a plan and apply it. The same function serves the sweep and the webhook
 * path, and running it twice in a row writes nothing the second time.
 */
import type { Action } from "../domain/actions.js";
import type { ResourcePlan } from "../domain/plan.js";
import { planIsEmpty } from "../domain/plan.js";
import type { ResourceRef, ResourceSnapshot } from "../domain/snapshot.js";
import type { Rule, RuleContext } from "../rules/types.js";
import { buildPlan } from "./plan.js";
import type { Platform } from "./platform.js";

export interface ReconcileDeps {
  platform: Platform;
  rules: Rule[];
  ctx: RuleContext;
}

export interface ReconcileOutcome {
  plan: ResourcePlan;
  /** Write requests made (0 in a dry run or when nothing needed doing). */
  writes: number;
}

/** Rules that apply to this kind of resource. */
function rulesFor(snapshot: ResourceSnapshot, rules: Rule[]): Rule[] {
  return rules.filter((r) => r.appliesTo.includes(snapshot.kind));
}

async function withHistory(snapshot: ResourceSnapshot, rules: Rule[], deps: ReconcileDeps): Promise<ResourceSnapshot> {
  let wantEvents = false;
  let wantNotes = false;
  for (const r of rules) {
    const n = r.needs(snapshot, deps.ctx);
    wantEvents ||= n.labelEvents === true;
    wantNotes ||= n.notes === true;
  }
  const [labelEvents, notes] = await Promise.all([
    wantEvents && snapshot.labelEvents === undefined ? deps.platform.labelEvents(snapshot) : undefined,
    wantNotes && snapshot.notes === undefined ? deps.platform.notes(snapshot) : undefined,
  ]);
  return { ...snapshot, ...(labelEvents ? { labelEvents } : {}), ...(notes ? { notes } : {}) };
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
  if (snapshot.notes !== undefined || !actions.some((a) => a.type === "comment")) return snapshot;
  if (snapshot.userNotesCount === 0) return { ...snapshot, notes: [] };
  return { ...snapshot, notes: await deps.platform.notes(snapshot) };
}

export async function reconcileSnapshot(listed: ResourceSnapshot, deps: ReconcileDeps): Promise<ReconcileOutcome> {
  const rules = rulesFor(listed, deps.rules);
  const snapshot = await withHistory(listed, rules, deps);
  const actions = evaluateRules(snapshot, rules, deps.ctx);
  const withNotes = await withNotesForComments(snapshot, actions, deps);
  const plan = buildPlan(withNotes, actions, deps.ctx.policy.taxonomy);
  if (planIsEmpty(plan)) return { plan, writes: 0 };
  const { writes } = await deps.platform.apply(plan);
  return { plan, writes };
}

/** Reconcile a resource named by a webhook: the payload is only a hint, the state is read anew. */
export async function reconcileRef(ref: ResourceRef, deps: ReconcileDeps): Promise<ReconcileOutcome | null> {
  const snapshot = await deps.platform.get(ref);
  if (snapshot === null) return null;
  return reconcileSnapshot(snapshot, deps);
}
