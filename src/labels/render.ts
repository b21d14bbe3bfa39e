/** The text a MOps reader gets from `labels sync` and `labels migrate`. */
import { describeOwner } from "../gitlab/labels.js";
import type { DriftGroup, DriftLabel } from "./drift.js";
import type { AliasDeletion, MigrationReport } from "./migrate.js";
import type { RequestCount } from "./requests.js";
import type { LabelSyncReport } from "./sync.js";
import { proposedPolicyChange, type SpellingInUse } from "./spelling.js";
import type { FieldChange, ManualPriority } from "./syncPlan.js";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const quote = (s: string) => `"${s}"`;
/** Above this many creations in one place, names are not listed one per line. */
const LIST_LIMIT = 12;

function describeChange(c: FieldChange): string {
  if (c.field === "priority") return `priority ${c.from ?? "none"} -> ${c.to ?? "none"}`;
  if (c.field === "color") return `colour ${c.from || "none"} -> ${c.to}`;
  return "description";
}

/**
 * Labels GitLab's board already spells otherwise: what each spelling is carried by, and the
 * labels.yml change that keeps the board as it is. `what` says what the command left alone.
 */
export function renderSpellings(spellings: SpellingInUse[], what: string): string[] {
  if (spellings.length === 0) return [];
  const lines = [
    `Spelling: GitLab already uses another spelling of ${plural(spellings.length, "label")} in labels.yml: more issues and MRs carry GitLab's spellings than labels.yml's (counted over each scoped set, so one label of a set may be on fewer). ${what} Either keep GitLab's spelling by changing labels.yml as proposed, or keep labels.yml's and run \`mops-bot labels migrate\` once this is decided:`,
  ];
  for (const s of spellings) {
    lines.push(`  ${quote(s.gitlab)} is on ${plural(s.gitlabCarriers, "issue or MR", "issues and MRs")}; labels.yml's ${quote(s.policy)} on ${s.policyCarriers}. Proposed labels.yml change:`);
    lines.push(...proposedPolicyChange(s).map((l) => `    - ${l}`));
  }
  return lines;
}

function requestsLine(r: RequestCount): string {
  return `GitLab requests: ${r.total} (${r.reads} reads, ${r.writes} writes).`;
}

/** One line per label name: counts summed over the group and the projects that have it. */
function driftLines(labels: DriftLabel[], teamSpellings: ReadonlySet<string>): string[] {
  const byName = new Map<string, DriftLabel[]>();
  for (const d of labels) byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
  return [...byName.entries()].map(([name, copies]) => {
    const d = copies[0]!;
    const sum = (f: "openIssues" | "openMergeRequests") => (copies.some((c) => c[f] === null) ? "?" : String(copies.reduce((n, c) => n + c[f]!, 0)));
    const issues = sum("openIssues");
    const mrs = sum("openMergeRequests");
    const what = teamSpellings.has(name)
      ? ` — the board's spelling of ${quote(d.canonical!)}: see Spelling above`
      : d.kind === "alias"
        ? ` — alias of ${quote(d.canonical!)}: \`mops-bot labels migrate\` moves it`
        : d.kind === "near-miss"
          ? ` — looks like ${quote(d.canonical!)}: add it to aliases in labels.yml to migrate it`
          : "";
    return `    ${quote(name)}: ${issues} open issue${issues === "1" ? "" : "s"}, ${mrs} open MR${mrs === "1" ? "" : "s"} (${copies.map((c) => describeOwner(c.owner)).join(", ")})${what}`;
  });
}

export function renderDrift(drift: DriftGroup[], spellings: readonly SpellingInUse[] = []): string[] {
  const names = (g: DriftGroup) => new Set(g.labels.map((l) => l.name)).size;
  const count = drift.reduce((n, g) => n + names(g), 0);
  if (count === 0) return ["No drift: every label in the group and its projects in scope is defined in labels.yml."];
  const lines = [`Drift: ${plural(count, "label")} in GitLab that labels.yml does not define (nothing was deleted), by prefix:`];
  for (const g of drift) {
    lines.push(`  ${g.prefix} — ${plural(names(g), "label")}, ${plural(g.openIssues, "open issue")}, ${plural(g.openMergeRequests, "open MR")}`);
    lines.push(...driftLines(g.labels, new Set(spellings.map((s) => s.gitlab))));
  }
  lines.push("  Decide for each: add it to labels.yml, declare it as an alias, or delete it in GitLab.");
  return lines;
}

