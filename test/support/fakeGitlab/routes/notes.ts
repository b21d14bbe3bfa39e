/**
 * Notes (comments) on issues and merge requests, with quick actions executed on create like
 * GitLab does, and the resource label events GitLab keeps for every label change.
 */
import { offsetPage } from "../paging.js";
import { bool, HttpError, oneOf, required } from "../params.js";
import type { Deps, Router } from "../router.js";
import { issuableOr404, KIND_SEGMENTS, notFound, projectOr404 } from "./lookup.js";

export function registerNotes(router: Router, deps: Deps): void {
  const { store, mutations, present } = deps;
  for (const [segment, kind] of KIND_SEGMENTS) {
    router.add("GET", `/projects/:id/${segment}/:iid/notes`, ({ params, path, url }) => {
      const record = issuableOr404(store, kind, projectOr404(store, path.id), path.iid);
      const field = oneOf(params, "order_by", ["created_at", "updated_at"] as const) ?? "created_at";
      const sign = (oneOf(params, "sort", ["asc", "desc"] as const) ?? "desc") === "asc" ? 1 : -1;
      const notes = [...store.notesOf(record)].sort((a, b) => sign * (a[field] === b[field] ? a.id - b.id : a[field] < b[field] ? -1 : 1));
      const page = offsetPage(notes, params, url, deps.perPageMax);
      return { body: page.items.map((n) => present.note(n)), headers: page.headers };
    });

    router.add("GET", `/projects/:id/${segment}/:iid/notes/:note_id`, ({ path }) => {
      const record = issuableOr404(store, kind, projectOr404(store, path.id), path.iid);
      const note = store.notes.get(Number(path.note_id));
      if (!note || note.noteable_id !== record.id || note.kind !== kind) throw notFound("Note");
      return { body: present.note(note) };
    });

    router.add("POST", `/projects/:id/${segment}/:iid/notes`, ({ params, path, user }) => {
      const record = issuableOr404(store, kind, projectOr404(store, path.id), path.iid);
      const body = required(params, "body");
      const outcome = mutations.createNote(record, body, user, { internal: bool(params, "internal") ?? false, notify: true });
      if (!outcome.note) {
        // Only commands: GitLab runs them, stores no note and answers 202.
        return { status: 202, body: { commands_changes: outcome.commandsChanges, summary: outcome.summary } };
      }
      return { status: 201, body: present.note(outcome.note, outcome.commandsRan ? outcome.commandsChanges : undefined) };
    });

    router.add("PUT", `/projects/:id/${segment}/:iid/notes/:note_id`, ({ params, path, user }) => {
      const record = issuableOr404(store, kind, projectOr404(store, path.id), path.iid);
      const note = store.notes.get(Number(path.note_id));
      if (!note || note.noteable_id !== record.id || note.kind !== kind) throw notFound("Note");
      if (note.author_id !== user.id) throw new HttpError(403, { message: "403 Forbidden" });
      mutations.updateNote(record, note, required(params, "body"), user);
      return { body: present.note(note) };
    });

    router.add("GET", `/projects/:id/${segment}/:iid/resource_label_events`, ({ params, path, url }) => {
      const record = issuableOr404(store, kind, projectOr404(store, path.id), path.iid);
      const page = offsetPage(store.labelEventsOf(record), params, url, deps.perPageMax);
      return { body: page.items.map((e) => present.labelEvent(e, store.labels.get(e.label_id))), headers: page.headers };
    });

    router.add("GET", `/projects/:id/${segment}/:iid/resource_label_events/:event_id`, ({ path }) => {
      const record = issuableOr404(store, kind, projectOr404(store, path.id), path.iid);
      const event = store.labelEventsOf(record).find((e) => String(e.id) === path.event_id);
      if (!event) throw notFound("Resource Label Event");
      return { body: present.labelEvent(event, store.labels.get(event.label_id)) };
    });
  }
}
