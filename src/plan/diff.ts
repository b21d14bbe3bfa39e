/**
 * The difference between what the bot would do under two policy sets, rule by rule. Pure: it
 * takes the run reports of both evaluations (made on the same reads at the same moment) and says,
 * for each rule, which resources would now be treated differently and how.
 */
import type { ReportedAction } from "../domain/actions.js";
import { neutraliseInline } from "../domain/text.js";
import { describeAction } from "../engine/describeAction.js";
import type { ReportResource, RunReport } from "../engine/report.js";
import { compareNumerically } from "../domain/order.js";

/** What one policy set did in the evaluation: the rules it defines and the jobs' reports. */
export interface EvaluatedSide {
  rules: string[];
  reports: RunReport[];
}

export interface ResourceChange {
  ref: string;
  url: string;
  title: string;
  /** What the new policies would do here that the old ones would not. */
  added: string[];
  /** What the old policies would do here that the new ones would not. */
  removed: string[];
}

export interface RuleChange {
  rule: string;
  /** `added`/`removed`: the rule exists only in the new/old policies. */
  status: "changed" | "added" | "removed";
  /** Resources the rule would act on under the old and the new policies. */
  before: number;
  after: number;
  resources: ResourceChange[];
}

export interface PlanDiff {
  /** Rules whose effect differs, most resources first. */
  changed: RuleChange[];
  /** Rules in both policy sets with the same effect, and how many resources they act on. */
  unchanged: { rule: string; resources: number }[];
  errors: { side: "before" | "after"; job: string; ref: string; message: string }[];
  /** Issues and merge requests read (the larger count of any one job). */
  read: { issues: number; mergeRequests: number };
}

interface Entry {
  key: string;
  text: string;
  /** Comments: their marker (what is being said) and the start of their text. */
  marker?: string;
  excerpt?: string;
}

const byRef = compareNumerically;

/** Stable JSON of an action without who proposed it and why: two actions doing the same are equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    return `[${(value.every((v) => typeof v === "string") ? items.sort() : items).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== "rule" && k !== "reason" && v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function excerpt(body: string, max = 90): string {
  const text = neutraliseInline(body.replace(/<!--[\s\S]*?-->/g, " ")).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function entryOf(a: ReportedAction): Entry {
  if (a.type === "comment") {
    const start = excerpt(a.body);
    return { key: canonical(a), text: `note: "${start}"`, marker: a.marker, excerpt: start };
  }
  return { key: canonical(a), text: describeAction(a) };
}

interface ResourceInfo {
  url: string;
  title: string;
}

/** rule -> ref -> action key -> entry */
type Effects = Map<string, Map<string, Map<string, Entry>>>;

function effectsOf(side: EvaluatedSide, info: Map<string, ResourceInfo>): Effects {
  const effects: Effects = new Map();
  const add = (rule: string, r: ReportResource, e: Entry) => {
    info.set(r.ref, { url: r.url, title: r.title });
    const perRule = effects.get(rule) ?? new Map<string, Map<string, Entry>>();
    effects.set(rule, perRule);
    const perRef = perRule.get(r.ref) ?? new Map<string, Entry>();
    perRule.set(r.ref, perRef);
    perRef.set(e.key, e);
  };
  for (const report of side.reports) {
    for (const r of report.resources) {
      for (const a of r.actions) add(a.rule, r, entryOf(a));
      for (const c of r.conflicts) {
        for (const rule of c.rules) add(rule, r, { key: `conflict:${c.subject}`, text: `conflict on ${c.subject}: nothing is done` });
      }
    }
  }
  return effects;
}

/** A note whose marker is on both sides but whose text differs is one change, not a removal and an addition. */
function pairNotes(added: Entry[], removed: Entry[]): { added: string[]; removed: string[] } {
  const removedMarkers = new Set(removed.flatMap((e) => (e.marker ? [e.marker] : [])));
  const changedMarkers = new Set(added.flatMap((e) => (e.marker && removedMarkers.has(e.marker) ? [e.marker] : [])));
  return {
    added: added.map((e) => (e.marker && changedMarkers.has(e.marker) ? `note with new text: "${e.excerpt ?? ""}"` : e.text)),
    removed: removed.filter((e) => !(e.marker && changedMarkers.has(e.marker))).map((e) => e.text),
  };
}

function compareRule(before: Map<string, Map<string, Entry>>, after: Map<string, Map<string, Entry>>, info: Map<string, ResourceInfo>): ResourceChange[] {
  const refs = [...new Set([...before.keys(), ...after.keys()])].sort(byRef);
  const changes: ResourceChange[] = [];
  for (const ref of refs) {
    const b = before.get(ref) ?? new Map<string, Entry>();
    const a = after.get(ref) ?? new Map<string, Entry>();
    const added = [...a.values()].filter((e) => !b.has(e.key));
    const removed = [...b.values()].filter((e) => !a.has(e.key));
    if (added.length === 0 && removed.length === 0) continue;
    const { url, title } = info.get(ref)!;
    changes.push({ ref, url, title, ...pairNotes(added, removed) });
  }
  return changes;
}

export function diffEvaluations(before: EvaluatedSide, after: EvaluatedSide): PlanDiff {
  const info = new Map<string, ResourceInfo>();
  const was = effectsOf(before, info);
  const now = effectsOf(after, info);
  const beforeRules = new Set([...before.rules, ...was.keys()]);
  const afterRules = new Set([...after.rules, ...now.keys()]);
  const changed: RuleChange[] = [];
  const unchanged: PlanDiff["unchanged"] = [];
  for (const rule of [...new Set([...beforeRules, ...afterRules])].sort()) {
    const b = was.get(rule) ?? new Map<string, Map<string, Entry>>();
    const a = now.get(rule) ?? new Map<string, Map<string, Entry>>();
    const status = !beforeRules.has(rule) ? "added" : !afterRules.has(rule) ? "removed" : "changed";
    const resources = compareRule(b, a, info);
    if (status === "changed" && resources.length === 0) unchanged.push({ rule, resources: a.size });
    else changed.push({ rule, status, before: b.size, after: a.size, resources });
  }
  changed.sort((x, y) => y.resources.length - x.resources.length || x.rule.localeCompare(y.rule));
  const errors: PlanDiff["errors"] = [];
  for (const [side, evaluated] of [["before", before], ["after", after]] as const) {
    for (const report of evaluated.reports) for (const e of report.errors) errors.push({ side, job: report.job, ...e });
  }
  const all = [...before.reports, ...after.reports];
  const read = {
    issues: Math.max(0, ...all.map((r) => r.read.issues)),
    mergeRequests: Math.max(0, ...all.map((r) => r.read.mergeRequests)),
  };
  return { changed, unchanged, errors, read };
}

/** Whether the new policies change anything the bot would do. */
export function diffIsEmpty(diff: PlanDiff): boolean {
  return diff.changed.every((c) => c.resources.length === 0);
}
