/**
 * `labels migrate`: every issue and merge request carrying an alias label gets the canonical
 * label instead, one update per resource however many aliases it carries.
 *
 * Resumable because the state is GitLab itself: the resources to move are found by listing, per
 * alias, the resources that carry it (only aliases some project in scope can see, and that
 * GitLab's label counts say are carried, are asked for).
 * A moved resource no longer carries its alias, so a rerun after a crash lists only what is left
 * and writes nothing twice. Updates go through the platform (add_labels/remove_labels, dry-run,
 * rate-limit pacing, retries). With `deleteAliases`, alias labels that no issue or merge request
 * carries any more (open or closed, in scope or not) are deleted.
 */
import type { Logger } from "pino";
import type { ResourceKind, ResourceSnapshot } from "../domain/snapshot.js";
import { formatRef, refKey } from "../domain/snapshot.js";
import { describeOwner, type LabelOwner } from "../gitlab/labels.js";
import { succeeded } from "../engine/scopePlan.js";
import type { LabelPlatform } from "../engine/scopePlatform.js";
import type { CompiledPolicy } from "../policy/model.js";
import { movePlan, planLabelMove, type LabelMove } from "./movePlan.js";
import { requestsBetween, type RequestCount } from "./requests.js";
import { spellingsInUse, type SpellingInUse } from "./spelling.js";
import { explainedFailure } from "./sync.js";

export interface MigrateOptions {
  includeClosed: boolean;
  deleteAliases: boolean;
  /** Resources updated at once (the requester still paces and bounds requests). */
  concurrency?: number;
}

export interface MigrationDeps {
  policy: CompiledPolicy;
  platform: LabelPlatform;
  dryRun: boolean;
  logger?: Logger;
}

export interface MovedResource {
  ref: string;
  title: string;
  webUrl: string;
  move: LabelMove;
  outcome: { status: "moved" } | { status: "dry-run" } | { status: "untouched" } | { status: "failed"; error: string };
}

export interface AliasDeletion {
  name: string;
  owner: LabelOwner;
  outcome: { status: "deleted" } | { status: "dry-run" } | { status: "still-carried" } | { status: "failed"; error: string };
}

export interface MigrationReport {
  dryRun: boolean;
  includeClosed: boolean;
  /** Aliases listed: labels some project in scope sees, carried by some resource per GitLab's counts. */
  aliasesSearched: string[];
  /** Aliases left in place: the spelling GitLab's board uses, on more resources than labels.yml's (see spelling.ts). */
  spellings: SpellingInUse[];
  resources: MovedResource[];
  /**
   * Per alias: its canonical label and how many resources lost the alias (or would, in a dry run);
   * `keptOtherValue` of them already had another value of the scope, which was kept instead.
   */
  moved: Array<{ alias: string; to: string; resources: number; keptOtherValue: number }>;
  deletions: AliasDeletion[] | null;
  requests: RequestCount;
  errors: string[];
}

