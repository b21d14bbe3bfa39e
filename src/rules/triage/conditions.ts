/**
 * Evaluating a triage rule's conditions on one snapshot. Each condition says what it looked at
 * (`value`) and whether it holds; `rules explain` prints exactly that.
 *
 * Conditions are three-valued: a condition that needs history the snapshot does not carry yet
 * (label events, notes) is `unknown`, and says which history would decide it. `all`, `any` and
 * `not` combine with Kleene logic, so a rule asks for history only when the listed snapshot
 * cannot decide it: a label cannot have been on a resource longer than the resource exists, and
 * a resource whose updated_at is old enough was certainly not touched since.
 * Pure: the time is the context's, never the wall clock.
 */
import { labelRef } from "../labelRefs.js";
import type { LabelEvent, ResourceSnapshot, SnapshotNeeds } from "../../domain/snapshot.js";
import type { AgeBound, Duration, TextPattern, TriageCondition } from "../../policy/compile/triage.js";
import { botUsernameOf, inGroup, type RuleContext } from "../types.js";
import { shortDate } from "../../domain/calendar/dates.js";
import { policyRegex, type PolicyRegex } from "../../policy/regex.js";

export type Truth = boolean | "unknown";

export interface ConditionResult {
  /** The condition in words, e.g. `state is opened`. */
  text: string;
  /** What the resource has, e.g. `opened`, or what history is missing. */
  value: string;
  result: Truth;
  /** History that would decide an unknown result. */
  needs: SnapshotNeeds;
  /** For `any` / `not` blocks: the conditions inside. */
  children?: ConditionResult[];
  /** True for a `not` block: what holds inside it is not why the resource was selected. */
  negated?: boolean;
  /**
   * For a time condition that holds: what it found, written so that it does not change while the
   * resource does not (a date, never an age): `created 13 Nov`, `~"MktgOps::00: Triage" since 9 Nov`.
   * Summary lists show it; `value` (with ages, for `rules explain`) would change the list every run.
   */
  fact?: string;
  /** History that would give the fact when the condition was decided without it. */
  factNeeds?: SnapshotNeeds;
}

const DAY = 86_400_000;
const NONE: SnapshotNeeds = {};

export function allOf(results: Truth[]): Truth {
  if (results.includes(false)) return false;
  return results.includes("unknown") ? "unknown" : true;
}

export function anyOf(results: Truth[]): Truth {
  if (results.includes(true)) return true;
  return results.includes("unknown") ? "unknown" : false;
}

const negate = (t: Truth): Truth => (t === "unknown" ? t : !t);

export function mergeNeeds(list: SnapshotNeeds[]): SnapshotNeeds {
  const out: SnapshotNeeds = {};
  if (list.some((n) => n.labelEvents)) out.labelEvents = true;
  if (list.some((n) => n.notes)) out.notes = true;
  return out;
}

export function describeDuration(d: Duration): string {
  const unit = d.unit === "days" ? "day" : "business day";
  return `${d.amount} ${unit}${d.amount === 1 ? "" : "s"}`;
}

/** Time from `from` to now in the duration's unit. */
export function elapsed(from: Date, unit: Duration["unit"], ctx: RuleContext): number {
  if (unit === "days") return Math.max(0, (ctx.now.getTime() - from.getTime()) / DAY);
  return ctx.calendar.businessDaysBetween(from, ctx.now);
}

const round = (n: number) => (Math.round(n * 10) / 10).toString();
const dateOf = (d: Date, ctx: RuleContext) => ctx.calendar.today(d);
/** `13 Nov` in the team's zone (with the year when it is not this one). */
const dayOf = (d: Date, ctx: RuleContext) => shortDate(dateOf(d, ctx), dateOf(ctx.now, ctx));

/** Whether an age satisfies the bound: strictly more than older_than, strictly less than newer_than. */
function withinBound(from: Date, b: AgeBound, ctx: RuleContext): boolean {
  if (b.olderThan && !(elapsed(from, b.olderThan.unit, ctx) > b.olderThan.amount)) return false;
  if (b.newerThan && !(elapsed(from, b.newerThan.unit, ctx) < b.newerThan.amount)) return false;
  return true;
}

