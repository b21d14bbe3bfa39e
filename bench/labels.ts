/**
 * labels benchmark: GitLab requests and wall time of `labels sync` (from an empty group, then
 * again with nothing to do) and of `labels migrate` on N resources carrying one to three alias
 * labels, against the fake GitLab with simulated latency. Run: `npx tsx bench/labels.ts [--latency 20] [--sizes 100,1000]`.
 */
import { pino } from "pino";
import { runLabelMigration, runLabelSync } from "../src/labels/index.js";
import { loadPolicies } from "../src/policy/load.js";
import type { CompiledPolicy } from "../src/policy/model.js";
import { openRuntime } from "../src/runtime.js";
import { startFakeGitlab, type FakeGitlab } from "../test/support/fakeGitlab/index.js";
import { numberArg, numberListArg } from "./support/args.js";

const LATENCY = numberArg("latency", 20, 0, 5000);
const SIZES = numberListArg("sizes", [100, 1000], 100_000);
const NOW = new Date("2026-11-18T15:00:00Z");
const TOKEN = "bench-token";

async function runtimeFor(url: string) {
  return openRuntime({ policiesDir: "policies", connection: { url, token: TOKEN }, dryRun: false, clock: () => NOW, logger: pino({ level: "silent" }) });
}

async function fakeWithScope(policy: CompiledPolicy): Promise<FakeGitlab> {
  const fake = await startFakeGitlab({ token: TOKEN, botUsername: policy.scope.botUsername, now: () => NOW, latencyMs: LATENCY });
  fake.addGroup(policy.scope.group);
  for (const p of policy.scope.projects) fake.addProject(p.path);
  return fake;
}

function line(what: string, r: { total: number; reads: number; writes: number }, ms: number, extra = ""): void {
  console.log(`${what.padEnd(44)} ${String(r.total).padStart(6)} requests (${r.reads} reads, ${r.writes} writes)  ${String(Math.round(ms)).padStart(6)} ms${extra}`);
}

async function benchSync(policy: CompiledPolicy): Promise<void> {
  const fake = await fakeWithScope(policy);
  try {
    for (const what of ["labels sync, empty group", "labels sync, nothing to change"]) {
      const started = performance.now();
      const report = await runLabelSync({ ...(await runtimeFor(fake.url)), dryRun: false });
      if (report.errors.length > 0) throw new Error(report.errors.join("\n"));
      line(what, report.requests, performance.now() - started);
    }
  } finally {
    await fake.close();
  }
}

async function benchMigration(policy: CompiledPolicy, n: number): Promise<void> {
  const fake = await fakeWithScope(policy);
  try {
    const aliases = [...policy.taxonomy.aliases.keys()];
    const scopeOf = (alias: string) => policy.taxonomy.aliasTarget(alias)!.split("::")[0];
    for (const owner of [{ group: policy.scope.group }, ...policy.scope.projects.filter((p) => !p.path.startsWith(`${policy.scope.group}/`)).map((p) => ({ project: p.path }))]) {
      for (const def of policy.taxonomy.definitions) fake.addLabel({ ...owner, name: def.name, color: def.color });
      for (const alias of aliases) fake.addLabel({ ...owner, name: alias });
    }
    const projects = policy.scope.projects.map((p) => p.path);
    let aliasLabels = 0;
    for (let i = 0; i < n; i++) {
      const primary = aliases[i % aliases.length]!;
      const labels = new Set([primary]);
      if (i % 3 === 0 && scopeOf(primary) !== "MktgOpsPriority") labels.add("MktgOpsPriority::02-Medium");
      if (i % 4 === 0 && scopeOf(primary) !== "mops-bot-sla") labels.add("mops-bot::sla-at-risk");
      aliasLabels += labels.size;
      const project = projects[i % projects.length]!;
      if (i % 10 === 9) fake.addMergeRequest(project, { title: `MR ${i}`, labels: [...labels] });
      else fake.addIssue(project, { title: `Issue ${i}`, labels: [...labels] });
    }
    fake.resetCounters();
    const started = performance.now();
    const report = await runLabelMigration({ ...(await runtimeFor(fake.url)), dryRun: false }, { includeClosed: false, deleteAliases: false });
    if (report.errors.length > 0) throw new Error(report.errors.join("\n"));
    const moved = report.resources.filter((r) => r.outcome.status === "moved").length;
    line(`labels migrate, ${n} resources (${aliasLabels} aliases)`, report.requests, performance.now() - started, `  moved ${moved}`);
    const again = performance.now();
    const rerun = await runLabelMigration({ ...(await runtimeFor(fake.url)), dryRun: false }, { includeClosed: false, deleteAliases: false });
    line(`labels migrate again, nothing left`, rerun.requests, performance.now() - again);
  } finally {
    await fake.close();
  }
}

const policy = await loadPolicies("policies");
console.log(`labels benchmark: ${policy.taxonomy.definitions.length} labels, ${policy.taxonomy.aliases.size} aliases, ${policy.scope.projects.length} projects in scope, ${LATENCY} ms latency per request`);
await benchSync(policy);
for (const n of SIZES) await benchMigration(policy, n);
