/**
 * `labels sync` end to end: the MOps policy set, the GitLab adapter over HTTP and the fake GitLab,
 * which keeps label priorities per project the way GitLab does (a group label's priority in a
 * project cannot be set through the API: the sync lists it as a manual step).
 */
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { runSweep } from "../../src/jobs/sweep.js";
import { adopt } from "../../src/rollout/commands.js";
import { renderMigrationReport, renderSyncReport, runLabelMigration, runLabelSync } from "../../src/labels/index.js";
import type { CompiledPolicy } from "../../src/policy/model.js";
import { loadPolicies } from "../../src/policy/load.js";
import { openRuntime } from "../../src/runtime.js";
import { type FakeGitlab, startFakeGitlab } from "../support/fakeGitlab/index.js";
import { SANDBOX_NOW, SANDBOX_TOKEN, startSandbox } from "../support/sandbox.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function emptyGitLab(): Promise<{ fake: FakeGitlab; policy: CompiledPolicy }> {
  const policy = await loadPolicies(TEST_POLICIES_DIR);
  const fake = await startFakeGitlab({ token: SANDBOX_TOKEN, botUsername: policy.scope.botUsername, now: () => SANDBOX_NOW });
  fake.addGroup(policy.scope.group);
  for (const p of policy.scope.projects) fake.addProject(p.path);
  closers.push(() => fake.close());
  return { fake, policy };
}

function runtimeFor(url: string, dryRun = false) {
  return openRuntime({
    policiesDir: TEST_POLICIES_DIR,
    connection: { url, token: SANDBOX_TOKEN },
    dryRun,
    clock: () => SANDBOX_NOW,
    logger: pino({ level: "silent" }),
    platform: { retry: { attempts: 3, baseMs: 1, maxMs: 5 }, sleep: async () => {} },
  });
}

async function sync(url: string, dryRun = false) {
  const runtime = await runtimeFor(url, dryRun);
  return runLabelSync({ ...runtime, dryRun });
}

const isInGroup = (policy: CompiledPolicy, path: string) => path.startsWith(`${policy.scope.group}/`);

