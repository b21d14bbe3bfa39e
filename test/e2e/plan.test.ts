/**
 * `mops-bot plan` end to end: two policy folders, the GitLab adapter over HTTP, and the fake GitLab
 * seeded with the demo board. The plan must name exactly the resources whose outcome changes,
 * read the scope once, write nothing but its own merge request comment, and keep that comment
 * to one per merge request.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ISSUES } from "../../src/demo/board.js";
import { formatRef } from "../../src/domain/snapshot.js";
import { createBusinessCalendar } from "../../src/domain/calendar.js";
import { createGitLabPlatform } from "../../src/gitlab/index.js";
import { runSweep } from "../../src/jobs/sweep.js";
import { runPlanCommand } from "../../src/plan/commands.js";
import { computePlan, type PlanReport } from "../../src/plan/plan.js";
import { loadPolicies } from "../../src/policy/load.js";
import { SANDBOX_NOW, SANDBOX_TOKEN, type Sandbox, startSandbox } from "../support/sandbox.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";
import { loadConfig } from "../../src/config.js";

const silent = pino({ level: "silent" });
const fastRetries = { retry: { attempts: 3, baseMs: 1, maxMs: 2 }, sleep: async () => {} };
const POLICY_PROJECT = "gitlab-com/marketing/mops-bot-config";

let sb: Sandbox;
let tmp: string;
let after: string;

beforeEach(async () => {
  sb = await startSandbox();
  tmp = await mkdtemp(path.join(tmpdir(), "plan-e2e-"));
  after = path.join(tmp, "after", "policies");
  await cp(TEST_POLICIES_DIR, after, { recursive: true });
});
afterEach(async () => {
  await sb.close();
  await rm(tmp, { recursive: true, force: true });
});

async function edit(file: string, from: string, to: string): Promise<void> {
  const full = path.join(after, file);
  const text = await readFile(full, "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  await writeFile(full, text.replace(from, to));
}

/** Two real changes: list imports may keep the triage label; a blocked issue's assignee gets no reminder. */
async function changePolicies(): Promise<void> {
  await edit("hygiene.yml", /conflicts:[\s\S]*$/.exec(await readFile(path.join(after, "hygiene.yml"), "utf8"))![0], "conflicts: []\n");
  await edit("workflows/mktgops-stage.yml", '  - value: "07: Blocked"\n    remind: { comment_after_label: true }', '  - value: "07: Blocked"\n    requires: {}');
}

const connection = () => ({ url: sb.fake.url, token: SANDBOX_TOKEN });
const plan = (base: string, dir: string) =>
  computePlan({ dir, base, connection, now: SANDBOX_NOW, logger: silent, platform: fastRetries }) as Promise<PlanReport>;

const refOf = (title: string) => {
  const d = DEMO_ISSUES.find((x) => x.title === title)!;
  const project = sb.projects[d.project];
  const iid = sb.fake.issues(project).find((i) => i.title === title)!.iid;
  return formatRef({ kind: "issue", path: project, iid });
};

/** The oracle: two separate dry-run sweeps, one per policy folder, compared resource by resource. */
async function separateSweeps(dir: string): Promise<Map<string, string[]>> {
  const policy = await loadPolicies(dir);
  const calendar = createBusinessCalendar(policy.calendar);
  const platform = createGitLabPlatform({
    url: sb.fake.url, token: SANDBOX_TOKEN, policy, dryRun: true, clock: () => SANDBOX_NOW, today: (n) => calendar.today(n), ...fastRetries,
  });
  const report = await runSweep({ policy, calendar, platform, clock: () => SANDBOX_NOW, logger: silent, dryRun: true });
  return new Map(report.resources.map((r) => [r.ref, r.actions.map((a) => JSON.stringify({ ...a, reason: undefined })).sort()]));
}