function describeBound(b: AgeBound): string {
  const parts: string[] = [];
  if (b.olderThan) parts.push(`more than ${describeDuration(b.olderThan)}`);
  if (b.newerThan) parts.push(`less than ${describeDuration(b.newerThan)}`);
  return parts.join(" and ");
}

function describeAge(from: Date, b: AgeBound, ctx: RuleContext): string {
  const units = [...new Set([b.olderThan?.unit, b.newerThan?.unit].filter((u): u is Duration["unit"] => u !== undefined))];
  const ages = units.map((u) => `${round(elapsed(from, u, ctx))} ${u === "days" ? "days" : "business days"}`);
  return `${ages.join(" / ")} (since ${dateOf(from, ctx)})`;
}

/** Label names as the taxonomy spells them, so aliases match their canonical label. */
function canonicalLabels(s: ResourceSnapshot, ctx: RuleContext): string[] {
  return s.labels.map((l) => ctx.policy.taxonomy.canonical(l) ?? l);
}

export function labelMatches(pattern: string, label: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("::*")) {
    const key = pattern.slice(0, -3);
    return label.startsWith(`${key}::`) && !label.slice(key.length + 2).includes("::");
  }
  return pattern === label;
}

function regex(p: TextPattern): PolicyRegex {
  return policyRegex(p.pattern, p.flags);
}

const result = (text: string, value: string, ok: boolean): ConditionResult => ({ text, value, result: ok, needs: NONE });

const addsOf = (events: readonly LabelEvent[], label: string, ctx: RuleContext) =>
  events.filter((e) => e.action === "add" && (ctx.policy.taxonomy.canonical(e.label) ?? e.label) === label);

/**
 * When the label was last added, from label events (with those a plan adds, on its projected
 * state); the creation time when no event says.
 */
export function labelAddedAt(s: ResourceSnapshot, label: string, ctx: RuleContext): Date {
  const adds = addsOf([...(s.labelEvents ?? []), ...(s.plannedLabelEvents ?? [])], label, ctx);
  return adds.reduce((latest, e) => (e.createdAt > latest ? e.createdAt : latest), s.createdAt);
}

/** Whether the plan whose projected state this is adds the label: then it is on since now, whatever the unread history says. */
const addedByPlan = (s: ResourceSnapshot, label: string, ctx: RuleContext) => addsOf(s.plannedLabelEvents ?? [], label, ctx).length > 0;

/**
 * The last moment a person (not the bot) touched the resource: their comments and system notes,
 * their label changes, or the creation. Needs notes and label events.
 */
export function lastTouchedByPerson(s: ResourceSnapshot, bot: string): Date {
  let last = s.createdAt;
  for (const n of s.notes ?? []) if (n.author.username !== bot && n.createdAt > last) last = n.createdAt;
  for (const e of s.labelEvents ?? []) if (e.user?.username !== bot && e.createdAt > last) last = e.createdAt;
  return last;
}

function labelAge(c: Extract<TriageCondition, { kind: "label_age" }>, s: ResourceSnapshot, ctx: RuleContext): ConditionResult {
  const text = `${labelRef(c.label)} has been on it for ${describeBound(c.bound)}`;
  if (!canonicalLabels(s, ctx).includes(c.label)) return result(text, "the label is not on it", false);
  // A label cannot be older than the resource: when even the resource is too young (older_than)
  // or young enough (newer_than), the answer is known without label events.
  const { olderThan, newerThan } = c.bound;
  const createdTooRecently = olderThan !== undefined && !(elapsed(s.createdAt, olderThan.unit, ctx) > olderThan.amount);
  if (createdTooRecently) return result(text, `the ${s.kind === "issue" ? "issue" : "merge request"} itself is only ${describeAge(s.createdAt, c.bound, ctx)}`, false);
  const youngResource = olderThan === undefined && newerThan !== undefined && elapsed(s.createdAt, newerThan.unit, ctx) < newerThan.amount;
  if (youngResource) {
    // Holds, but only the label events say since when; a summary line asks for them.
    const young = result(text, `the resource itself is ${describeAge(s.createdAt, c.bound, ctx)}`, true);
    return s.labelEvents === undefined && !addedByPlan(s, c.label, ctx) ? { ...young, factNeeds: { labelEvents: true } } : { ...young, fact: `${labelRef(c.label)} since ${dayOf(labelAddedAt(s, c.label, ctx), ctx)}` };
  }
  if (s.labelEvents === undefined && !addedByPlan(s, c.label, ctx)) return { text, value: "needs the label history", result: "unknown", needs: { labelEvents: true } };
  const since = labelAddedAt(s, c.label, ctx);
  const held = withinBound(since, c.bound, ctx);
  const found = result(text, `on for ${describeAge(since, c.bound, ctx)}`, held);
  return held ? { ...found, fact: `${labelRef(c.label)} since ${dayOf(since, ctx)}` } : found;
}

