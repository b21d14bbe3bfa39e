/**
 * `labels migrate` end to end against the fake GitLab seeded with the demo board (whose group and
 * outside projects have the alias labels) plus extra resources carrying aliases: several per
 * resource, merge requests, closed ones, a resource outside the scope, and a crash half-way.
 */
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResourcePlan } from "../../src/domain/plan.js";
import type { GitLabPlatform } from "../../src/gitlab/index.js";
import { looseLabelForm } from "../../src/domain/labels.js";
import { renderMigrationReport, runLabelMigration, type MigrateOptions } from "../../src/labels/index.js";
import { openRuntime } from "../../src/runtime.js";
import { type Sandbox, SANDBOX_NOW, SANDBOX_TOKEN, startSandbox } from "../support/sandbox.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";

let sb: Sandbox;
let aliases: string[];
const OUT_OF_SCOPE = "gitlab-com/marketing/not-in-scope";

beforeEach(async () => {
  sb = await startSandbox();
  // Aliases with other words; other spellings of one name are a decision for labels.yml when the
  // board uses them (labels.spelling.test.ts).
  aliases = [...sb.policy.taxonomy.aliases.entries()].filter(([alias, target]) => looseLabelForm(alias) !== looseLabelForm(target)).map(([alias]) => alias);
  const { mops } = sb.projects;
  const sales = sb.projects["sales-systems"];
  // 24 open issues, one to three aliases each, in both projects.
  for (let i = 0; i < 24; i++) {
    const primary = aliases[i % aliases.length]!;
    const scopeOf = (alias: string) => sb.policy.taxonomy.aliasTarget(alias)!.split("::")[0];
    const labels = [primary];
    // Extra aliases only in other scopes: aliases of two values of one scope wait for a person.
    if (i % 3 === 0 && scopeOf(primary) !== "MktgOpsPriority") labels.push("MktgOps-Priority::2 - Action Needed");
    if (i % 4 === 0 && scopeOf(primary) !== "mops-bot-sla") labels.push("mops-bot::sla-at-risk");
    sb.fake.addIssue(i % 2 === 0 ? mops : sales, { title: `Old labels ${i}`, labels: [...new Set(labels)], author: "mops-bot" });
  }
  sb.fake.addMergeRequest(mops, { title: "MR with an old priority", labels: ["MktgOpsPriority::01-High"] });
  sb.fake.addIssue(mops, { title: "Closed with an old stage", labels: ["MktgOps::4 - UAT"], state: "closed" });
  // A person set a current stage since; the old stage label just goes.
  sb.fake.addIssue(mops, { title: "Stage set since", labels: ["MktgOps::0 - To Be Triaged", "MktgOps::04: In Progress"] });
  // Two old stages that mean different current stages: a person picks.
  sb.fake.addIssue(mops, { title: "Two old stages", labels: ["MktgOps::3 - In Process", "MktgOps::7 - Completed"] });
  // Outside the scope but inside the group: never touched, and its alias label is never deleted.
  sb.fake.addProject(OUT_OF_SCOPE);
  sb.fake.addIssue(OUT_OF_SCOPE, { title: "Not ours", labels: ["MktgOps::6 - Blocked"] });
});
afterEach(async () => {
  await sb.close();
});

async function migrate(options: Partial<MigrateOptions> = {}, dryRun = false, wrap?: (p: GitLabPlatform) => GitLabPlatform) {
  const runtime = await openRuntime({
    policiesDir: TEST_POLICIES_DIR,
    connection: { url: sb.fake.url, token: SANDBOX_TOKEN },
    dryRun,
    clock: () => SANDBOX_NOW,
    logger: pino({ level: "silent" }),
    platform: { retry: { attempts: 3, baseMs: 1, maxMs: 5 }, sleep: async () => {} },
  });
  const platform = wrap ? wrap(runtime.platform) : runtime.platform;
  return runLabelMigration({ ...runtime, platform, dryRun }, { includeClosed: false, deleteAliases: false, ...options });
}

const scopePaths = () => sb.policy.scope.projects.map((p) => p.path);
function resourcesIn(paths: string[], state?: string) {
  return paths.flatMap((p) => [...sb.fake.issues(p), ...sb.fake.mergeRequests(p)]).filter((r) => state === undefined || r.state === state);
}
const isAlias = (l: string) => sb.policy.taxonomy.aliasTarget(l) !== undefined;
const carryingAliases = (paths: string[], state?: string) => resourcesIn(paths, state).filter((r) => r.labels.some(isAlias));
/** PUTs per resource path, over the whole test. */
function putsPerResource(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of sb.fake.writes()) if (w.method === "PUT" && /\/(issues|merge_requests)\/\d+$/.test(w.path)) counts.set(w.path, (counts.get(w.path) ?? 0) + 1);
  return counts;
}

/** A platform whose process "dies" after `n` updates: the run stops with an unexplained error. */
function crashingAfter(n: number) {
  return (p: GitLabPlatform): GitLabPlatform => {
    let done = 0;
    return Object.assign(Object.create(p) as GitLabPlatform, {
      apply: async (plan: ResourcePlan) => {
        if (done >= n) throw new Error("simulated crash");
        done += 1;
        return p.apply(plan);
      },
    });
  };
}

