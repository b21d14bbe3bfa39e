/**
 * Adoption benchmark: switching the bot on for a realistic 5,000-issue board (bench/support/
 * realisticBoard.ts: a quarter unlabelled, a fifth stage-only, a tenth old labels, ages up to two
 * years) with the shipped policies, then 28 simulated days with a movable clock (a nightly sweep
 * and the SLA job each day, a few new requests a day).
 *
 * Prints, for `adopt` and the first sweep after it: notes, notes on backlog issues, mentions per
 * person, adoption report issues per project; over the 28 days: notes per day and the largest
 * number of scheduled mentions one person got in a day. `--before` runs the same with the
 * behaviour before rollout.yml (no adoption date, no attention budget) for comparison.
 * Run: `npx tsx bench/adoption.ts [--size 5000] [--days 28] [--new-per-day 10] [--before] [--show]`.
 *
 * Note pacing is lifted (it is waiting, not work: at GitLab.com's 60 a minute the before-run's
 * first sweep alone would take over an hour of wall time).
 */
import { pino } from "pino";
import { runSweep } from "../src/jobs/sweep.js";
import { slaJob } from "../src/jobs/sla.js";
import { loadPolicies } from "../src/policy/load.js";
import type { CompiledPolicy } from "../src/policy/model.js";
import { adopt } from "../src/rollout/commands.js";
import { adoptionMarker } from "../src/rollout/report.js";
import { mentionedIn } from "../src/domain/text.js";
import { openRuntime } from "../src/runtime.js";
import { startFakeGitlab } from "../test/support/fakeGitlab/index.js";
import { numberArg } from "./support/args.js";
import { seededRandom } from "./support/board.js";
import { seedRealisticBoard } from "./support/realisticBoard.js";

const SIZE = numberArg("size", 5000, 10, 50_000);
const DAYS = numberArg("days", 28, 0, 90);
const NEW_PER_DAY = numberArg("new-per-day", 10, 0, 500);
const BEFORE = process.argv.includes("--before");
const TOKEN = "bench-token";
const DAY = 86_400_000;
const START = new Date("2026-11-18T15:00:00Z"); // a Wednesday, 10:00 in the team's zone
let now = START;

const shipped = await loadPolicies("policies");
const adoptedOn = "2026-11-18";
/** The shipped policies adopted today, or (--before) as the bot was before rollout.yml. */
function withMode(policy: CompiledPolicy): CompiledPolicy {
  if (BEFORE) {
    const { rollout: _dropped, ...rest } = policy;
    return rest;
  }
  return { ...policy, rollout: { ...policy.rollout!, adoptedOn } };
}
const policy = withMode(shipped);
const bot = policy.scope.botUsername;

const fake = await startFakeGitlab({ token: TOKEN, botUsername: bot, now: () => now, rateLimit: { perMinute: 1_000_000 } });
const board = seedRealisticBoard(fake, shipped, now, SIZE);
const backlogCutoff = new Date("2026-11-18T05:00:00Z"); // midnight in the team's zone

async function runtime() {
  const opened = await openRuntime({
    policiesDir: "policies",
    connection: { url: fake.url, token: TOKEN },
    dryRun: false,
    logger: pino({ level: "silent" }),
    clock: () => now,
    concurrency: 16,
    platform: { notesPerMinute: 1_000_000, retry: { attempts: 3, baseMs: 1, maxMs: 5 } },
  });
  return { ...opened, policy, dryRun: false };
}

/** The bot's mentions so far, by person, from its notes and the descriptions of its own issues. */
function mentionLedger(): { notes: { id: number; backlog: boolean; people: string[] }[]; descriptions: Map<string, Set<string>> } {
  const notes: { id: number; backlog: boolean; people: string[] }[] = [];
  const descriptions = new Map<string, Set<string>>();
  for (const i of fake.issues()) {
    if (i.author === bot) descriptions.set(i.ref, new Set(mentionedIn(i.description ?? "")));
    for (const n of i.notes) if (n.author === bot) notes.push({ id: n.id, backlog: i.author !== bot && new Date(i.createdAt) < backlogCutoff, people: mentionedIn(n.body).filter((p) => p !== bot) });
  }
  return { notes, descriptions };
}

interface Window {
  notes: number;
  backlogNotes: number;
  mentions: Map<string, number>;
}

