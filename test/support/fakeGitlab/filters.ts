/**
 * The issue and merge request list filters and ordering GitLab's IssuableFinder applies: state,
 * labels (AND, `None`, `Any`), not[labels], milestone (title, `None`, `Any`, `Upcoming`,
 * `Started`), iids[], dates, confidential, people, search; order_by/sort. One pass per request.
 */
import { isDraftTitle } from "./mutations.js";
import { badRequest, bool, int, intList, list, oneOf, str, type Params } from "./params.js";
import type { Store } from "./store.js";
import type { IssuableKind, IssuableRecord, MilestoneRecord } from "./types.js";

export const ORDER_FIELDS = ["created_at", "updated_at", "due_date", "title", "merged_at", "closed_at"] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

export interface Ordering {
  field: OrderField;
  direction: "asc" | "desc";
  key: (record: IssuableRecord) => SortKey;
  /** Orders two sort keys as the list is ordered. */
  compare: (a: SortKey, b: SortKey) => number;
  /** The same order on records, without allocating keys (lists of 10,000 rows sort per request). */
  compareRecords: (a: IssuableRecord, b: IssuableRecord) => number;
}

function timestamp(params: Params, key: string): string | undefined {
  const value = str(params, key);
  if (value === undefined || value === "") return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw badRequest(`${key} is invalid`);
  return new Date(time).toISOString();
}

/** Milestone ids matching `milestone=`/`milestone_id=`, or a predicate word. */
function milestoneMatcher(store: Store, params: Params): ((record: IssuableRecord) => boolean) | undefined {
  const value = str(params, "milestone") ?? str(params, "milestone_id");
  if (value === undefined || value === "") return undefined;
  const word = value.toLowerCase();
  if (word === "none") return (r) => r.milestone_id === null;
  if (word === "any") return (r) => r.milestone_id !== null;
  const today = store.now().slice(0, 10);
  if (word === "started") {
    const started = (m: MilestoneRecord) =>
      m.state === "active" && m.start_date !== null && m.start_date <= today && (m.due_date === null || m.due_date >= today);
    return (r) => r.milestone_id !== null && started(store.milestones.get(r.milestone_id)!);
  }
  if (word === "upcoming") {
    const future = [...store.milestones.values()].filter((m) => m.state === "active" && m.due_date !== null && m.due_date > today);
    const nearest = future.reduce<string | undefined>((min, m) => (min === undefined || m.due_date! < min ? m.due_date! : min), undefined);
    const ids = new Set(future.filter((m) => m.due_date === nearest).map((m) => m.id));
    return (r) => r.milestone_id !== null && ids.has(r.milestone_id);
  }
  return (r) => r.milestone_id !== null && store.milestones.get(r.milestone_id)?.title === value;
}

export function filterIssuables(store: Store, kind: IssuableKind, records: IssuableRecord[], params: Params): IssuableRecord[] {
  const states = kind === "issue" ? (["opened", "closed", "all"] as const) : (["opened", "closed", "locked", "merged", "all"] as const);
  const state = oneOf(params, "state", states) ?? "all";
  const labels = list(params, "labels");
  const notParams = (typeof params.not === "object" && params.not !== null ? params.not : {}) as Params;
  const notLabels = list(notParams, "labels");
  const iids = intList(params, "iids");
  const confidential = bool(params, "confidential");
  const updatedAfter = timestamp(params, "updated_after");
  const updatedBefore = timestamp(params, "updated_before");
  const createdAfter = timestamp(params, "created_after");
  const createdBefore = timestamp(params, "created_before");
  const milestone = milestoneMatcher(store, params);
  const authorId = int(params, "author_id") ?? store.usersByName.get(str(params, "author_username") ?? "")?.id;
  const assigneeName = str(params, "assignee_username");
  const assigneeId = int(params, "assignee_id") ?? (assigneeName ? (store.usersByName.get(assigneeName)?.id ?? -1) : undefined);
  const search = str(params, "search")?.toLowerCase();
  const draft = oneOf(params, "draft", ["yes", "no"]) ?? oneOf(params, "wip", ["yes", "no"]);
  const sourceBranch = str(params, "source_branch");
  const targetBranch = str(params, "target_branch");

  const labelWord = labels?.length === 1 ? labels[0]!.toLowerCase() : undefined;
  const wanted = labelWord === "none" || labelWord === "any" ? [] : (labels ?? []);
  const iidSet = iids ? new Set(iids) : undefined;
  // Names -> label ids once per request, so each row is checked without building name sets.
  const idsNamed = (names: string[]): Set<number> => {
    const wantedNames = new Set(names);
    return new Set([...store.labels.values()].filter((l) => wantedNames.has(l.name)).map((l) => l.id));
  };
  const wantedIds = wanted.map((name) => idsNamed([name]));
  const notIds = notLabels ? idsNamed(notLabels) : undefined;

  return records.filter((r) => {
    if (state !== "all" && r.state !== state) return false;
    if (iidSet && !iidSet.has(r.iid)) return false;
    if (confidential !== undefined && r.confidential !== confidential) return false;
    if (updatedAfter && r.updated_at < updatedAfter) return false;
    if (updatedBefore && r.updated_at > updatedBefore) return false;
    if (createdAfter && r.created_at < createdAfter) return false;
    if (createdBefore && r.created_at > createdBefore) return false;
    if (milestone && !milestone(r)) return false;
    if (authorId !== undefined && r.author_id !== authorId) return false;
    if (assigneeId !== undefined && !r.assignee_ids.includes(assigneeId)) return false;
    if (sourceBranch !== undefined && r.source_branch !== sourceBranch) return false;
    if (targetBranch !== undefined && r.target_branch !== targetBranch) return false;
    if (draft !== undefined && isDraftTitle(r.title) !== (draft === "yes")) return false;
    if (search && !`${r.title}\n${r.description ?? ""}`.toLowerCase().includes(search)) return false;
    if (labelWord === "none" && r.label_ids.length > 0) return false;
    if (labelWord === "any" && r.label_ids.length === 0) return false;
    for (const ids of wantedIds) if (!r.label_ids.some((id) => ids.has(id))) return false;
    if (notIds && r.label_ids.some((id) => notIds.has(id))) return false;
    return true;
  });
}

export type SortKey = [string | number | null, number];

export function ordering(params: Params): Ordering {
  const field = oneOf(params, "order_by", ORDER_FIELDS) ?? "created_at";
  const direction = oneOf(params, "sort", ["asc", "desc"] as const) ?? "desc";
  const sign = direction === "asc" ? 1 : -1;
  // Rows without a value (no due date) come last in both directions, as in GitLab.
  const compareValues = (va: SortKey[0], ia: number, vb: SortKey[0], ib: number): number => {
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      return sign * (va < vb ? -1 : 1);
    }
    return sign * (ia - ib);
  };
  return {
    field,
    direction,
    key: (r) => [r[field], r.id],
    compare: ([va, ia], [vb, ib]) => compareValues(va, ia, vb, ib),
    compareRecords: (a, b) => compareValues(a[field], a.id, b[field], b.id),
  };
}

export function sortIssuables(records: IssuableRecord[], order: Ordering): IssuableRecord[] {
  return records.sort(order.compareRecords);
}