/**
 * No `fact`: when a person last touched the resource is known exactly only from its comments and
 * label events, and an old updated_at decides the condition without them. A date taken from
 * whichever evidence decided would change when the bot's own write moves updated_at; reading the
 * history of every listed resource on every sweep only to print the date is not worth it.
 */
function updatedAge(c: Extract<TriageCondition, { kind: "age" }>, s: ResourceSnapshot, ctx: RuleContext): ConditionResult {
  const text = `last touched by a person ${describeBound(c.bound)} ago`;
  // A person's last touch lies between created_at and updated_at (the bot's writes only move
  // updated_at later): an old updated_at or a recent created_at decides it without history.
  // On a plan's projected state, updated_at is the bot's: the fetched one still bounds a person's touch.
  const { olderThan, newerThan } = c.bound;
  const updatedAt = s.updatedAtAsFetched ?? s.updatedAt;
  const sinceUpdate = (d: Duration) => elapsed(updatedAt, d.unit, ctx);
  const unchanged = `nothing changed at all for ${describeAge(updatedAt, c.bound, ctx)}`;
  if (newerThan !== undefined && sinceUpdate(newerThan) >= newerThan.amount) return result(text, unchanged, false);
  if (olderThan !== undefined && newerThan === undefined && sinceUpdate(olderThan) > olderThan.amount) return result(text, unchanged, true);
  // Nor is it earlier than the creation: a young resource was touched recently enough.
  const sinceCreated = (d: Duration) => elapsed(s.createdAt, d.unit, ctx);
  const young = `created only ${describeAge(s.createdAt, c.bound, ctx)} ago`;
  if (olderThan !== undefined && !(sinceCreated(olderThan) > olderThan.amount)) return result(text, young, false);
  if (newerThan !== undefined && olderThan === undefined && sinceCreated(newerThan) < newerThan.amount) return result(text, young, true);
  // Label events first: a person's recent label change may decide it, and then the comments
  // need not be read at all.
  if (s.labelEvents === undefined) {
    return { text, value: "updated recently; needs the label history to tell a person's change from the bot's", result: "unknown", needs: { labelEvents: true } };
  }
  if (s.notes === undefined) {
    const byLabel = lastTouchedByPerson({ ...s, notes: [] }, botUsernameOf(ctx));
    const labelled = `a person changed its labels ${describeAge(byLabel, c.bound, ctx)} ago`;
    if (olderThan !== undefined && !(elapsed(byLabel, olderThan.unit, ctx) > olderThan.amount)) return result(text, labelled, false);
    if (newerThan !== undefined && olderThan === undefined && elapsed(byLabel, newerThan.unit, ctx) < newerThan.amount) return result(text, labelled, true);
    return { text, value: "no recent label change by a person; needs the comments", result: "unknown", needs: { notes: true } };
  }
  const last = lastTouchedByPerson(s, botUsernameOf(ctx));
  return result(text, `a person last touched it ${describeAge(last, c.bound, ctx)}`, withinBound(last, c.bound, ctx));
}

function age(c: Extract<TriageCondition, { kind: "age" }>, s: ResourceSnapshot, ctx: RuleContext): ConditionResult {
  if (c.field === "updated") return updatedAge(c, s, ctx);
  if (c.field === "updated_at") {
    // GitLab's own field: any change, the bot's included. No fact for summaries: the bot's next
    // write would move it and rewrite the summary line.
    const text = `updated_at ${describeBound(c.bound)} ago`;
    return result(text, `updated ${describeAge(s.updatedAt, c.bound, ctx)} ago`, withinBound(s.updatedAt, c.bound, ctx));
  }
  const at = c.field === "created" ? s.createdAt : c.field === "closed" ? s.closedAt : (s.mergedAt ?? null);
  const text = `${c.field} ${describeBound(c.bound)} ago`;
  if (at === null) return result(text, `not ${c.field}`, false);
  const held = withinBound(at, c.bound, ctx);
  const found = result(text, `${c.field} ${describeAge(at, c.bound, ctx)} ago`, held);
  return held ? { ...found, fact: `${c.field} ${dayOf(at, ctx)}` } : found;
}