describe("mops-bot labels sync against the fake GitLab", () => {
  it("from an empty group creates every label once (project copies outside the group, with board priorities), lists the group labels' priorities as a manual step, and a second sync changes nothing", async () => {
    const { fake, policy } = await emptyGitLab();
    const defs = policy.taxonomy.definitions;
    const outside = policy.scope.projects.filter((p) => !isInGroup(policy, p.path)).map((p) => p.path);
    const inside = policy.scope.projects.filter((p) => isInGroup(policy, p.path)).map((p) => p.path);
    expect(outside.length).toBeGreaterThan(0);
    expect(inside.length).toBeGreaterThan(0);

    const first = await sync(fake.url);
    expect(first.errors).toEqual([]);

    const labels = fake.labels();
    const owned = (owner: string) => labels.filter((l) => l.owner === owner).sort((a, b) => a.name.localeCompare(b.name));
    const expected = defs.map((d) => ({ name: d.name, color: d.color, description: d.description })).sort((a, b) => a.name.localeCompare(b.name));
    for (const owner of [policy.scope.group, ...outside]) {
      expect(owned(owner).map((l) => ({ name: l.name, color: l.color, description: l.description })), owner).toEqual(expected);
    }
    for (const p of inside) expect(owned(p), p).toEqual([]);
    expect(fake.createdLabels).toEqual([]);

    // Project copies outside the group get their board priority with the label; group labels in
    // projects inside the group cannot get one through the API, so none is attempted.
    const boardOrder = [...policy.taxonomy.set("MktgOpsPriority")!.labels, ...policy.taxonomy.set("ABM-Priority")!.labels];
    const ranked = (p: string) => [...fake.labelPriorities(p).entries()].sort((a, b) => a[1] - b[1]);
    for (const p of outside) expect(ranked(p), p).toEqual(boardOrder.map((name, i) => [name, i + 1]));
    for (const p of inside) expect(ranked(p), p).toEqual([]);
    expect(fake.writes().filter((w) => w.method === "PUT")).toEqual([]);
    expect(first.manualPriorities.map((m) => [m.project, m.name, m.to])).toEqual(inside.flatMap((p) => boardOrder.map((name, i) => [p, name, i + 1])));

    // Request figures: one listing per owner, one write per label and owner.
    expect(first.requests.writes).toBe(defs.length * (1 + outside.length));
    expect(first.requests.reads).toBe(1 + policy.scope.projects.length);
    expect(first.fixes.every((f) => f.outcome.status === "done")).toBe(true);
    const text = renderSyncReport(first);
    expect(text).toContain(`Outside the group: ${outside.join(", ")}`);
    expect(text).toContain("grey label");
    expect(text).toContain(`created ${defs.length} labels`);
    expect(text.match(/By hand in GitLab/g)).toHaveLength(1);
    for (const p of inside) expect(text).toContain(`  ${p}: 1 "${boardOrder[0]}", 2 "${boardOrder[1]}"`);
    expect(text).not.toContain("FAILED");

    fake.resetCounters();
    const second = await sync(fake.url);
    expect(second.fixes).toEqual([]);
    expect(second.requests.writes).toBe(0);
    expect(fake.writes()).toEqual([]);
    expect(renderSyncReport(second)).toContain("GitLab already matches labels.yml");

    // Once a person has prioritised them in GitLab, the manual step is gone.
    for (const p of inside) boardOrder.forEach((name, i) => fake.prioritiseLabel(p, name, i + 1));
    const third = await sync(fake.url);
    expect(third.manualPriorities).toEqual([]);
    expect(renderSyncReport(third)).not.toContain("By hand in GitLab");
  });

  it("a board that already spells the priorities its own way: no second spelling created, nothing relabelled, the labels.yml change proposed (sync and migrate)", async () => {
    const { fake, policy } = await emptyGitLab();
    const group = policy.scope.group;
    const mops = policy.scope.projects.find((p) => p.roles.includes("mops"))!.path;
    const boardSpelling = ["MktgOpsPriority::00-Urgent", "MktgOpsPriority::01-High", "MktgOpsPriority::02-Medium", "MktgOpsPriority::03-Low"];
    for (const name of boardSpelling) fake.addLabel({ group, name, color: "#d9534f" });
    for (let i = 0; i < 8; i++) fake.addIssue(mops, { title: `Prioritised ${i}`, labels: [boardSpelling[i % 4]!], author: "mops-bot" });

    const first = await sync(fake.url);
    expect(first.errors).toEqual([]);
    const names = new Set(fake.labels().map((l) => l.name));
    for (const name of policy.taxonomy.set("MktgOpsPriority")!.labels) expect(names.has(name), name).toBe(false);
    expect(names.has("MktgOps::00: Triage")).toBe(true); // the rest of labels.yml is created as usual
    expect(first.spellings.map((s) => [s.gitlab, s.policy, s.gitlabCarriers, s.policyCarriers])).toEqual(
      boardSpelling.map((name) => [name, name.replace("::", ":: "), 2, 0]),
    );
    const text = renderSyncReport(first);
    expect(text).toContain("Spelling: GitLab already uses another spelling of 4 labels");
    expect(text).toContain('in the set `MktgOpsPriority`: value: "02-Medium" (instead of " 02-Medium")');
    expect(text).toContain('under aliases: "MktgOpsPriority:: 02-Medium": "MktgOpsPriority::02-Medium"');
    expect(text).toContain(`"MktgOpsPriority::02-Medium" is on 2 issues and MRs; labels.yml's "MktgOpsPriority:: 02-Medium" on 0`);

    fake.resetCounters();
    const migration = await runLabelMigration({ ...(await runtimeFor(fake.url)), dryRun: false }, { includeClosed: false, deleteAliases: false });
    expect(migration.errors).toEqual([]);
    expect(migration.resources).toEqual([]);
    expect(fake.writes()).toEqual([]);
    expect(migration.spellings.map((s) => s.gitlab)).toEqual(boardSpelling);
    expect(renderMigrationReport(migration)).toContain("labels migrate moved no issue or merge request off them");
    for (const i of fake.issues(mops)) expect(i.labels.every((l) => boardSpelling.includes(l)), i.title).toBe(true);
  });

  it("a board that spells the priorities its own way: the sweep leaves their labels alone and adopt --dry-run says so; a slip on a board that follows labels.yml is still repaired", async () => {
    const { fake, policy } = await emptyGitLab();
    const group = policy.scope.group;
    const mops = policy.scope.projects.find((p) => p.roles.includes("mops"))!.path;
    const boardSpelling = ["MktgOpsPriority::02-Medium", "MktgOpsPriority::03-Low"];
    for (const name of boardSpelling) fake.addLabel({ group, name });
    const issues = Array.from({ length: 6 }, (_, i) => fake.addIssue(mops, { title: `Prioritised ${i}`, labels: ["MktgOps::00: Triage", boardSpelling[i % 2]!], author: "mops-bot" }));

    const { text } = await adopt({ ...(await runtimeFor(fake.url, true)), dryRun: true });
    expect(text).toContain('Left alone: your board spells these labels its own way');
    expect(text).toContain(`"MktgOpsPriority::02-Medium" on 3 issue(s)/MR(s); labels.yml's "MktgOpsPriority:: 02-Medium" on 0`);

    const report = await runSweep({ ...(await runtimeFor(fake.url)), dryRun: false });
    expect(report.errors).toEqual([]);
    for (const i of issues) expect(fake.issue(mops, i.iid).labels.filter((l) => l.startsWith("MktgOpsPriority")), i.title).toEqual([boardSpelling[(i.iid - issues[0]!.iid) % 2]]);

    // The team moves to labels.yml's spelling on most issues: the last slips are repaired again.
    fake.addLabel({ group, name: "MktgOpsPriority:: 02-Medium" });
    for (let i = 0; i < 10; i++) fake.addIssue(mops, { title: `Spelled as labels.yml ${i}`, labels: ["MktgOps::00: Triage", "MktgOpsPriority:: 02-Medium"], author: "mops-bot" });
    await runSweep({ ...(await runtimeFor(fake.url)), dryRun: false });
    expect(fake.issue(mops, issues[0]!.iid).labels).toContain("MktgOpsPriority:: 02-Medium");
  });

  it("a board that follows labels.yml but for one slip: the slip is an alias as usual, and labels.yml's spelling is created", async () => {
    const { fake, policy } = await emptyGitLab();
    const group = policy.scope.group;
    const mops = policy.scope.projects.find((p) => p.roles.includes("mops"))!.path;
    for (const name of ["MktgOpsPriority:: 03-Low", "MktgOpsPriority::00-Urgent"]) fake.addLabel({ group, name });
    for (let i = 0; i < 3; i++) fake.addIssue(mops, { title: `Low ${i}`, labels: ["MktgOpsPriority:: 03-Low"], author: "mops-bot" });
    fake.addIssue(mops, { title: "Slip", labels: ["MktgOpsPriority::00-Urgent"], author: "mops-bot" });
    const report = await sync(fake.url);
    expect(report.spellings).toEqual([]);
    expect(fake.labels().some((l) => l.name === "MktgOpsPriority:: 00-Urgent")).toBe(true);
    expect(renderSyncReport(report)).toContain('"MktgOpsPriority::00-Urgent": 1 open issue, 0 open MRs (group ' + group + ') — alias of "MktgOpsPriority:: 00-Urgent"');
  });

  it("repairs colours and descriptions that drifted, and reports unknown labels grouped with their open issue and MR counts", async () => {
    const sb = await startSandbox();
    closers.push(() => sb.close());
    const group = sb.policy.scope.group;
    const mops = sb.projects.mops;
    const marketo = sb.fake.labels().find((l) => l.owner === group && l.name === "Marketo")!;
    sb.fake.addLabel({ group, name: "MktgOps::9 - Archive", color: "#999999" });
    sb.fake.addLabel({ project: mops, name: "MktgOps::9 - Old Project Copy", color: "#999999" });
    sb.fake.addLabel({ group, name: "Misc old label" });
    sb.fake.addIssue(mops, { title: "Archived thing", labels: ["MktgOps::9 - Archive"], author: "mops-bot" });
    sb.fake.addIssue(mops, { title: "Archived closed thing", labels: ["MktgOps::9 - Archive"], state: "closed" });
    sb.fake.addMergeRequest(mops, { title: "Archived MR", labels: ["MktgOps::9 - Archive", "MktgOps::9 - Old Project Copy"] });

    // A person changed Marketo's colour in the group.
    const put = await fetch(`${sb.fake.apiUrl}/groups/${encodeURIComponent(group)}/labels/${marketo.id}`, {
      method: "PUT",
      headers: { "private-token": SANDBOX_TOKEN, "content-type": "application/json" },
      body: JSON.stringify({ color: "#123456", description: "changed by hand" }),
    });
    expect(put.ok).toBe(true);

    const dry = await sync(sb.fake.url, true);
    expect(dry.requests.writes).toBe(0);
    const archive = dry.drift.find((g) => g.prefix === "MktgOps::")!;
    expect(archive.labels.map((l) => [l.name, l.owner.path, l.openIssues, l.openMergeRequests])).toEqual(
      expect.arrayContaining([
        ["MktgOps::9 - Archive", group, 1, 1],
        ["MktgOps::9 - Old Project Copy", mops, 0, 1],
      ]),
    );
    // Aliases in GitLab are drift too, marked as such.
    expect(dry.drift.flatMap((g) => g.labels).find((l) => l.name === "MtkgOpsPrio::04: Actioned" && l.owner.path === group)).toMatchObject({ kind: "alias", canonical: "MktgOpsPrio::04: Actioned" });
    const text = renderSyncReport(dry);
    expect(text).toContain("dry run");
    expect(text).toMatch(/MktgOps:: — \d+ labels, \d+ open issues?, \d+ open MRs?/);
    expect(text).toContain('would update "Marketo": colour #123456 -> #0033cc, description');

    const real = await sync(sb.fake.url);
    expect(real.errors).toEqual([]);
    const fixed = sb.fake.labels().find((l) => l.id === marketo.id)!;
    expect([fixed.color, fixed.description]).toEqual(["#0033cc", "Used to highlight one of our tech stack tools (Marketo)"]);
    // Nothing is deleted: every unknown label is still there.
    for (const name of ["MktgOps::9 - Archive", "MktgOps::9 - Old Project Copy", "Misc old label"]) expect(sb.fake.labels().some((l) => l.name === name)).toBe(true);
    expect(sb.fake.writes().some((w) => w.method === "DELETE")).toBe(false);
  });

  it("runs from the command line, with the outside-the-group explanation and exit code 0", async () => {
    const { fake } = await emptyGitLab();
    const saved = { url: process.env.GITLAB_URL, token: process.env.GITLAB_TOKEN };
    process.env.GITLAB_URL = fake.url;
    process.env.GITLAB_TOKEN = SANDBOX_TOKEN;
    const out: string[] = [];
    try {
      const code = await main(["node", "mops-bot", "labels", "sync", "--dry-run"], { out: (t) => out.push(t), err: (t) => out.push(t) });
      expect(code).toBe(0);
    } finally {
      process.env.GITLAB_URL = saved.url;
      process.env.GITLAB_TOKEN = saved.token;
      if (saved.url === undefined) delete process.env.GITLAB_URL;
      if (saved.token === undefined) delete process.env.GITLAB_TOKEN;
    }
    const text = out.join("\n");
    expect(text).toContain("labels sync (dry run: nothing was written)");
    expect(text).toContain("Group labels do not reach");
    expect(text).toContain("would create");

    // For real, and again: the group labels' priorities are a manual step, never a failure.
    for (const round of [1, 2]) {
      const real: string[] = [];
      process.env.GITLAB_URL = fake.url;
      process.env.GITLAB_TOKEN = SANDBOX_TOKEN;
      try {
        const code = await main(["node", "mops-bot", "labels", "sync"], { out: (t) => real.push(t), err: (t) => real.push(t) });
        expect(code, `run ${round}: ${real.join("\n")}`).toBe(0);
      } finally {
        process.env.GITLAB_URL = saved.url;
        process.env.GITLAB_TOKEN = saved.token;
        if (saved.url === undefined) delete process.env.GITLAB_URL;
        if (saved.token === undefined) delete process.env.GITLAB_TOKEN;
      }
      expect(real.join("\n")).toContain("By hand in GitLab");
      expect(real.join("\n")).not.toMatch(/FAILED|Label Not Found|check the path/);
    }
  });
});