/** What the bot said between two ledgers: notes, notes on backlog issues, mentions per person (new description mentions included). */
function between(before: ReturnType<typeof mentionLedger>, after: ReturnType<typeof mentionLedger>): Window {
  const seen = new Set(before.notes.map((n) => n.id));
  const fresh = after.notes.filter((n) => !seen.has(n.id));
  const mentions = new Map<string, number>();
  const add = (p: string) => mentions.set(p, (mentions.get(p) ?? 0) + 1);
  for (const n of fresh) n.people.forEach(add);
  for (const [ref, people] of after.descriptions) for (const p of people) if (!before.descriptions.get(ref)?.has(p)) add(p);
  return { notes: fresh.length, backlogNotes: fresh.filter((n) => n.backlog).length, mentions };
}

const fmtMentions = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} ${n}`).join(", ") || "none";
const reportsPerProject = () =>
  policy.scope.projects.map((p) => `${p.path.split("/").pop()}: ${fake.issues(p.path).filter((i) => i.author === bot && (i.description ?? "").includes(adoptionMarker(p.path))).length}`).join(", ");

const t0 = performance.now();
console.log(`Board: ${SIZE} issues (${board.open.length} open) in ${board.mops}; mode: ${BEFORE ? "before rollout.yml (no adoption, no budget)" : `adopted ${adoptedOn}, shipped rollout.yml`}`);

const start = mentionLedger();
if (!BEFORE) await adopt(await runtime());
else await runSweep(await runtime());
const afterAdopt = mentionLedger();
const first = between(start, afterAdopt);
// --show: the bot's notes on backlog issues, to see which rule still speaks there.
if (process.argv.includes("--show")) {
  for (const i of fake.issues()) {
    if (i.author === bot || new Date(i.createdAt) >= backlogCutoff) continue;
    for (const n of i.notes) if (n.author === bot) console.log(i.ref, n.body.slice(0, 160).replace(/\n/g, " "));
  }
}
console.log(`\n${BEFORE ? "First nightly sweep" : "adopt"}: ${first.notes} notes, ${first.backlogNotes} on backlog issues; mentions: ${fmtMentions(first.mentions)}; adoption reports: ${reportsPerProject()}`);

now = new Date(now.getTime() + 60_000 * 30);
await runSweep(await runtime());
const afterSweep = mentionLedger();
const second = between(afterAdopt, afterSweep);
console.log(`First live sweep after it (same day): ${second.notes} notes, ${second.backlogNotes} on backlog issues; mentions: ${fmtMentions(second.mentions)}`);

// 28 days: new requests arrive, a nightly sweep and the SLA job run each day.
const random = seededRandom(11);
const REQUESTERS = ["dan.fieldmktg", "erin.events", "fay.content", "gus.abm"];
const stages = shipped.taxonomy.set("MktgOps")?.labels ?? [];
let ledger = afterSweep;
let worstDay = { day: "", person: "", count: 0 };
const perDay: string[] = [];
for (let d = 1; d <= DAYS; d++) {
  now = new Date(START.getTime() + d * DAY);
  for (let k = 0; k < NEW_PER_DAY; k++) {
    const shape = random();
    const labels = shape < 0.25 ? [] : shape < 0.5 ? [stages[Math.floor(random() * stages.length)]!] : ["MktgOps::00: Triage"];
    fake.addIssue(board.mops, {
      title: `New request ${d}.${k}`,
      description: "As a field marketer, I would like a list pulled, so that the event follow-up goes out.",
      author: REQUESTERS[k % REQUESTERS.length]!,
      labels,
      createdAt: new Date(now.getTime() - 3_600_000 * (1 + k)),
    });
  }
  const rt = await runtime();
  await runSweep(rt);
  await slaJob.run(rt);
  const next = mentionLedger();
  const w = between(ledger, next);
  ledger = next;
  const top = [...w.mentions.entries()].sort((a, b) => b[1] - a[1])[0];
  if (top && top[1] > worstDay.count) worstDay = { day: now.toISOString().slice(0, 10), person: top[0], count: top[1] };
  perDay.push(`${now.toISOString().slice(5, 10)}:${w.notes}`);
}
if (DAYS > 0) {
  console.log(`\nOver ${DAYS} days (${NEW_PER_DAY} new requests a day; nightly sweep + SLA job daily):`);
  console.log(`  most scheduled mentions of one person in one day: ${worstDay.count}${worstDay.count > 0 ? ` (${worstDay.person} on ${worstDay.day})` : ""}`);
  console.log(`  notes per day: ${perDay.join(" ")}`);
}
console.log(`\nWall time: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
await fake.close();
