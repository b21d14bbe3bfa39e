/**
 * The `X-Gitlab-Event` values mops-bot knows. Handled ones lead to a reconcile; the others are
 * acknowledged with 202 and ignored (answering 4xx would make GitLab count failures and disable
 * the hook). `slug` is the bounded label used in metrics.
 */
import type { InboxEventKind } from "../queue/types.js";

export interface EventKindInfo {
  slug: string;
  /** Set for the events that lead to a reconcile. */
  handledAs?: InboxEventKind;
  /** The `object_kind` values a payload of this event may carry. */
  objectKinds?: readonly string[];
}

const TABLE: Record<string, EventKindInfo> = {
  "Issue Hook": { slug: "issue", handledAs: "issue", objectKinds: ["issue", "work_item"] },
  "Confidential Issue Hook": { slug: "confidential_issue", handledAs: "issue", objectKinds: ["issue", "work_item"] },
  "Merge Request Hook": { slug: "merge_request", handledAs: "merge_request", objectKinds: ["merge_request"] },
  "Note Hook": { slug: "note", handledAs: "note", objectKinds: ["note"] },
  "Confidential Note Hook": { slug: "confidential_note", handledAs: "note", objectKinds: ["note"] },
  "Milestone Hook": { slug: "milestone", handledAs: "milestone", objectKinds: ["milestone"] },
  "Push Hook": { slug: "push" },
  "Tag Push Hook": { slug: "tag_push" },
  "Pipeline Hook": { slug: "pipeline" },
  "Job Hook": { slug: "job" },
  "Build Hook": { slug: "job" },
  "Emoji Hook": { slug: "emoji" },
  "Wiki Page Hook": { slug: "wiki_page" },
  "Deployment Hook": { slug: "deployment" },
  "Release Hook": { slug: "release" },
  "Feature Flag Hook": { slug: "feature_flag" },
  "Member Hook": { slug: "member" },
  "Subgroup Hook": { slug: "subgroup" },
  "Project Hook": { slug: "project" },
  "Resource Access Token Hook": { slug: "access_token" },
  "Vulnerability Hook": { slug: "vulnerability" },
  "System Hook": { slug: "system" },
};

const UNKNOWN: EventKindInfo = { slug: "unknown" };

export function eventKindInfo(header: string): EventKindInfo {
  return Object.hasOwn(TABLE, header) ? TABLE[header]! : UNKNOWN;
}

/** Every slug, so metrics can be initialised at zero and dashboards see all series. */
export function allEventSlugs(): string[] {
  return [...new Set([...Object.values(TABLE).map((i) => i.slug), UNKNOWN.slug])];
}