function fixLines(fixes: LabelSyncReport["fixes"], dryRun: boolean): string[] {
  const lines: string[] = [];
  const verb = (done: string, would: string) => (dryRun ? would : done);
  const byOwner = new Map<string, LabelSyncReport["fixes"]>();
  for (const f of fixes) {
    const key = describeOwner(f.owner);
    byOwner.set(key, [...(byOwner.get(key) ?? []), f]);
  }
  for (const [owner, list] of byOwner) {
    const ok = list.filter((f) => f.outcome.status !== "failed");
    const creates = ok.flatMap((f) => (f.type === "create" ? [f] : []));
    const updates = ok.flatMap((f) => (f.type === "update" ? [f] : []));
    lines.push(`  ${owner}:`);
    if (creates.length > 0) {
      const withPriority = creates.filter((c) => c.label.priority !== undefined).length;
      lines.push(`    ${verb("created", "would create")} ${plural(creates.length, "label")}${withPriority > 0 ? ` (${withPriority} with a board priority)` : ""}${creates.length <= LIST_LIMIT ? `: ${creates.map((c) => quote(c.name)).join(", ")}` : ""}`);
    }
    const priorityOnly = updates.filter((u) => u.changes.every((c) => c.field === "priority"));
    if (priorityOnly.length > 0) {
      const list = priorityOnly.map((u) => `${u.changes[0]!.to ?? "none"} ${quote(u.name)}`).join(", ");
      lines.push(`    ${verb("set", "would set")} the board priority of ${plural(priorityOnly.length, "label")}: ${list}`);
    }
    for (const u of updates) {
      if (!priorityOnly.includes(u)) lines.push(`    ${verb("updated", "would update")} ${quote(u.name)}: ${u.changes.map(describeChange).join(", ")}`);
    }
    for (const f of list) if (f.outcome.status === "failed") lines.push(`    FAILED ${f.outcome.error}`);
  }
  return lines;
}

/**
 * Board priorities of group labels: GitLab's API cannot set them in a project, so the report says
 * once, per project, what to star by hand. Not an error: the run still exits 0.
 */
function manualPriorityLines(steps: ManualPriority[]): string[] {
  if (steps.length === 0) return [];
  const byProject = new Map<string, ManualPriority[]>();
  for (const s of steps) byProject.set(s.project, [...(byProject.get(s.project) ?? []), s]);
  const lines = [
    `By hand in GitLab: ${plural(steps.length, "group label")} need${steps.length === 1 ? "s" : ""} a board priority that GitLab's API cannot set for a group label. In each project, open Manage > Labels and prioritise them (star, then drag into this order):`,
  ];
  for (const [project, list] of byProject) {
    const ordered = [...list].sort((a, b) => a.to - b.to || a.name.localeCompare(b.name));
    lines.push(`  ${project}: ${ordered.map((s) => `${s.to} ${quote(s.name)}${s.from === null ? "" : ` (now ${s.from})`}`).join(", ")}`);
  }
  return lines;
}

