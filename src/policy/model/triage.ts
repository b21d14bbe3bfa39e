/**
 * The compiled form of policies/triage/*.yml: conditions as a tree the evaluator walks in file
 * order, and the actions of each rule. Kept apart from the compiler so the model imports no
 * compile step.
 */
import type { ResourceKind } from "../../domain/snapshot.js";

export interface Duration {
  amount: number;
  unit: "days" | "business_days";
}

export interface AgeBound {
  olderThan?: Duration;
  newerThan?: Duration;
}

export interface TextPattern {
  /** As written in the policy, for messages. */
  source: string;
  pattern: string;
  flags: string;
}

export type TriageCondition =
  | { kind: "state"; state: "opened" | "closed" | "merged" }
  | { kind: "labels"; all: string[]; any: string[]; none: string[] }
  | { kind: "position"; scope: string; before?: string; after?: string }
  | { kind: "milestone"; is: "none" | "any" | "current" | "past" | "future" | { title: TextPattern } }
  | { kind: "assignee"; is: "none" | "any" | { group: string } }
  | { kind: "author"; group: string }
  | { kind: "age"; field: "created" | "updated" | "updated_at" | "closed" | "merged"; bound: AgeBound }
  | { kind: "label_age"; label: string; bound: AgeBound }
  | { kind: "due_date"; is: "none" | "any" | "overdue" | { within: Duration } }
  | { kind: "confidential"; value: boolean }
  | { kind: "text"; field: "title" | "description"; matches?: TextPattern; lacks?: TextPattern }
  | { kind: "draft"; value: boolean }
  /** At least one block holds; a block holds when all its conditions do. */
  | { kind: "any"; blocks: TriageCondition[][] }
  | { kind: "not"; block: TriageCondition[] };

export type SummaryGroupBy = "assignee" | "author" | "milestone" | "project" | { label: string } | null;

export interface SummaryDef {
  title: string;
  /** Template name in policies/templates/. */
  template: string;
  groupBy: SummaryGroupBy;
  /** The summary issue: the list itself, and the memory of what was posted to Slack. */
  issue: { projectRole: string; labels: string[] };
  /** Also post the list to this Slack channel (notifications.yml) when the issue is created or its list changes. */
  slack: { channel: string } | null;
}

export type TriageActionDef =
  | { kind: "add_labels"; labels: string[] }
  /** Full labels, or `Key::*` for every label of a scoped set. */
  | { kind: "remove_labels"; labels: string[] }
  | { kind: "note"; template: string; to: "author" | "assignees" | { group: string } | null }
  | { kind: "close" }
  | { kind: "reopen" }
  | { kind: "milestone"; which: "current" | "next" | "none" }
  | { kind: "assign"; group: string }
  | { kind: "assign"; user: string }
  | { kind: "due_date"; in: Duration | null }
  | { kind: "confidential" }
  | { kind: "summarize"; summary: SummaryDef };

export interface TriageRuleDef {
  id: string;
  description: string;
  /** The policy file it came from (for `rules list` and messages). */
  file: string;
  appliesTo: ResourceKind[];
  where: { projectRoles: string[] };
  when: TriageCondition[];
  then: TriageActionDef[];
  limit: number | null;
}