/**
 * Runs `work` over `items` with at most `limit` at once, in order of start. After a failure no
 * new item starts; the ones under way finish before the failure is raised, so what GitLab holds
 * afterwards is exactly what a rerun starts from.
 */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      try {
        await work(items[next++]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
}

/** How many resources carry an alias, from GitLab's label counts (unknown counts as many). */
interface AliasCounts {
  openIssues: number;
  closedIssues: number;
  openMergeRequests: number;
}

const UNKNOWN = Number.POSITIVE_INFINITY;

/**
 * Aliases that exist as a label some project in scope can see (its own or a parent group's),
 * with how many issues and merge requests carry them. GitLab counts per label owner (a group
 * label over the whole group), so the sum over the labels of that name is never too low.
 */
async function visibleAliases(deps: MigrationDeps): Promise<{ aliases: Map<string, AliasCounts>; spellings: SpellingInUse[] }> {
  const reads = deps.platform.labelReads;
  const t = deps.policy.taxonomy;
  const seen = new Map<number, { name: string; counts: AliasCounts }>();
  const listed = await Promise.all(
    deps.policy.scope.projects.map((p) => reads.labels({ kind: "project", path: p.path }, { includeAncestors: true, withCounts: true })),
  );
  const spellings = spellingsInUse(t, listed.flat());
  const teamSpellings = new Set(spellings.map((s) => s.gitlab));
  for (const labels of listed) {
    for (const l of labels) {
      if (t.aliasTarget(l.name) === undefined || t.isDefined(l.name) || teamSpellings.has(l.name)) continue;
      seen.set(l.id, {
        name: l.name,
        counts: { openIssues: l.openIssues ?? UNKNOWN, closedIssues: l.closedIssues ?? UNKNOWN, openMergeRequests: l.openMergeRequests ?? UNKNOWN },
      });
    }
  }
  const byAlias = new Map<string, AliasCounts>();
  for (const alias of t.aliases.keys()) {
    const labels = [...seen.values()].filter((x) => x.name === alias);
    if (labels.length === 0) continue;
    const sum = (f: keyof AliasCounts) => labels.reduce((n, x) => n + x.counts[f], 0);
    byAlias.set(alias, { openIssues: sum("openIssues"), closedIssues: sum("closedIssues"), openMergeRequests: sum("openMergeRequests") });
  }
  return { aliases: byAlias, spellings };
}

/**
 * The listings worth making: per alias and kind, unless GitLab's counts say no resource of that
 * kind carries it. Closed and merged merge requests have no count, so with closed resources every
 * visible alias is listed for merge requests.
 */
function listingsFor(aliases: Map<string, AliasCounts>, includeClosed: boolean): Array<{ alias: string; kind: ResourceKind }> {
  const listings: Array<{ alias: string; kind: ResourceKind }> = [];
  for (const [alias, c] of aliases) {
    if (c.openIssues + (includeClosed ? c.closedIssues : 0) > 0) listings.push({ alias, kind: "issue" });
    if (includeClosed || c.openMergeRequests > 0) listings.push({ alias, kind: "merge_request" });
  }
  return listings;
}

/** Every resource in scope carrying at least one of the aliases, each once. */
async function carriers(deps: MigrationDeps, listings: Array<{ alias: string; kind: ResourceKind }>, includeClosed: boolean): Promise<ResourceSnapshot[]> {
  const found = new Map<string, ResourceSnapshot>();
  await Promise.all(
    listings.map(async ({ alias, kind }) => {
      for await (const s of deps.platform.list({ kind, state: includeClosed ? "all" : "opened", labels: [alias] })) found.set(refKey(s.ref), s);
    }),
  );
  return [...found.values()].sort((a, b) => formatRef(a.ref).localeCompare(formatRef(b.ref)));
}

async function moveAll(deps: MigrationDeps, resources: ResourceSnapshot[], concurrency: number, leave: ReadonlySet<string>): Promise<MovedResource[]> {
  const results = new Map<string, MovedResource>();
  const planned = resources.map((s) => ({ s, move: planLabelMove(s.labels, deps.policy.taxonomy, leave) }));
  await inPool(planned, concurrency, async ({ s, move }) => {
    const base = { ref: formatRef(s.ref), title: s.title, webUrl: s.webUrl, move };
    if (move.remove.length === 0) {
      results.set(base.ref, { ...base, outcome: { status: "untouched" } });
      return;
    }
    try {
      await deps.platform.apply(movePlan(s, move));
      results.set(base.ref, { ...base, outcome: deps.dryRun ? { status: "dry-run" } : { status: "moved" } });
    } catch (error) {
      const message = explainedFailure(error);
      if (message === undefined) throw error;
      results.set(base.ref, { ...base, outcome: { status: "failed", error: `${base.ref}: ${message}` } });
    }
  });
  return planned.map(({ s }) => results.get(formatRef(s.ref))!);
}

/** Alias labels owned by the group or by a project in scope, each checked and deleted when unused. */
async function deleteUnusedAliases(deps: MigrationDeps): Promise<AliasDeletion[]> {
  const reads = deps.platform.labelReads;
  const t = deps.policy.taxonomy;
  const isAlias = (name: string) => t.aliasTarget(name) !== undefined && !t.isDefined(name);
  const group: LabelOwner = { kind: "group", path: deps.policy.scope.group };
  const owned: Array<{ owner: LabelOwner; id: number; name: string }> = [];
  for (const l of await reads.labels(group, { includeAncestors: false, withCounts: false })) if (isAlias(l.name)) owned.push({ owner: group, id: l.id, name: l.name });
  for (const p of deps.policy.scope.projects) {
    const owner: LabelOwner = { kind: "project", path: p.path };
    for (const l of await reads.labels(owner, { includeAncestors: false, withCounts: false })) if (isAlias(l.name)) owned.push({ owner, id: l.id, name: l.name });
  }
  const deletions: AliasDeletion[] = [];
  for (const label of owned) {
    try {
      if (await reads.isCarried(label.owner, label.name)) {
        deletions.push({ name: label.name, owner: label.owner, outcome: { status: "still-carried" } });
        continue;
      }
      const reason = `"${label.name}" is an alias in policies/labels.yml and nothing carries it any more.`;
      const result = await deps.platform.applyScope({ actions: [{ type: "delete_label", owner: label.owner, id: label.id, name: label.name, rule: "labels:migrate", reason }] });
      succeeded(result.outcomes[0]);
      deletions.push({ name: label.name, owner: label.owner, outcome: result.dryRun ? { status: "dry-run" } : { status: "deleted" } });
    } catch (error) {
      const message = explainedFailure(error);
      if (message === undefined) throw error;
      deletions.push({ name: label.name, owner: label.owner, outcome: { status: "failed", error: `deleting "${label.name}" in ${describeOwner(label.owner)}: ${message}` } });
    }
  }
  return deletions;
}

function movedSummary(resources: MovedResource[], taxonomy: CompiledPolicy["taxonomy"]): MigrationReport["moved"] {
  const counts = new Map<string, MigrationReport["moved"][number]>();
  for (const r of resources) {
    if (r.outcome.status !== "moved" && r.outcome.status !== "dry-run") continue;
    for (const alias of r.move.remove) {
      const entry = counts.get(alias) ?? { alias, to: taxonomy.aliasTarget(alias)!, resources: 0, keptOtherValue: 0 };
      entry.resources += 1;
      if (r.move.superseded.some((x) => x.alias === alias)) entry.keptOtherValue += 1;
      counts.set(alias, entry);
    }
  }
  return [...counts.values()].sort((a, b) => a.alias.localeCompare(b.alias));
}

export async function runLabelMigration(deps: MigrationDeps, options: MigrateOptions): Promise<MigrationReport> {
  const before = deps.platform.requestStats();
  const { aliases, spellings } = await visibleAliases(deps);
  const listings = listingsFor(aliases, options.includeClosed);
  const resources = listings.length === 0 ? [] : await carriers(deps, listings, options.includeClosed);
  const moved = await moveAll(deps, resources, options.concurrency ?? 4, new Set(spellings.map((s) => s.gitlab)));
  const deletions = options.deleteAliases ? await deleteUnusedAliases(deps) : null;
  const errors = [
    ...moved.flatMap((r) => (r.outcome.status === "failed" ? [r.outcome.error] : [])),
    ...(deletions ?? []).flatMap((d) => (d.outcome.status === "failed" ? [d.outcome.error] : [])),
  ];
  for (const e of errors) deps.logger?.error(e);
  return {
    dryRun: deps.dryRun,
    includeClosed: options.includeClosed,
    aliasesSearched: [...new Set(listings.map((l) => l.alias))],
    spellings,
    resources: moved,
    moved: movedSummary(moved, deps.policy.taxonomy),
    deletions,
    requests: requestsBetween(before, deps.platform.requestStats()),
    errors,
  };
}
