/**
 * A board shaped like a real MOps tracker, for the benchmarks that read a whole board: about a
 * quarter of the issues unlabelled, a fifth with a stage only, a tenth with old (alias) labels, the
 * rest with stage, priority, assignee and milestone; ages up to two years; two in five closed; a
 * third with comments. Seeded from a fixed generator, so every run sees the same board.
 */
import { seedMilestones } from "../../src/demo/seedBoard.js";
import type { CompiledPolicy } from "../../src/policy/model.js";
import type { FakeGitlab } from "../../test/support/fakeGitlab/index.js";
import { seededRandom } from "./board.js";

export interface RealisticBoard {
  mops: string;
  /** iids of the open issues, for touching a share of them between runs. */
  open: number[];
}

const PEOPLE = ["mops.member1", "mops.member2", "mops.member3", "amy.owner"];
const REQUESTERS = ["dan.fieldmktg", "erin.events", "fay.content", "gus.abm"];

export function seedRealisticBoard(fake: FakeGitlab, policy: CompiledPolicy, now: Date, size: number): RealisticBoard {
  const random = seededRandom(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const group = policy.scope.group;
  fake.addGroup(group);
  for (const p of policy.scope.projects) fake.addProject(p.path);
  for (const u of [...PEOPLE, ...REQUESTERS]) fake.addUser({ username: u });
  for (const d of policy.taxonomy.definitions) fake.addLabel({ group, name: d.name, color: d.color });
  for (const a of policy.taxonomy.aliases.keys()) fake.addLabel({ group, name: a });
  const { current, next } = seedMilestones(fake, group, now);
  const mops = policy.scope.projects.find((p) => p.roles.includes("mops"))!.path;
  const stages = policy.taxonomy.set("MktgOps")?.labels ?? [];
  const priorities = policy.taxonomy.set("MktgOpsPriority")?.labels ?? [];
  const aliases = [...policy.taxonomy.aliases.keys()].filter((a) => a.startsWith("MktgOps"));
  const open: number[] = [];
  for (let i = 0; i < size; i++) {
    const ageDays = Math.floor(random() * 730);
    const createdAt = new Date(now.getTime() - ageDays * 86_400_000 - 3_600_000);
    const updatedAt = new Date(createdAt.getTime() + Math.floor(random() * Math.max(1, ageDays)) * 86_400_000);
    const shape = random();
    let labels: string[] = [];
    let extra: { assignees?: string[]; milestone?: string } = {};
    if (shape < 0.25) labels = [];
    else if (shape < 0.45) labels = [pick(stages)];
    else if (shape < 0.55) labels = [pick(aliases.length > 0 ? aliases : stages)];
    else {
      labels = [pick(stages), pick(priorities)];
      extra = { assignees: [pick(PEOPLE)], milestone: random() < 0.5 ? current : next };
    }
    const closed = random() < 0.4;
    const view = fake.addIssue(mops, {
      title: `Request ${i + 1}`,
      description: "As a field marketer, I would like the campaign set up, so that invitations go out on time.",
      author: pick(REQUESTERS),
      labels,
      ...extra,
      createdAt,
      updatedAt,
      ...(closed ? { state: "closed" as const, closedAt: updatedAt } : {}),
    });
    if (random() < 0.33) fake.addNote(mops, view.iid, { body: "Any update on this?", author: pick(REQUESTERS), createdAt: updatedAt });
    if (!closed) open.push(view.iid);
  }
  return { mops, open };
}
