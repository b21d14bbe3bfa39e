/**
 * From a verified webhook body to the resource it names. Only the fields the bot needs are
 * validated (extra fields are fine, and fields GitLab added over the years are optional), because
 * the payload is a hint that a resource changed, never its current state.
 */
import { z } from "zod";
import type { ResourceRef } from "../domain/snapshot.js";
import type { InboxEventKind } from "../queue/types.js";
import type { EventKindInfo } from "./events.js";

/** A positive whole number, also accepted as a digit string (some older payloads quote ids). */
const positiveInt = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+$/, "expected a positive whole number")
    .transform(Number)
    .pipe(z.number().int().positive()),
]);

const user = z
  .object({
    id: positiveInt.optional(),
    username: z.string().optional(),
  })
  .nullish();

const project = z.object({ path_with_namespace: z.string().min(1) });

/** `changes.<field>` as GitLab sends it; only the actor ids are read. */
const change = z.object({ current: z.unknown().optional() }).nullish();
const changes = z
  .object({
    updated_by_id: change,
    last_edited_by_id: change,
  })
  .nullish();

const objectKind = z.string().optional();

const issueHook = z.object({
  object_kind: objectKind,
  user,
  project: project.nullish(),
  object_attributes: z.object({ iid: positiveInt, action: z.string().optional() }),
  changes,
});

const mergeRequestHook = z.object({
  object_kind: objectKind,
  user,
  project: project.nullish(),
  object_attributes: z.object({
    iid: positiveInt,
    action: z.string().optional(),
    target: project.nullish(),
  }),
  changes,
});

const noteable = z.object({ iid: positiveInt }).nullish();
const noteHook = z.object({
  object_kind: objectKind,
  user,
  project: project.nullish(),
  object_attributes: z.object({
    noteable_type: z.string(),
    author_id: positiveInt.nullish(),
    action: z.string().optional(),
  }),
  issue: noteable,
  merge_request: noteable,
});

const groupInfo = z
  .object({ full_path: z.string().min(1).optional(), group_path: z.string().min(1).optional() })
  .nullish();
const milestoneHook = z.object({
  object_kind: objectKind,
  user,
  project: project.nullish(),
  group: groupInfo,
  action: z.string().optional(),
  object_attributes: z.object({
    id: positiveInt,
    group_id: positiveInt.nullish(),
    project_id: positiveInt.nullish(),
  }),
});

export type Classification =
  | { outcome: "handle"; kind: InboxEventKind; ref: ResourceRef; action: string | undefined }
  | { outcome: "ignore"; reasonCode: "event_kind" | "noteable" | "own_event" | "group_work_item"; reason: string }
  | { outcome: "invalid"; problems: string[] };

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(body)"}: ${i.message}`);
}

function invalid(...problems: string[]): Classification {
  return { outcome: "invalid", problems };
}

/**
 * An event is the bot's own when its `user` is the bot and no other actor shows up in what the
 * event changed. GitLab names one acting user per event; the `changes.updated_by_id` and
 * `changes.last_edited_by_id` entries (and a note's `author_id`) name who made this particular
 * change. If any of them is someone other than the bot, a person's edit is folded into the
 * event and it must be reconciled. Events without a user (milestone hooks) are never the bot's.
 * Skipping the bot's own events only saves work: a reconcile of a resource the bot just wrote
 * finds nothing to do, so a mistake here cannot cause a loop, only a redundant read.
 */
export function isBotsOwnEvent(
  actingUser: { id?: number; username?: string } | null | undefined,
  otherActorIds: readonly unknown[],
  botUsername: string,
): boolean {
  const u = actingUser;
  if (!botUsername || !u?.username || u.username.toLowerCase() !== botUsername.toLowerCase()) return false;
  return otherActorIds.every((a) => a === undefined || a === null || (u.id !== undefined && Number(a) === u.id));
}

/** Who made the change an issue or merge request event reports, besides its `user`. */
function changeActors(c: z.infer<typeof changes>): unknown[] {
  return [c?.updated_by_id?.current, c?.last_edited_by_id?.current];
}

const BOT_REASON = "caused by mops-bot's own user; nothing a person changed";

function projectPath(parsed: { project?: { path_with_namespace: string } | null }, fallback?: string): string | undefined {
  return parsed.project?.path_with_namespace ?? fallback;
}