function labels(c: Extract<TriageCondition, { kind: "labels" }>, s: ResourceSnapshot, ctx: RuleContext): ConditionResult {
  const present = canonicalLabels(s, ctx);
  const has = (p: string) => present.some((l) => labelMatches(p, l));
  const parts: string[] = [];
  if (c.all.length) parts.push(`all of ${c.all.map(labelRef).join(", ")}`);
  if (c.any.length) parts.push(`any of ${c.any.map(labelRef).join(", ")}`);
  if (c.none.length) parts.push(`none of ${c.none.map(labelRef).join(", ")}`);
  const ok = c.all.every(has) && (c.any.length === 0 || c.any.some(has)) && !c.none.some(has);
  return result(`labels: ${parts.join("; ")}`, present.length ? present.map(labelRef).join(", ") : "no labels", ok);
}

function position(c: Extract<TriageCondition, { kind: "position" }>, s: ResourceSnapshot, ctx: RuleContext): ConditionResult {
  const t = ctx.policy.taxonomy;
  const words = [c.before ? `before ${labelRef(c.before)}` : "", c.after ? `after ${labelRef(c.after)}` : ""].filter(Boolean).join(" and ");
  const text = `its ${c.scope}:: label comes ${words}`;
  const mine = canonicalLabels(s, ctx).filter((l) => t.orderOf(l) !== undefined && t.setOf(l)?.key === c.scope);
  if (mine.length !== 1) return result(text, mine.length === 0 ? `no ${c.scope}:: label` : `several ${c.scope}:: labels`, false);
  const at = t.orderOf(mine[0]!)!;
  const ok = (c.before === undefined || at < t.orderOf(c.before)!) && (c.after === undefined || at > t.orderOf(c.after)!);
  return result(text, labelRef(mine[0]!), ok);
}

function milestone(c: Extract<TriageCondition, { kind: "milestone" }>, s: ResourceSnapshot): ConditionResult {
  const m = s.milestone;
  const value = m ? `"${m.title}" (${m.timing})` : "no milestone";
  if (typeof c.is === "object") {
    return result(`milestone title matches ${c.is.title.source}`, value, m !== null && regex(c.is.title).test(m.title));
  }
  const ok = c.is === "none" ? m === null : c.is === "any" ? m !== null : m !== null && m.timing === c.is;
  return result(c.is === "none" ? "no milestone" : c.is === "any" ? "has a milestone" : `the milestone is ${c.is}`, value, ok);
}

function assignee(c: Extract<TriageCondition, { kind: "assignee" }>, s: ResourceSnapshot, ctx: RuleContext): ConditionResult {
  const value = s.assignees.length ? s.assignees.map((a) => a.username).join(", ") : "nobody assigned";
  if (c.is === "none") return result("nobody is assigned", value, s.assignees.length === 0);
  if (c.is === "any") return result("someone is assigned", value, s.assignees.length > 0);
  const group = c.is.group;
  return result(`assigned to someone in "${group}"`, value, s.assignees.some((a) => inGroup(ctx.policy, group, a.username)));
}

function dueDate(c: Extract<TriageCondition, { kind: "due_date" }>, s: ResourceSnapshot, ctx: RuleContext): ConditionResult {
  const value = s.dueDate ?? "no due date";
  const today = ctx.calendar.today(ctx.now);
  if (c.is === "none") return result("no due date", value, s.dueDate === null);
  if (c.is === "any") return result("has a due date", value, s.dueDate !== null);
  if (c.is === "overdue") return result(`overdue (due before ${today})`, value, s.dueDate !== null && s.dueDate < today);
  const within = c.is.within;
  const limit =
    within.unit === "days"
      ? ctx.calendar.today(new Date(ctx.now.getTime() + within.amount * DAY))
      : ctx.calendar.today(ctx.calendar.addBusinessDays(ctx.now, within.amount));
  return result(`due within ${describeDuration(within)} (by ${limit})`, value, s.dueDate !== null && s.dueDate >= today && s.dueDate <= limit);
}