export function renderSyncReport(r: LabelSyncReport): string {
  const lines: string[] = [];
  lines.push(`labels sync${r.dryRun ? " (dry run: nothing was written)" : ""} — ${plural(r.labelsInTaxonomy, "label")} in labels.yml, group ${r.group}`);
  if (r.outsideProjects.length > 0) {
    lines.push(
      `Outside the group: ${r.outsideProjects.join(", ")}. Group labels do not reach ${r.outsideProjects.length === 1 ? "this project" : "these projects"}, so every label is kept there as a project label too; otherwise GitLab would create a grey label with no description the first time the bot adds one there.`,
    );
  }
  if (r.fixes.length === 0) lines.push("Labels: GitLab already matches labels.yml; nothing to change.");
  else {
    lines.push(`Labels: ${plural(r.fixes.length, "change")}${r.dryRun ? " to make" : ""}:`);
    lines.push(...fixLines(r.fixes, r.dryRun));
  }
  lines.push(...manualPriorityLines(r.manualPriorities));
  lines.push(...renderSpellings(r.spellings, "labels sync created none of labels.yml's spellings of them, so the board keeps one spelling."));
  lines.push(...renderDrift(r.drift, r.spellings));
  lines.push(requestsLine(r.requests));
  if (r.errors.length > 0) lines.push(`${plural(r.errors.length, "change")} failed (see above); the others were made. Run again once fixed.`);
  return lines.join("\n");
}

/** One line per label name, naming the group and projects it was (or would be) deleted from or kept in. */
function byLabel(deletions: AliasDeletion[]): string[] {
  const owners = new Map<string, string[]>();
  for (const d of deletions) owners.set(d.name, [...(owners.get(d.name) ?? []), describeOwner(d.owner)]);
  return [...owners.entries()].map(([name, where]) => `  ${quote(name)} (${where.join(", ")})`);
}

export function renderMigrationReport(r: MigrationReport): string {
  const lines: string[] = [];
  const scope = r.includeClosed ? "open and closed" : "open";
  lines.push(`labels migrate${r.dryRun ? " (dry run: nothing was written)" : ""} — ${scope} issues and merge requests`);
  if (r.aliasesSearched.length === 0) lines.push("No alias label from labels.yml exists in GitLab: nothing to migrate.");
  else lines.push(`Searched ${plural(r.aliasesSearched.length, "alias label")} present in GitLab.`);
  lines.push(...renderSpellings(r.spellings, "labels migrate moved no issue or merge request off them."));
  const moved = r.resources.filter((x) => x.outcome.status === "moved" || x.outcome.status === "dry-run");
  lines.push(`${r.dryRun ? "Would move" : "Moved"} ${plural(moved.length, "resource")} (one update each):`);
  for (const m of r.moved) {
    const kept = m.keptOtherValue > 0 ? ` (${m.keptOtherValue} already had another value of the scope, which was kept)` : "";
    lines.push(`  ${quote(m.alias)} -> ${quote(m.to)}: ${plural(m.resources, "resource")}${kept}`);
  }
  const untouched = r.resources.flatMap((x) => x.move.untouched.map((u) => `  ${x.ref} (${x.title}): ${quote(u.alias)} left in place: ${u.reason}`));
  if (untouched.length > 0) lines.push("Needs a person:", ...untouched);
  for (const x of r.resources) if (x.outcome.status === "failed") lines.push(`  FAILED ${x.outcome.error}`);
  if (r.deletions !== null) {
    const gone = r.deletions.filter((d) => d.outcome.status === "deleted" || d.outcome.status === "dry-run");
    const kept = r.deletions.filter((d) => d.outcome.status === "still-carried");
    lines.push(`Alias labels ${r.dryRun ? "that would be deleted now" : "deleted"} (no issue or merge request carries them):${gone.length === 0 ? " none" : ""}`);
    lines.push(...byLabel(gone));
    if (kept.length > 0) {
      lines.push(
        `Kept, still on some issue or merge request${r.dryRun ? " (those this run would move free them; run again without --dry-run)" : r.includeClosed ? "" : " (closed ones too: add --include-closed to move them)"}:`,
        ...byLabel(kept),
      );
    }
    for (const d of r.deletions) if (d.outcome.status === "failed") lines.push(`  FAILED ${d.outcome.error}`);
  }
  lines.push(requestsLine(r.requests));
  if (r.errors.length > 0) lines.push(`${plural(r.errors.length, "problem")} (see above). Run again once fixed: finished resources are not touched again.`);
  return lines.join("\n");
}
