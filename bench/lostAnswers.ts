/**
 * Lost-answer benchmark (loopback only, bounded). A proxy in front of GitLab answers 504 to a share
 * of the POSTs although GitLab carried them out. Counts what the bot then writes more than once:
 *
 * 1. the first sweep of the demo board (notes on its issues), with `--note-loss` of the POSTs lost;
 * 2. tool audits (one issue per tool and period), with `--issue-loss` of the POSTs lost.
 *
 *   npx tsx bench/lostAnswers.ts [--note-loss 0.3] [--issue-loss 0.5] [--runs 3]
 */
import { pino } from "pino";
import { markersIn } from "../src/domain/markers.js";
import { runSweep } from "../src/jobs/sweep.js";
import { loadPolicies } from "../src/policy/load.js";
import { openRuntime } from "../src/runtime.js";
import { runToolAudits } from "../src/tools/job.js";
import type { FakeGitlab } from "../test/support/fakeGitlab/index.js";
import { BENCH_NOW, BENCH_TOKEN, startBoard } from "./support/board.js";
import { numberArg } from "./support/args.js";

const NOTE_LOSS = numberArg("note-loss", 0.3, 0, 0.9);
const ISSUE_LOSS = numberArg("issue-loss", 0.5, 0, 0.9);
const RUNS = numberArg("runs", 3, 1, 20);

const policy = await loadPolicies("policies");
const bot = policy.scope.botUsername;

async function board(seed: number): Promise<{ fake: FakeGitlab; open: () => ReturnType<typeof openRuntime> }> {
  // Each run draws its lost answers from a seed of its own, so each loses a different set.
  const { fake } = await startBoard(policy, { size: 0, clock: () => BENCH_NOW, seed });
  const open = () =>
    openRuntime({
      policiesDir: "policies",
      connection: { url: fake.url, token: BENCH_TOKEN },
      dryRun: false,
      clock: () => BENCH_NOW,
      logger: pino({ level: "silent" }),
      platform: { retry: { attempts: 4, baseMs: 1, maxMs: 5 }, sleep: async () => {} },
    });
  return { fake, open };
}

const lost = (fake: FakeGitlab) => fake.requests.filter((r) => r.method === "POST" && r.status === 504).length;

/** Bot notes per issue by marker: how many markers were posted, and how many of them more than once. */
function noteCopies(fake: FakeGitlab): { markers: number; duplicated: number; most: number } {
  let markers = 0;
  let duplicated = 0;
  let most = 0;
  for (const project of new Set(fake.issues().map((i) => i.project))) {
    for (const listed of fake.issues(project)) {
      const counts = new Map<string, number>();
      for (const n of fake.issue(project, listed.iid).notes) {
        if (n.author !== bot || n.system) continue;
        for (const m of markersIn(n.body)) counts.set(m, (counts.get(m) ?? 0) + 1);
      }
      markers += counts.size;
      for (const c of counts.values()) {
        if (c > 1) duplicated++;
        most = Math.max(most, c);
      }
    }
  }
  return { markers, duplicated, most };
}

console.log(`lost-answer benchmark, loopback only; ${RUNS} runs of each part, each with its own seed\n`);
console.log(`1. first sweep of the demo board, ${NOTE_LOSS * 100}% of POST answers lost after the write`);
for (let run = 1; run <= RUNS; run++) {
  const { fake, open } = await board(1000 + run);
  try {
    fake.faults = { rateLostPost: NOTE_LOSS };
    const report = await runSweep({ ...(await open()), dryRun: false });
    const c = noteCopies(fake);
    console.log(`  run ${run}: ${lost(fake)} answers lost; ${c.markers} note markers, ${c.duplicated} posted more than once (at most ${c.most} copies); ${report.errors.length} errors`);
  } finally {
    await fake.close();
  }
}

console.log(`\n2. tool audits, ${ISSUE_LOSS * 100}% of POST answers lost after the write`);
for (let run = 1; run <= RUNS; run++) {
  const { fake, open } = await board(2000 + run);
  try {
    fake.faults = { rateLostPost: ISSUE_LOSS };
    const report = await runToolAudits({ ...(await open()), dryRun: false });
    const perMarker = new Map<string, number>();
    for (const i of fake.issues()) {
      if (i.author !== bot) continue;
      for (const m of markersIn(fake.issue(i.project, i.iid).description ?? "")) if (m.startsWith("tool-")) perMarker.set(m, (perMarker.get(m) ?? 0) + 1);
    }
    const issues = [...perMarker.values()].reduce((a, b) => a + b, 0);
    console.log(`  run ${run}: ${lost(fake)} answers lost; ${issues} issues for ${perMarker.size} tool periods (at most ${Math.max(0, ...perMarker.values())} for one); ${report.errors.length} errors`);
  } finally {
    await fake.close();
  }
}