function text(c: Extract<TriageCondition, { kind: "text" }>, s: ResourceSnapshot): ConditionResult {
  const subject = c.field === "title" ? s.title : s.description;
  const parts = [c.matches ? `matches ${c.matches.source}` : "", c.lacks ? `lacks ${c.lacks.source}` : ""].filter(Boolean);
  const ok = (c.matches === undefined || regex(c.matches).test(subject)) && (c.lacks === undefined || !regex(c.lacks).test(subject));
  const shown = subject.length > 60 ? `${subject.slice(0, 57).replace(/\s+/g, " ")}...` : subject.replace(/\s+/g, " ");
  return result(`the ${c.field} ${parts.join(" and ")}`, shown === "" ? `empty ${c.field}` : `"${shown}"`, ok);
}

export function evaluateCondition(c: TriageCondition, s: ResourceSnapshot, ctx: RuleContext): ConditionResult {
  switch (c.kind) {
    case "state":
      return result(`state is ${c.state}`, s.state, s.state === c.state);
    case "labels":
      return labels(c, s, ctx);
    case "position":
      return position(c, s, ctx);
    case "milestone":
      return milestone(c, s);
    case "assignee":
      return assignee(c, s, ctx);
    case "author":
      return result(`the author is in "${c.group}"`, s.author.username, inGroup(ctx.policy, c.group, s.author.username));
    case "age":
      return age(c, s, ctx);
    case "label_age":
      return labelAge(c, s, ctx);
    case "due_date":
      return dueDate(c, s, ctx);
    case "confidential":
      return result(c.value ? "confidential" : "not confidential", s.confidential ? "confidential" : "public", s.confidential === c.value);
    case "text":
      return text(c, s);
    case "draft":
      return result(c.value ? "a draft" : "not a draft", s.kind !== "merge_request" ? "not a merge request" : s.draft ? "draft" : "ready", s.kind === "merge_request" && (s.draft ?? false) === c.value);
    case "any": {
      const blocks = c.blocks.map((b) => evaluateBlock(b, s, ctx));
      const children = blocks.map((b, i) => ({ text: `option ${i + 1}`, value: "", result: b.result, needs: b.needs, children: b.results }));
      const r = anyOf(blocks.map((b) => b.result));
      return { text: "any of these holds", value: "", result: r, needs: r === "unknown" ? mergeNeeds(blocks.map((b) => b.needs)) : NONE, children };
    }
    case "not": {
      const b = evaluateBlock(c.block, s, ctx);
      return { text: "not all of these hold", value: "", result: negate(b.result), needs: b.needs, children: b.results, negated: true };
    }
  }
}

/** The facts of the conditions that hold (inside `any` too; not inside `not`), and the history they still need. */
export function factsOf(results: ConditionResult[]): { facts: string[]; needs: SnapshotNeeds } {
  const facts: string[] = [];
  const needs: SnapshotNeeds[] = [];
  const walk = (list: ConditionResult[]) => {
    for (const r of list) {
      if (r.result !== true || r.negated) continue;
      if (r.children) walk(r.children);
      if (r.fact !== undefined) facts.push(r.fact);
      if (r.factNeeds !== undefined) needs.push(r.factNeeds);
    }
  };
  walk(results);
  return { facts: [...new Set(facts)], needs: mergeNeeds(needs) };
}

export interface BlockResult {
  result: Truth;
  results: ConditionResult[];
  /** History needed to decide the block (empty when it is decided). */
  needs: SnapshotNeeds;
}

/** All conditions of a block; history is asked for only when it could change the outcome. */
export function evaluateBlock(block: TriageCondition[], s: ResourceSnapshot, ctx: RuleContext): BlockResult {
  const results = block.map((c) => evaluateCondition(c, s, ctx));
  const r = allOf(results.map((x) => x.result));
  return { result: r, results, needs: r === "unknown" ? mergeNeeds(results.filter((x) => x.result === "unknown").map((x) => x.needs)) : NONE };
}
