/**
 * The GitLab a plan sees: everything is read once and shared by the "before" and "after"
 * evaluations (one listing per query, one history fetch per resource), and nothing can be written:
 * what this file hands out is a PlatformReader, a type without a write method.
 *
 * `SharedReads` does the reading. `sideView` gives each policy set its own view of it: only the
 * projects its scope.yml names, with the roles that file gives them. Any other read a job makes
 * (currentUser, lookups before an "ensure"...) goes to that side's own reader.
 */
import { formatRef, type LabelEvent, type MilestoneInfo, type NoteInfo, type ResourceRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { readerOf, type ListQuery, type PlatformReader } from "./platform.js";
import type { ScopeDef } from "../policy/model.js";

interface Listing {
  items: ResourceSnapshot[];
  done: Promise<void>;
}

/** Reads from one platform, each asked once; later callers get the same answer. */
export class SharedReads {
  private readonly listings = new Map<string, Listing>();
  private readonly gets = new Map<string, Promise<ResourceSnapshot | null>>();
  private readonly events = new Map<string, Promise<LabelEvent[]>>();
  private readonly noteLists = new Map<string, Promise<NoteInfo[]>>();
  private milestoneList: Promise<MilestoneInfo[]> | undefined;

  constructor(private readonly source: PlatformReader) {}

  async *list(query: ListQuery): AsyncIterable<ResourceSnapshot> {
    const key = JSON.stringify([query.kind, query.state, [...(query.labels ?? [])].sort()]);
    const cached = this.listings.get(key);
    if (cached) {
      await cached.done;
      yield* cached.items;
      return;
    }
    // The first reader streams the listing (so work starts while GitLab still pages) and keeps it.
    const items: ResourceSnapshot[] = [];
    let finish!: () => void;
    let fail!: (e: unknown) => void;
    const done = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
    done.catch(() => this.listings.delete(key));
    this.listings.set(key, { items, done });
    try {
      for await (const snapshot of this.source.list(query)) {
        items.push(snapshot);
        yield snapshot;
      }
      finish();
    } catch (error) {
      fail(error);
      throw error;
    }
  }

  get(ref: ResourceRef): Promise<ResourceSnapshot | null> {
    return memo(this.gets, formatRef(ref), () => this.source.get(ref));
  }

  labelEvents(snapshot: ResourceSnapshot): Promise<LabelEvent[]> {
    return memo(this.events, formatRef(snapshot.ref), () => this.source.labelEvents(snapshot));
  }

  notes(snapshot: ResourceSnapshot): Promise<NoteInfo[]> {
    return memo(this.noteLists, formatRef(snapshot.ref), () => this.source.notes(snapshot));
  }

  milestones(): Promise<MilestoneInfo[]> {
    this.milestoneList ??= this.source.milestones();
    return this.milestoneList;
  }
}

function memo<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (p === undefined) {
    p = load();
    // A failed read is not remembered: the other evaluation may try again.
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/** The union of two scopes' projects, for the one listing both evaluations share. */
export function unionScope(head: ScopeDef, base: ScopeDef | undefined): ScopeDef {
  if (base === undefined) return head;
  const projects = [...head.projects];
  for (const p of base.projects) {
    if (!projects.some((q) => q.path.toLowerCase() === p.path.toLowerCase())) projects.push({ path: p.path, roles: [] });
  }
  return { ...head, projects };
}

/** The snapshot as this side's scope.yml sees it, or undefined when that scope leaves it out. */
export function inScope(scope: ScopeDef, snapshot: ResourceSnapshot): ResourceSnapshot | undefined {
  const project = scope.projects.find((p) => p.path.toLowerCase() === snapshot.projectPath.toLowerCase());
  if (project === undefined) return undefined;
  const same = project.roles.length === snapshot.projectRoles.length && project.roles.every((r) => snapshot.projectRoles.includes(r));
  return same ? snapshot : { ...snapshot, projectRoles: [...project.roles] };
}

/** One side's reads: the shared ones filtered to its scope, and the rest from the side's own reader. */
export function sideView(reads: SharedReads, scope: ScopeDef, own: PlatformReader): PlatformReader {
  return {
    ...readerOf(own),
    async *list(query: ListQuery) {
      for await (const snapshot of reads.list(query)) {
        const seen = inScope(scope, snapshot);
        if (seen) yield seen;
      }
    },
    get: async (ref: ResourceRef) => {
      const snapshot = await reads.get(ref);
      return snapshot === null ? null : (inScope(scope, snapshot) ?? null);
    },
    labelEvents: (snapshot: ResourceSnapshot) => reads.labelEvents(snapshot),
    notes: (snapshot: ResourceSnapshot) => reads.notes(snapshot),
    milestones: () => reads.milestones(),
  };
}
