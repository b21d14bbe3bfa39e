/**
 * The fake GitLab's stored records and its options. Records hold ids, never copies of other
 * records (an issue holds label ids, not label names), so renaming a label or a milestone shows
 * everywhere at once, as in GitLab. Responses are rendered from these records by present.ts.
 */

export type IssuableKind = "issue" | "merge_request";
export type IssuableState = "opened" | "closed" | "merged" | "locked";
export type OwnerKind = "group" | "project";

export interface UserRecord {
  id: number;
  username: string;
  name: string;
  email: string;
  /** The token that authenticates as this user, when it may call the API. */
  token?: string;
  bot: boolean;
  created_at: string;
}

export interface GroupRecord {
  id: number;
  name: string;
  path: string;
  full_path: string;
  parent_id: number | null;
  description: string;
  created_at: string;
}

export interface ProjectRecord {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  namespace_id: number;
  description: string;
  default_branch: string;
  created_at: string;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
  owner: OwnerKind;
  /** Group id or project id, after `owner`. */
  owner_id: number;
  created_at: string;
  updated_at: string;
}

export interface MilestoneRecord {
  id: number;
  iid: number;
  owner: OwnerKind;
  owner_id: number;
  title: string;
  description: string;
  state: "active" | "closed";
  start_date: string | null;
  due_date: string | null;
  created_at: string;
  updated_at: string;
}

export interface IssuableRecord {
  kind: IssuableKind;
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string | null;
  state: IssuableState;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by_id: number | null;
  author_id: number;
  updated_by_id: number | null;
  last_edited_at: string | null;
  last_edited_by_id: number | null;
  label_ids: number[];
  milestone_id: number | null;
  assignee_ids: number[];
  due_date: string | null;
  confidential: boolean;
  discussion_locked: boolean | null;
  // Merge requests only (ignored for issues).
  source_branch: string;
  target_branch: string;
  reviewer_ids: number[];
  merged_at: string | null;
  merged_by_id: number | null;
  sha: string;
}

export interface NoteRecord {
  id: number;
  project_id: number;
  kind: IssuableKind;
  /** Global id of the issue or merge request. */
  noteable_id: number;
  noteable_iid: number;
  body: string;
  author_id: number;
  system: boolean;
  internal: boolean;
  created_at: string;
  updated_at: string;
}

export interface LabelEventRecord {
  id: number;
  kind: IssuableKind;
  resource_id: number;
  user_id: number | null;
  label_id: number;
  action: "add" | "remove";
  created_at: string;
}

export interface BranchRecord {
  project_id: number;
  name: string;
  sha: string;
  created_at: string;
}

/** A label name that GitLab created on the fly because an update named a label that did not exist. */
export interface CreatedLabel {
  name: string;
  project: string;
  by: string;
  at: string;
  /** Which request or action created it (`PUT /projects/:id/issues/:iid`, `quick action /label`, ...). */
  via: string;
}

export interface QuickActionRecord {
  command: string;
  args: string;
  /** `note` or `description`. */
  source: "note" | "description";
  resource: string;
  by: string;
  at: string;
}

export interface RequestRecord {
  method: string;
  /** `GET /projects/:id/issues`; `GET <unmatched>` for unknown paths. */
  route: string;
  path: string;
  status: number;
  /** The user the token authenticated as, when it did. */
  user?: string;
}

export interface WebhookDelivery {
  event: string;
  /** `open`, `update`, `close`, `reopen`, `create`, ... */
  action: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** HTTP status the receiver answered, or undefined when the request failed. */
  status?: number;
  error?: string;
  ok: boolean;
}

export interface Faults {
  /** Probability (0..1) that a request is answered 429 with Retry-After. */
  rate429?: number;
  /** Probability (0..1) that a request is answered 502 by the "proxy". */
  rate502?: number;
  /** Retry-After on injected 429s; default 1. */
  retryAfterSeconds?: number;
  /** Statuses for the next requests, consumed one per request, before the rates apply. */
  next?: Array<429 | 502 | 500>;
  /**
   * Probability (0..1) that a POST is carried out and its answer then lost: the "proxy" answers 504
   * although GitLab made the write (a gateway timeout on a slow create does exactly that).
   */
  rateLostPost?: number;
  /** Answers lost after the next POSTs are carried out, one per POST, before `rateLostPost` applies. */
  nextLostPosts?: number;
}

export interface RateLimitOptions {
  /** Requests per minute per user, reported in RateLimit-* headers. */
  perMinute: number;
  /** When true, requests past the limit are answered 429 with Retry-After (GitLab.com behaviour). */
  enforce?: boolean;
  /**
   * The clock the one-minute windows are counted on; default the fake's `now`. Lets a test keep
   * the data's timestamps fixed while the limit's windows pass, or run them faster than real time.
   */
  clock?: () => Date;
}

export interface FakeGitlabOptions {
  /** Required token of the bot user (PRIVATE-TOKEN or Authorization: Bearer). */
  token: string;
  /** The bot user the token authenticates as; default `mops-bot`. */
  botUsername?: string;
  latencyMs?: number;
  perPageMax?: number;
  /** Number = requests per minute reported, not enforced. Default 2000, not enforced. */
  rateLimit?: number | RateLimitOptions;
  webhookUrl?: string;
  webhookToken?: string;
  /** Premium/Ultimate behaviour: adding `scope::value` removes the other labels of that scope. */
  scopedLabelsExclusive?: boolean;
  /** Clock for every timestamp the fake writes; default the real time. */
  now?: () => Date;
  /** Random source for fault rates; default Math.random. */
  random?: () => number;
  /** `User-Agent` version on webhooks; default 18.6.0. */
  gitlabVersion?: string;
}