describe("mops-bot plan between two policy folders", () => {
  it("lists exactly the resources whose outcome changed, per rule, and writes nothing", async () => {
    await changePolicies();
    sb.fake.resetCounters();
    const report = await plan(TEST_POLICIES_DIR, after);
    expect(report.status).toBe("ok");
    expect(report.errors).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);

    const byRule = Object.fromEntries(report.changed.map((c) => [c.rule, c]));
    expect(Object.keys(byRule).sort()).toEqual(["label-hygiene", "triage:triage-dri-ping", "workflow:mktgops-stage"]);
    // With the list import kept in triage, the ping about its wait in triage is true again.
    expect(byRule["triage:triage-dri-ping"]!.resources.map((r) => [r.ref, r.added])).toEqual([
      [refOf("Import booth scans from the AWS Summit"), [expect.stringMatching(/^note: ".*waiting in triage/)]],
    ]);
    const hygiene = byRule["label-hygiene"]!.resources;
    expect(hygiene.map((r) => r.ref)).toEqual([refOf("Import booth scans from the AWS Summit")]);
    expect(hygiene[0]!.added).toEqual([]);
    expect(hygiene[0]!.removed).toContain('- "MktgOps::00: Triage"');
    // Without the hygiene conflict, a list import without a stage now gets the initial stage; and
    // the assignee of a blocked issue is no longer reminded to say what blocks it.
    const workflow = byRule["workflow:mktgops-stage"]!.resources;
    expect(workflow.map((r) => r.ref)).toEqual([refOf("Monthly newsletter list build"), refOf("ZoomInfo enrichment stopped for new leads")].sort((a, b) => a.localeCompare(b, "en", { numeric: true })));
    const zoomInfo = workflow.find((r) => r.ref === refOf("ZoomInfo enrichment stopped for new leads"))!;
    expect(zoomInfo.added).toEqual([]);
    expect(zoomInfo.removed).toEqual([expect.stringMatching(/^note: "/)]);
    expect(workflow.find((r) => r.ref === refOf("Monthly newsletter list build"))!.added).toEqual(['+ "MktgOps::00: Triage"']);
    expect(report.unchanged.map((u) => u.rule)).toContain("scoped-exclusivity");
    expect(report.filesChanged).toEqual(["hygiene.yml", "workflows/mktgops-stage.yml"]);

    // Independent check: two full dry-run sweeps disagree on exactly these resources.
    const [before, now] = await Promise.all([separateSweeps(TEST_POLICIES_DIR), separateSweeps(after)]);
    const differing = [...new Set([...before.keys(), ...now.keys()])].filter((ref) => JSON.stringify(before.get(ref) ?? []) !== JSON.stringify(now.get(ref) ?? []));
    const listed = [...new Set(report.changed.flatMap((c) => c.resources.map((r) => r.ref)))];
    expect(listed.sort()).toEqual(differing.sort());
  });

  it("lists the scope once and fetches each resource's history once for both policy sets", async () => {
    await changePolicies();
    sb.fake.resetCounters();
    await plan(TEST_POLICIES_DIR, after);
    const counts = sb.fake.countsByRoute();
    // The sweep's listing: one per scope project (each fits on one page), for both policy sets together.
    const listings = sb.fake.requests.filter((r) => r.route === "GET /projects/:id/issues" && r.path.includes("?order_by=created_at&sort=asc&state=opened&per_page"));
    expect(listings).toHaveLength(sb.policy.scope.projects.length);
    expect(counts["GET /groups/:id/issues"]).toBeUndefined();
    const historyPaths = sb.fake.requests.filter((r) => r.route.endsWith("/resource_label_events") || r.route.endsWith("/notes")).map((r) => r.path);
    expect(historyPaths.length).toBeGreaterThan(0);
    expect(new Set(historyPaths).size).toBe(historyPaths.length);
  });

  it("says plainly when a change touches nothing", async () => {
    await edit("hygiene.yml", "# Label housekeeping", "# Label housekeeping (comment only)");
    const report = await plan(TEST_POLICIES_DIR, after);
    expect(report.changed.filter((c) => c.resources.length > 0)).toEqual([]);
    const out: string[] = [];
    const code = await runPlanCommand({ base: TEST_POLICIES_DIR, dir: after }, { out: (t) => out.push(t), err: () => {} }, {
      config: loadConfig({ GITLAB_URL: sb.fake.url, GITLAB_TOKEN: SANDBOX_TOKEN }), now: SANDBOX_NOW, logger: silent, platform: fastRetries,
    });
    expect(code).toBe(0);
    expect(out.join("\n")).toContain("This change does not alter what the bot would do to any open issue or merge request today.");
  });
});

describe("the plan comment on the merge request", () => {
  const env = () => ({ GITLAB_URL: sb.fake.url, GITLAB_TOKEN: SANDBOX_TOKEN, CI_PROJECT_PATH: POLICY_PROJECT });
  const deps = () => ({ config: loadConfig(env()), now: SANDBOX_NOW, logger: silent, platform: fastRetries, commenter: fastRetries });
  const quiet = { out: () => {}, err: () => {} };
  let mr: number;
  beforeEach(() => {
    sb.fake.addProject(POLICY_PROJECT);
    mr = sb.fake.addMergeRequest(POLICY_PROJECT, { title: "Let list imports keep the triage label", author: "amy.owner" }).iid;
  });
  const botNotes = () => sb.fake.mergeRequest(POLICY_PROJECT, mr).notes.filter((n) => n.author === sb.policy.scope.botUsername);

  it("is created once, updated on the next push, and left alone when nothing changed", async () => {
    await edit("hygiene.yml", /conflicts:[\s\S]*$/.exec(await readFile(path.join(after, "hygiene.yml"), "utf8"))![0], "conflicts: []\n");
    expect(await runPlanCommand({ base: TEST_POLICIES_DIR, dir: after, commentOnMr: String(mr) }, quiet, deps())).toBe(0);
    expect(botNotes()).toHaveLength(1);
    expect(botNotes()[0]!.body).toContain("label-hygiene");
    expect(botNotes()[0]!.body).toContain("<!-- mops-bot:policy-plan -->");
    expect(botNotes()[0]!.body).not.toContain("ZoomInfo");

    // The next push also changes the workflow: the same comment is edited.
    await edit("workflows/mktgops-stage.yml", '  - value: "07: Blocked"\n    remind: { comment_after_label: true }', '  - value: "07: Blocked"\n    requires: {}');
    sb.fake.resetCounters();
    expect(await runPlanCommand({ base: TEST_POLICIES_DIR, dir: after, commentOnMr: String(mr) }, quiet, deps())).toBe(0);
    expect(botNotes()).toHaveLength(1);
    expect(botNotes()[0]!.body).toContain("ZoomInfo enrichment stopped for new leads");
    expect(sb.fake.writes().map((w) => w.route)).toEqual(["PUT /projects/:id/merge_requests/:iid/notes/:note_id"]);

    // A rerun of the same pipeline writes nothing.
    sb.fake.resetCounters();
    expect(await runPlanCommand({ base: TEST_POLICIES_DIR, dir: after, commentOnMr: String(mr) }, quiet, deps())).toBe(0);
    expect(sb.fake.writes()).toEqual([]);
    expect(botNotes()).toHaveLength(1);
  });

  it("turns into an error comment listing file:line:col when the policies are broken, and fails", async () => {
    await edit("hygiene.yml", "repair_aliases: true", "repair_aliases: sometimes");
    const err: string[] = [];
    const code = await runPlanCommand({ base: TEST_POLICIES_DIR, dir: after, commentOnMr: String(mr) }, { out: () => {}, err: (t) => err.push(t) }, deps());
    expect(code).toBe(1);
    expect(botNotes()).toHaveLength(1);
    const body = botNotes()[0]!.body;
    expect(body).toContain("have problems");
    expect(body).toMatch(/policies\/hygiene\.yml:\d+:\d+: /);
    expect(sb.fake.writes().map((w) => w.route)).toEqual(["POST /projects/:id/merge_requests/:iid/notes"]);

    // Fixing the policies turns the same comment back into a plan.
    await edit("hygiene.yml", "repair_aliases: sometimes", "repair_aliases: true");
    expect(await runPlanCommand({ base: TEST_POLICIES_DIR, dir: after, commentOnMr: String(mr) }, quiet, deps())).toBe(0);
    expect(botNotes()).toHaveLength(1);
    expect(botNotes()[0]!.body).toContain("does not alter what the bot would do");
  });

  it("names the merge request it cannot find instead of failing obscurely", async () => {
    await expect(runPlanCommand({ base: TEST_POLICIES_DIR, dir: after, commentOnMr: "999" }, quiet, deps())).rejects.toThrow(
      /no merge request !999 in "gitlab-com\/marketing\/mops-bot-config"/,
    );
  });
});