export function classify(info: EventKindInfo, header: string, body: unknown, botUsername: string): Classification {
  if (!info.handledAs) {
    return {
      outcome: "ignore",
      reasonCode: "event_kind",
      reason: info.slug === "unknown" ? `unknown event kind "${header}"` : `${header} events are not used by mops-bot`,
    };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return invalid("(body): expected a JSON object");
  const kindField = (body as { object_kind?: unknown }).object_kind;
  if (kindField !== undefined && (typeof kindField !== "string" || !info.objectKinds?.includes(kindField))) {
    return invalid(`object_kind: ${JSON.stringify(kindField)} does not belong to a "${header}" event (expected ${info.objectKinds?.join(" or ")})`);
  }

  switch (info.handledAs) {
    case "issue": {
      const r = issueHook.safeParse(body);
      if (!r.success) return invalid(...problemsOf(r.error));
      const path = projectPath(r.data);
      if (!path) {
        if (r.data.object_kind === "work_item") {
          return { outcome: "ignore", reasonCode: "group_work_item", reason: "group-level work items (epics) are not handled" };
        }
        return invalid("project.path_with_namespace: required to know which project the issue is in");
      }
      if (isBotsOwnEvent(r.data.user, changeActors(r.data.changes), botUsername)) return { outcome: "ignore", reasonCode: "own_event", reason: BOT_REASON };
      return { outcome: "handle", kind: "issue", ref: { kind: "issue", path, iid: r.data.object_attributes.iid }, action: r.data.object_attributes.action };
    }
    case "merge_request": {
      const r = mergeRequestHook.safeParse(body);
      if (!r.success) return invalid(...problemsOf(r.error));
      // The merge request (and its iid) belongs to the target project, which is the hook's project.
      const path = projectPath(r.data, r.data.object_attributes.target?.path_with_namespace);
      if (!path) return invalid("project.path_with_namespace: required to know which project the merge request is in");
      if (isBotsOwnEvent(r.data.user, changeActors(r.data.changes), botUsername)) return { outcome: "ignore", reasonCode: "own_event", reason: BOT_REASON };
      return {
        outcome: "handle",
        kind: "merge_request",
        ref: { kind: "merge_request", path, iid: r.data.object_attributes.iid },
        action: r.data.object_attributes.action,
      };
    }
    case "note": {
      const r = noteHook.safeParse(body);
      if (!r.success) return invalid(...problemsOf(r.error));
      const type = r.data.object_attributes.noteable_type;
      const target =
        type === "Issue"
          ? { kind: "issue" as const, noteable: r.data.issue, field: "issue" }
          : type === "MergeRequest"
            ? { kind: "merge_request" as const, noteable: r.data.merge_request, field: "merge_request" }
            : undefined;
      if (!target) return { outcome: "ignore", reasonCode: "noteable", reason: `comments on a ${type} are not used by mops-bot` };
      if (!target.noteable) return invalid(`${target.field}.iid: a comment on a ${type} must carry the ${target.field} it belongs to`);
      const path = projectPath(r.data);
      if (!path) return invalid("project.path_with_namespace: required to know which project the comment is in");
      if (isBotsOwnEvent(r.data.user, [r.data.object_attributes.author_id], botUsername)) return { outcome: "ignore", reasonCode: "own_event", reason: BOT_REASON };
      return { outcome: "handle", kind: "note", ref: { kind: target.kind, path, iid: target.noteable.iid }, action: r.data.object_attributes.action };
    }
    case "milestone": {
      const r = milestoneHook.safeParse(body);
      if (!r.success) return invalid(...problemsOf(r.error));
      const attrs = r.data.object_attributes;
      // A group milestone has no project. Its group is named by path when the payload has one;
      // otherwise by its numeric id, which the GitLab API accepts wherever a group path goes.
      const path =
        projectPath(r.data) ??
        r.data.group?.full_path ??
        r.data.group?.group_path ??
        (attrs.group_id !== null && attrs.group_id !== undefined ? String(attrs.group_id) : undefined);
      if (!path) return invalid("project.path_with_namespace or object_attributes.group_id: required to know where the milestone is");
      if (isBotsOwnEvent(r.data.user, [], botUsername)) return { outcome: "ignore", reasonCode: "own_event", reason: BOT_REASON };
      return { outcome: "handle", kind: "milestone", ref: { kind: "milestone", path, iid: attrs.id }, action: r.data.action };
    }
  }
}