describe("mops-bot labels migrate against the fake GitLab", () => {
  it("a dry run lists what would move and writes nothing", async () => {
    const before = carryingAliases(scopePaths(), "opened").length;
    const report = await migrate({}, true);
    expect(sb.fake.writes()).toEqual([]);
    expect(report.requests.writes).toBe(0);
    const wouldMove = report.resources.filter((r) => r.outcome.status === "dry-run");
    expect(wouldMove).toHaveLength(before - 1); // "Two old stages" waits for a person
    expect(renderMigrationReport(report)).toContain("Would move");
  });

  it("interrupted half-way and rerun: no alias left on any open resource in scope, and no resource updated twice", async () => {
    const toMove = carryingAliases(scopePaths(), "opened").length - 1;
    await expect(migrate({}, false, crashingAfter(10))).rejects.toThrow("simulated crash");
    const afterCrash = carryingAliases(scopePaths(), "opened").length;
    expect(afterCrash).toBe(toMove + 1 - 10);

    const rerun = await migrate();
    expect(rerun.errors).toEqual([]);
    expect(rerun.resources.filter((r) => r.outcome.status === "moved")).toHaveLength(toMove - 10);

    const left = carryingAliases(scopePaths(), "opened");
    expect(left.map((r) => r.title)).toEqual(["Two old stages"]);
    expect([...putsPerResource().values()].every((n) => n === 1)).toBe(true);
    expect([...putsPerResource().keys()]).toHaveLength(toMove);
    // Only label updates with add_labels/remove_labels; never a label GitLab had to create.
    for (const w of sb.fake.writes()) expect(["PUT /projects/:id/issues/:iid", "PUT /projects/:id/merge_requests/:iid"]).toContain(w.route);
    expect(sb.fake.createdLabels).toEqual([]);

    // Three aliases on one resource moved in one update.
    const multi = sb.fake.issues(sb.projects.mops).find((i) => i.title === "Old labels 0")!;
    expect([...multi.labels].sort()).toEqual(["MktgOpsPrio::04: Actioned", "MktgOpsPriority:: 02-Medium", "mops-bot-sla::at-risk"]);
    expect(multi.labels.some(isAlias)).toBe(false);
    // A person's current stage is kept; the old stage label is gone.
    expect(sb.fake.issues(sb.projects.mops).find((i) => i.title === "Stage set since")!.labels).toEqual(["MktgOps::04: In Progress"]);
    // Closed resources and resources outside the scope are not touched without the flag.
    expect(carryingAliases(scopePaths(), "closed").map((r) => r.title)).toEqual(["Closed with an old stage"]);
    expect(carryingAliases([OUT_OF_SCOPE]).map((r) => r.title)).toEqual(["Not ours"]);

    const text = renderMigrationReport(rerun);
    expect(text).toContain('"MktgOps::3 - In Process" left in place');
    expect(text).toMatch(/"MktgOps-Priority::2 - Action Needed" -> "MktgOpsPriority:: 02-Medium": \d+ resources/);

    // A third run finds nothing left to write.
    sb.fake.resetCounters();
    const third = await migrate();
    expect(third.requests.writes).toBe(0);
    // GitLab's label counts say no open resource carries an alias but the one waiting for a
    // person and the one outside the scope (group labels count the whole group): only those
    // aliases are listed again.
    expect(third.aliasesSearched.sort()).toEqual(["MktgOps::3 - In Process", "MktgOps::6 - Blocked", "MktgOps::7 - Completed"]);
    expect(sb.fake.writes()).toEqual([]);
  });

  it("with closed resources and --delete-aliases, deletes the alias labels nobody carries any more and keeps the others", async () => {
    const report = await migrate({ includeClosed: true, deleteAliases: true });
    expect(report.errors).toEqual([]);
    expect(carryingAliases(scopePaths()).map((r) => r.title)).toEqual(["Two old stages"]);
    const deletions = report.deletions!;
    const status = (name: string, owner: string) => deletions.find((d) => d.name === name && d.owner.path === owner)?.outcome.status;
    const group = sb.policy.scope.group;
    // Still carried: the two old stages waiting for a person, and the one in the project outside the scope.
    for (const name of ["MktgOps::3 - In Process", "MktgOps::7 - Completed", "MktgOps::6 - Blocked"]) expect(status(name, group)).toBe("still-carried");
    expect(status("MktgOps::4 - UAT", group)).toBe("deleted");
    const remaining = new Set(sb.fake.labels().filter((l) => l.owner === group).map((l) => l.name));
    for (const alias of aliases) {
      expect(remaining.has(alias), alias).toBe(["MktgOps::3 - In Process", "MktgOps::7 - Completed", "MktgOps::6 - Blocked"].includes(alias));
    }
    // Project-level copies outside the group are deleted too once unused.
    const sales = sb.projects["sales-systems"];
    expect(sb.fake.labels().filter((l) => l.owner === sales && isAlias(l.name))).toEqual([]);
    expect(carryingAliases([OUT_OF_SCOPE]).map((r) => r.title)).toEqual(["Not ours"]);
    expect(renderMigrationReport(report)).toContain("Alias labels deleted");
  });
});
