/**
 * triage/*.yml -> TriageRuleDef. Conditions become a tree the evaluator walks in file order (so
 * `rules explain` prints them as written); patterns are checked; scoped positions are resolved to
 * full labels; actions that contradict each other within one rule are problems.
 */
import type { Taxonomy } from "../../domain/labels.js";
import { resourceKinds } from "./appliesTo.js";
import type { ActionsFile, ConditionsFile, DurationFile, TriageFile, TriageRuleFile } from "../schemas/triage.js";
import type { DataPath, PolicySource, ProblemSink } from "../source.js";
import { didYouMean } from "../suggest.js";
import { parsePattern } from "./workflow.js";
import { tryPolicyRegex } from "../regex.js";
import type { AgeBound, Duration, TextPattern, TriageActionDef, TriageCondition, TriageRuleDef } from "../model/triage.js";

/** The model lives in ../model/triage.ts (so model.ts imports no compiler); re-exported for the triage code that reads it from here. */
export type { AgeBound, Duration, SummaryDef, SummaryGroupBy, TextPattern, TriageActionDef, TriageCondition, TriageRuleDef } from "../model/triage.js";

export const DEFAULT_SUMMARY_TEMPLATE = "triage-summary";

const duration = (d: DurationFile): Duration => ("days" in d ? { amount: d.days, unit: "days" } : { amount: d.business_days, unit: "business_days" });

function bound(b: { older_than?: DurationFile; newer_than?: DurationFile }): AgeBound {
  return { ...(b.older_than ? { olderThan: duration(b.older_than) } : {}), ...(b.newer_than ? { newerThan: duration(b.newer_than) } : {}) };
}

interface Compiler {
  source: PolicySource;
  taxonomy: Taxonomy;
  sink: ProblemSink;
}

function textPattern(c: Compiler, text: string, path: DataPath): TextPattern {
  const { pattern, flags } = parsePattern(text);
  const compiled = tryPolicyRegex(pattern, flags);
  if (!compiled.ok) c.sink.at(c.source, path, compiled.why.startsWith("unsupported regular expression flags") ? compiled.why : `invalid regular expression ${text}: ${compiled.why}`);
  return { source: text, pattern, flags };
}

function ageProblem(c: Compiler, b: { older_than?: unknown; newer_than?: unknown }, path: DataPath): void {
  if (b.older_than === undefined && b.newer_than === undefined) c.sink.at(c.source, path, "give older_than or newer_than (or both), e.g. older_than: { days: 30 }");
}

function positionValue(c: Compiler, scope: string, value: string, path: DataPath): string | undefined {
  const label = c.taxonomy.labelFor(scope, value);
  if (label !== undefined) return label;
  const set = c.taxonomy.set(scope);
  const values = (set?.labels ?? []).map((l) => l.slice(scope.length + 2));
  c.sink.at(c.source, path, `'${value}' is not a value of the ${scope} set in labels.yml${didYouMean(value, values) || ` — values: ${values.join(", ")}`}`);
  return undefined;
}

