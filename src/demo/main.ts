/**
 * `npm run demo`: the bot's main job, the sweep, against a sandbox GitLab seeded with a realistic
 * MOps board. No token, no server to install: it starts the bundled fake GitLab on loopback,
 * shows a dry run, applies it, shows that a second sweep has nothing left to do, and prints the
 * notes the bot left so a MOps reader sees what their colleagues would see.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startFakeGitlab } from "../../test/support/fakeGitlab/index.js";
import { renderReportText } from "../engine/report.js";
import { runSweep } from "../jobs/sweep.js";
import { loadConfig, policiesDirOf, type Config } from "../config.js";
import { createLogger } from "../logging.js";
import type { CompiledPolicy } from "../policy/model.js";
import { loadPolicies } from "../policy/load.js";
import { PolicyError, formatProblem } from "../policy/problems.js";
import { writeReport } from "../report/run.js";
import { openRuntime } from "../runtime.js";
import { createRuleContext } from "../engine/context.js";
import { buildRules } from "../rules/registry.js";
import { DEMO_ISSUES } from "./board.js";
import { findContradictions } from "./contradictions.js";
import { seedBoard } from "./seedBoard.js";

const TOKEN = "demo-token";
const rule = (title: string) => `\n${"=".repeat(8)} ${title} ${"=".repeat(Math.max(4, 80 - title.length))}`;

/**
 * The demo board stands for issues opened after the bot was switched on, so that every rule shows
 * what it does; `mops-bot adopt --dry-run` is what shows the quiet first day on a real backlog.
 */
function adoptedBeforeTheBoard(policy: CompiledPolicy): CompiledPolicy {
  return policy.rollout === undefined ? policy : { ...policy, rollout: { ...policy.rollout, adoptedOn: "2000-01-01" } };
}

/** The demo needs no GitLab: of the configuration it uses MOPS_POLICIES_DIR and LOG_LEVEL (default warn). */
export async function runDemo(out: (line: string) => void = console.log, config: Pick<Config, "policiesDir" | "logLevel"> = loadConfig({})): Promise<number> {
  const policiesDir = policiesDirOf(config);
  const policy = adoptedBeforeTheBoard(await loadPolicies(policiesDir));
  const now = new Date();
  const fake = await startFakeGitlab({ token: TOKEN, botUsername: policy.scope.botUsername });
  try {
    const { milestones } = seedBoard(fake, policy, now);
    out(`Sandbox GitLab at ${fake.url} with group ${policy.scope.group}: ${DEMO_ISSUES.length} issues, milestones "${milestones.past}" (closed), "${milestones.current}" (current), "${milestones.next}" (next).`);
    out(`Policies: ${policiesDir}/ (${policy.taxonomy.definitions.length} labels, ${policy.workflows.length} workflow(s)).`);
    const planted = DEMO_ISSUES.filter((d) => d.planted);
    out(`Planted problems for the bot to find (${planted.length}):`);
    for (const d of planted) out(`  - ${d.title.split("\n")[0]}: ${d.planted}`);

    const logger = createLogger({ logLevel: config.logLevel ?? "warn" });
    const sweep = async (dryRun: boolean, title: string) => {
      const opened = await openRuntime({ policiesDir, connection: { url: fake.url, token: TOKEN }, dryRun, logger });
      const runtime = { ...opened, policy: adoptedBeforeTheBoard(opened.policy) };
      const report = await runSweep({ ...runtime, dryRun });
      out(rule(title));
      out(renderReportText(report, { maxResources: 100 }));
      return { report, runtime };
    };

    await sweep(true, "1. Dry run: what the bot would do");
    const { report: applied, runtime } = await sweep(false, "2. The same sweep, applied");
    // Every note the applied sweep left, held against the state it left.
    const contradictions = await findContradictions(applied, {
      platform: runtime.platform,
      rules: buildRules(policy),
      ctx: { ...createRuleContext(policy, runtime.calendar, runtime.clock(), await runtime.platform.milestones()), botUsername: policy.scope.botUsername },
    });
    const { report: again } = await sweep(false, "3. A second sweep right after: nothing left to do");

    out(rule("4. Notes the bot left (as people see them in GitLab)"));
    for (const r of applied.resources.filter((x) => x.actions.some((a) => a.type === "comment")).slice(0, 4)) {
      const [path, iid] = r.ref.split("#") as [string, string];
      const notes = fake.issue(path, Number(iid)).notes?.filter((n) => n.author === policy.scope.botUsername) ?? [];
      out(`\n${r.ref} ${r.title.split("\n")[0]}\n${notes.map((n) => n.body.replace(/^/gm, "  | ")).join("\n")}`);
    }
    out(rule("5. The report page MOps read (mops-bot report)"));
    const page = await writeReport(await openRuntime({ policiesDir, connection: { url: fake.url, token: TOKEN }, dryRun: true, logger }), {
      out: path.resolve("demo-out", "report"),
      gitlabUrl: fake.url,
    });
    out(`Report written to ${page.index}\nOpen it in a browser: ${pathToFileURL(page.index).href}`);

    const writesSecond = again.resources.reduce((n, r) => n + r.actions.length, 0);
    out(rule("Summary"));
    out(`Changed ${applied.resources.filter((r) => r.actions.length > 0).length} of ${applied.read.issues + applied.read.mergeRequests} resources; the second sweep made ${writesSecond} changes.`);
    const botLabels = fake.createdLabels.filter((l) => l.by === policy.scope.botUsername).length;
    const botCommands = fake.quickActionsExecuted.filter((q) => q.by === policy.scope.botUsername).length;
    out(`Labels the bot created by accident: ${botLabels}; quick actions its notes triggered: ${botCommands}.`);
    out(`Contradictions: ${contradictions.length} (notes whose reason the state left by the same sweep makes false).`);
    for (const c of contradictions) out(`  ${c.ref}: the note of "${c.rule}" (${c.marker}) is no longer true`);
    out("Point the bot at your GitLab: see README.md, \"Use it on your GitLab\".");
    return applied.errors.length + again.errors.length > 0 || writesSecond > 0 || contradictions.length > 0 ? 1 : 0;
  } finally {
    await fake.close();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMain) {
  // The demo's own entry point: it hands the process environment to the configuration.
  runDemo(console.log, loadConfig(process.env))
    .then((code) => (process.exitCode = code))
    .catch((e: unknown) => {
      if (e instanceof PolicyError) console.error(`The policies have problems:\n${e.problems.map(formatProblem).join("\n")}`);
      else console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    });
}
