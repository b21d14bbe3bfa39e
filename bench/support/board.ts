// The fake GitLab of a load or fault run: the demo board's labels, people and milestones plus a
// pool of healthy issues that people then change in a scripted way, and the end state to compare
// two runs by (labels and the bot's notes of every pool issue).
import { seedBoard } from "../../src/demo/seedBoard.js";
import { markerComment, markerKey } from "../../src/domain/markers.js";
import type { CompiledPolicy } from "../../src/policy/model.js";
import { startFakeGitlab, type FakeGitlab, type RateLimitOptions } from "../../test/support/fakeGitlab/index.js";
import { seededRandom } from "../../test/support/fakeGitlab/seededRandom.js";

export { seededRandom };

export const BENCH_NOW = new Date("2026-11-18T15:00:00Z");
export const BENCH_TOKEN = "bench-token";
export const WEBHOOK_SECRET = "bench-hook-secret";

const STAGE = "MktgOps::04: In Progress";
const TOOL = "Marketo";
/** A misspelling the bot repairs (label hygiene: alias -> canonical label). */
export const PRIORITY_ALIAS = "MktgOpsPriority::02-Medium";
const PRIORITIES = ["MktgOpsPriority:: 01-High", "MktgOpsPriority:: 02-Medium", "MktgOpsPriority:: 03-Low"];
const PERSON = "mops.member1";

/** The environment of a `serve` replica against this board's fake GitLab (PORT 0, the policies the board was seeded from). */
export function serveEnv(board: Board, clockAnchor: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITLAB_URL: board.fake.url,
    GITLAB_TOKEN: BENCH_TOKEN,
    GITLAB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PORT: "0",
    MOPS_POLICIES_DIR: board.policiesDir,
    MOPS_CLOCK_ANCHOR: clockAnchor,
    ...extra,
  };
}

export interface Board {
  fake: FakeGitlab;
  /** Where the policies the board was seeded from live; replicas load the same ones. */
  policiesDir: string;
  project: string;
  /** iids of the pool issues. */
  pool: number[];
}

/**
 * A fake GitLab with the demo board's setup and `size` healthy pool issues. Each pool issue
 * already carries the bot's note for the alias repair (as after an earlier repair), so repairs
 * in the run change labels only and the bot's pace of 60 notes a minute does not set the pace.
 */
export async function startBoard(
  policy: CompiledPolicy,
  options: { size: number; clock: () => Date; rateLimit?: RateLimitOptions; createdHoursAgo?: number; seed?: number },
): Promise<Board> {
  const fake = await startFakeGitlab({
    token: BENCH_TOKEN,
    botUsername: policy.scope.botUsername,
    now: options.clock,
    rateLimit: options.rateLimit ?? { perMinute: 1_000_000 },
    // Fault rates draw from a seeded generator, so two runs see the same sequence of draws.
    random: seededRandom(options.seed ?? 42),
  });
  const { projects, milestones } = seedBoard(fake, policy, options.clock());
  const project = projects.mops;
  const pool: number[] = [];
  // Fresh issues by default: well inside every SLA, so no rule but the label repair has anything
  // to say. Older ones make the SLA rules read each issue's history.
  const created = new Date(options.clock().getTime() - (options.createdHoursAgo ?? 3) * 3_600_000);
  const marker = markerComment(markerKey("label-hygiene", "alias", PRIORITY_ALIAS));
  for (let i = 0; i < options.size; i++) {
    const view = fake.addIssue(project, {
      title: `Campaign request ${i + 1}`,
      description: "As a field marketer, I would like the campaign set up, so that invitations go out on time.",
      author: "dan.fieldmktg",
      assignees: [PERSON],
      milestone: milestones.current,
      createdAt: created,
      updatedAt: created,
    });
    const labels = [STAGE, TOOL, PRIORITIES[i % 3]!];
    labels.forEach((_, n) => fake.setIssueLabels(project, view.iid, labels.slice(0, n + 1), { as: "dan.fieldmktg", at: new Date(created.getTime() + (n + 1) * 600_000) }));
    fake.addNote(project, view.iid, { body: `I replaced the misspelled priority label.\n${marker}`, author: policy.scope.botUsername, createdAt: new Date(created.getTime() + 3_600_000) });
    pool.push(view.iid);
  }
  return { fake, policiesDir: policy.dir, project, pool };
}

export type Change = { iid: number; kind: "misspell" } | { iid: number; kind: "priority"; label: string } | { iid: number; kind: "comment" };

/**
 * The scripted changes people make: mostly the misspelled priority (which the bot repairs), some
 * valid priority changes and some comments (which it leaves alone). `hot` of the pool gets half
 * of the changes, so events on one issue pile up and are coalesced.
 *
 * `priorityChanges: false` leaves out people setting a valid priority: such a change races with
 * a repair of the misspelling that is already on its way (the bot's write lands after it and
 * GitLab then has two priorities, which the bot resolves in its own way), so the end state would
 * depend on timing. Runs whose end states are compared use only misspellings and comments.
 */
export function scriptChanges(pool: number[], count: number, options: { seed?: number; hot?: number; priorityChanges?: boolean } = {}): Change[] {
  const { seed = 7, hot = 0.1, priorityChanges = true } = options;
  const random = seededRandom(seed);
  const hotCount = Math.max(1, Math.floor(pool.length * hot));
  const changes: Change[] = [];
  for (let i = 0; i < count; i++) {
    const iid = random() < 0.5 ? pool[Math.floor(random() * hotCount)]! : pool[Math.floor(random() * pool.length)]!;
    const r = random();
    if (r < (priorityChanges ? 0.7 : 0.8)) changes.push({ iid, kind: "misspell" });
    else if (priorityChanges && r < 0.9) changes.push({ iid, kind: "priority", label: PRIORITIES[Math.floor(random() * 3)]! });
    else changes.push({ iid, kind: "comment" });
  }
  return changes;
}

/** Makes one change as a person; the fake GitLab sends its webhook. */
export function applyChange(board: Board, change: Change, n: number): void {
  const { fake, project } = board;
  if (change.kind === "comment") {
    fake.comment(project, change.iid, `Any update on this? (${n})`, { as: PERSON });
    return;
  }
  const keep = fake.issue(project, change.iid).labels.filter((l) => !l.startsWith("MktgOpsPriority"));
  fake.setIssueLabels(project, change.iid, [...keep, change.kind === "misspell" ? PRIORITY_ALIAS : change.label], { as: PERSON });
}

/** True when the issue carries no misspelling for the bot to repair. */
export function isRepaired(board: Board, iid: number): boolean {
  return !board.fake.issue(board.project, iid).labels.includes(PRIORITY_ALIAS);
}

/** What two runs must agree on: every pool issue's labels and the bot's notes on it. */
export function endState(board: Board, botUsername: string): string[] {
  return board.pool.map((iid) => {
    const issue = board.fake.issue(board.project, iid);
    const botNotes = issue.notes.filter((n) => n.author === botUsername).map((n) => n.body.replace(/\s+/g, " "));
    return `#${iid} [${[...issue.labels].sort().join(", ")}] bot notes: ${botNotes.length} ${JSON.stringify(botNotes)}`;
  });
}

/** Lines that differ between two end states, for the report. */
export function differences(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push(`  fault-free: ${a[i]}\n  with faults: ${b[i]}`);
  return out;
}