function compileConditions(c: Compiler, w: ConditionsFile, path: DataPath): TriageCondition[] {
  const out: TriageCondition[] = [];
  // Object.entries keeps the order the conditions are written in, which `rules explain` shows.
  for (const key of Object.keys(w) as (keyof ConditionsFile)[]) {
    const at = [...path, key];
    switch (key) {
      case "state":
        out.push({ kind: "state", state: w.state! });
        break;
      case "labels": {
        const l = w.labels!;
        if (!l.all && !l.any && !l.none) c.sink.at(c.source, at, "give all, any or none, e.g. none: [\"MktgOpsPriority::*\"]");
        out.push({ kind: "labels", all: l.all ?? [], any: l.any ?? [], none: l.none ?? [] });
        break;
      }
      case "position": {
        const p = w.position!;
        const set = c.taxonomy.set(p.scope);
        if (!set) {
          const keys = c.taxonomy.scopedSets.map((s) => s.key);
          c.sink.at(c.source, [...at, "scope"], `scope '${p.scope}' is not a scoped set in labels.yml${didYouMean(p.scope, keys) || ` — sets: ${keys.join(", ")}`}`);
          break;
        }
        if (!set.ordered) c.sink.at(c.source, [...at, "scope"], `scope '${p.scope}' is not ordered in labels.yml, so its values have no before or after`);
        if (p.before === undefined && p.after === undefined) c.sink.at(c.source, at, 'give before or after, e.g. before: "04: In Progress"');
        const before = p.before === undefined ? undefined : positionValue(c, p.scope, p.before, [...at, "before"]);
        const after = p.after === undefined ? undefined : positionValue(c, p.scope, p.after, [...at, "after"]);
        out.push({ kind: "position", scope: p.scope, ...(before ? { before } : {}), ...(after ? { after } : {}) });
        break;
      }
      case "milestone": {
        const m = w.milestone!;
        out.push({ kind: "milestone", is: typeof m === "string" ? m : { title: textPattern(c, m.title, [...at, "title"]) } });
        break;
      }
      case "assignee":
        out.push({ kind: "assignee", is: w.assignee! });
        break;
      case "author":
        out.push({ kind: "author", group: w.author!.group });
        break;
      case "created":
      case "updated":
      case "updated_at":
      case "closed":
      case "merged":
        ageProblem(c, w[key]!, at);
        out.push({ kind: "age", field: key, bound: bound(w[key]!) });
        break;
      case "label_age":
        ageProblem(c, w.label_age!, at);
        out.push({ kind: "label_age", label: w.label_age!.label, bound: bound(w.label_age!) });
        break;
      case "due_date": {
        const d = w.due_date!;
        out.push({ kind: "due_date", is: typeof d === "string" ? d : { within: duration(d.within) } });
        break;
      }
      case "confidential":
        out.push({ kind: "confidential", value: w.confidential! });
        break;
      case "title":
      case "description": {
        const t = w[key]!;
        if (t.matches === undefined && t.lacks === undefined) c.sink.at(c.source, at, 'give matches or lacks, e.g. lacks: "/so that/i"');
        out.push({
          kind: "text",
          field: key,
          ...(t.matches !== undefined ? { matches: textPattern(c, t.matches, [...at, "matches"]) } : {}),
          ...(t.lacks !== undefined ? { lacks: textPattern(c, t.lacks, [...at, "lacks"]) } : {}),
        });
        break;
      }
      case "draft":
        out.push({ kind: "draft", value: w.draft! });
        break;
      case "any":
        out.push({ kind: "any", blocks: w.any!.map((b, i) => compileConditions(c, b, [...at, i])) });
        break;
      case "not":
        out.push({ kind: "not", block: compileConditions(c, w.not!, at) });
        break;
    }
  }
  return out;
}

/** Full labels a `Key::*` or plain label list names, for conflict checks. */
function expand(taxonomy: Taxonomy, labels: string[]): Set<string> {
  const all = taxonomy.definitions.map((d) => d.name);
  return new Set(labels.flatMap((l) => (l === "*" ? all : l.endsWith("::*") ? (taxonomy.set(l.slice(0, -3))?.labels ?? []) : [l])));
}

