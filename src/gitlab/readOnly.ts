/**
 * The GitLab a plan sees: everything is read once and shared by the "before" and "after"
 * evaluations (one listing per query, one history fetch per resource), and nothing can be written.
 *
 * `SharedReads` does the reading. `sideView` gives each policy set its own view of it: only the
 * projects its scope.yml names, with the roles that file gives them, and an apply() that writes
 * nothing. Anything else a job asks of the platform (currentUser, lookups before an "ensure"...)
 * goes to a dry-run platform of that side whose requester refuses every write, so a job that
 * forgot to honour dry-run fails loudly instead of changing GitLab.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import type { ResourcePlan } from "../domain/plan.js";
import { formatRef, type LabelEvent, type MilestoneInfo, type NoteInfo, type ResourceRef, type ResourceSnapshot } from "../domain/snapshot.js";
import type { ListQuery, Platform } from "../engine/platform.js";
import { type GitLabPlatform, type GitLabRequester, RefusedWriteError } from "./index.js";
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

  constructor(private readonly source: Platform) {}

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

const refuse = (method: string) => () => {
  throw new RefusedWriteError(`mops-bot plan only reads GitLab; a job tried to send ${method}. Nothing was written.`);
};

function readOnlyApi(api: RequesterType): RequesterType {
  return { ...api, post: refuse("POST"), put: refuse("PUT"), patch: refuse("PATCH"), delete: refuse("DELETE") } as RequesterType;
}

function readOnlyRequester(requester: GitLabRequester): GitLabRequester {
  const api = readOnlyApi(requester.api);
  return new Proxy(requester, {
    get(target, prop, receiver) {
      if (prop === "api") return api;
      if (prop === "requesterFn") return (...args: Parameters<GitLabRequester["requesterFn"]>) => readOnlyApi(target.requesterFn(...args));
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * One side's platform: shared reads filtered to its scope, apply() that writes nothing, and the
 * rest from `fallback` (a dry-run platform built with this side's policies).
 */
export function sideView(reads: SharedReads, scope: ScopeDef, fallback: GitLabPlatform): GitLabPlatform {
  const requester = readOnlyRequester(fallback.requester);
  const own: Partial<GitLabPlatform> = {
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
    apply: async (_plan: ResourcePlan) => ({ writes: 0, dryRun: true, requests: [] }),
  };
  return new Proxy(fallback, {
    get(target, prop, receiver) {
      if (prop === "requester") return requester;
      if (typeof prop === "string" && prop in own) return own[prop as keyof GitLabPlatform];
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