function compileActions(c: Compiler, t: ActionsFile, rule: TriageRuleFile, base: DataPath): TriageActionDef[] {
  const out: TriageActionDef[] = [];
  const at = (...p: (string | number)[]) => [...base, "then", ...p];
  if (Object.keys(t).length === 0) c.sink.at(c.source, at(), "give at least one action, e.g. add_labels: [...] or note: { template: ... }");
  if (t.add_labels && t.remove_labels) {
    const removed = expand(c.taxonomy, t.remove_labels);
    for (const [i, l] of t.add_labels.entries()) {
      if (removed.has(l)) c.sink.at(c.source, at("add_labels", i), `the rule both adds and removes '${l}': keep one of the two`);
    }
  }
  if (t.close && t.reopen) c.sink.at(c.source, at("reopen"), "the rule both closes and reopens: keep one of the two");
  if (t.add_labels) {
    // One value per scope: adding two values of the same scoped set would leave only one.
    const byScope = new Map<string, string>();
    for (const [i, l] of t.add_labels.entries()) {
      const set = c.taxonomy.setOf(l);
      if (!set || set.exclusive === false) continue;
      const other = byScope.get(set.key);
      if (other) c.sink.at(c.source, at("add_labels", i), `'${l}' and '${other}' are values of the same scoped set ${set.key}: a resource keeps only one, so add one of them`);
      byScope.set(set.key, l);
    }
  }
  for (const key of Object.keys(t) as (keyof ActionsFile)[]) {
    switch (key) {
      case "add_labels":
        out.push({ kind: "add_labels", labels: t.add_labels! });
        break;
      case "remove_labels":
        out.push({ kind: "remove_labels", labels: t.remove_labels! });
        break;
      case "note":
        out.push({ kind: "note", template: t.note!.template, to: t.note!.to ?? null });
        break;
      case "close":
        out.push({ kind: "close" });
        break;
      case "reopen":
        out.push({ kind: "reopen" });
        break;
      case "milestone":
        out.push({ kind: "milestone", which: t.milestone! });
        break;
      case "assign": {
        const a = t.assign!;
        out.push("group" in a ? { kind: "assign", group: a.group } : { kind: "assign", user: a.user });
        break;
      }
      case "due_date":
        out.push({ kind: "due_date", in: t.due_date === "none" ? null : duration(t.due_date!) });
        break;
      case "confidential":
        out.push({ kind: "confidential" });
        break;
      case "summarize": {
        const s = t.summarize!;
        if (!s.issue) {
          c.sink.at(
            c.source,
            s.slack ? at("summarize", "slack") : at("summarize"),
            s.slack
              ? "a Slack summary also needs issue: { project_role: ... }: the summary issue records what was posted, so the same list is never posted twice"
              : "summarize needs issue: { project_role: ... } (the summary issue), and optionally slack: { channel: ... } to post the list there too",
          );
          break;
        }
        const issue = { projectRole: s.issue.project_role, labels: s.issue.labels ?? [] };
        const slack = s.slack ? { channel: s.slack.channel } : null;
        out.push({ kind: "summarize", summary: { title: s.title, template: s.template ?? DEFAULT_SUMMARY_TEMPLATE, groupBy: s.group_by ?? null, issue, slack } });
        break;
      }
    }
  }
  const kinds = new Set(rule.applies_to);
  if (kinds.has("merge_requests") && (t.due_date !== undefined || t.confidential !== undefined)) {
    c.sink.at(c.source, at(t.due_date !== undefined ? "due_date" : "confidential"), "merge requests have no due date or confidentiality in GitLab: apply this rule to issues only");
  }
  return out;
}

export function compileTriage(source: PolicySource, data: TriageFile, taxonomy: Taxonomy, sink: ProblemSink): TriageRuleDef[] {
  const c: Compiler = { source, taxonomy, sink };
  return data.rules.map((rule, i) => {
    const when = compileConditions(c, rule.when, ["rules", i, "when"]);
    const then = compileActions(c, rule.then, rule, ["rules", i]);
    if (rule.when.draft !== undefined && !rule.applies_to.includes("merge_requests")) {
      sink.at(source, ["rules", i, "when", "draft"], "draft is a merge request condition: add merge_requests to applies_to");
    }
    return {
      id: rule.id,
      description: rule.description,
      file: source.file,
      appliesTo: resourceKinds(rule.applies_to),
      where: { projectRoles: rule.where?.project_roles ?? [] },
      when,
      then,
      limit: rule.limit ?? null,
    };
  });
}
