/**
 * Puts the demo board into a fake GitLab: the scope's group and projects, every label of the
 * taxonomy (plus the misspelled ones that exist in real GitLab instances), a past, a current and
 * a next milestone around `now`, and the demo issues with their label history and comments.
 */
import type { FakeGitlab } from "../../test/support/fakeGitlab/index.js";
import type { CompiledPolicy } from "../policy/model.js";
import { projectsWithRole } from "../policy/model.js";
import { milestoneGroup } from "../milestones/project.js";
import { DEMO_ISSUES, DEMO_PEOPLE, type DemoIssue } from "./board.js";

const DAY = 86_400_000;

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export interface DemoMilestones {
  past: string;
  current: string;
  next: string;
}

/** Two-week milestones: the current one started on the Monday of last week or this week. */
export function seedMilestones(fake: FakeGitlab, group: string, now: Date): DemoMilestones {
  const weekday = (now.getUTCDay() + 6) % 7; // Monday = 0
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - weekday * DAY);
  const make = (offsetDays: number, state: "active" | "closed") => {
    const s = new Date(start.getTime() + offsetDays * DAY);
    const due = new Date(s.getTime() + 11 * DAY);
    const title = `MktgOps ${isoDate(s)}`;
    fake.addMilestone({ group, title, startDate: isoDate(s), dueDate: isoDate(due), state, createdAt: new Date(s.getTime() - 14 * DAY) });
    return title;
  };
  return { past: make(-14, "closed"), current: make(0, "active"), next: make(14, "active") };
}

export function seedBoard(fake: FakeGitlab, policy: CompiledPolicy, now: Date): { milestones: DemoMilestones; projects: Record<DemoIssue["project"], string> } {
  const group = policy.scope.group;
  fake.addGroup(group, { name: "Marketing" });
  for (const p of policy.scope.projects) fake.addProject(p.path);
  const people = new Set([...DEMO_PEOPLE, ...Object.values(policy.people).flat()]);
  for (const username of people) fake.addUser({ username });

  // Group labels reach the projects inside the group; a project elsewhere needs its own copies.
  const owners = [{ group }, ...policy.scope.projects.filter((p) => !p.path.startsWith(`${group}/`)).map((p) => ({ project: p.path }))];
  for (const owner of owners) {
    for (const def of policy.taxonomy.definitions) fake.addLabel({ ...owner, name: def.name, color: def.color, description: def.description });
    // Misspelled and old labels exist in GitLab too; the bot repairs issues that carry them.
    for (const alias of policy.taxonomy.aliases.keys()) fake.addLabel({ ...owner, name: alias, color: "#cccccc" });
  }

  // The team's iterations are "tracked as milestones at the GitLab.com level": in the top group,
  // where the handbook project's milestone merge request can carry them too.
  const milestones = seedMilestones(fake, milestoneGroup(policy), now);
  const projectFor = (role: string) => {
    const p = projectsWithRole(policy.scope, role)[0];
    if (!p) throw new Error(`policies/scope.yml has no project with the role "${role}"; the demo needs one.`);
    return p.path;
  };
  const projects = { mops: projectFor("mops"), "sales-systems": projectFor("sales-systems") };

  DEMO_ISSUES.forEach((d, i) => {
    const created = new Date(now.getTime() - (d.ageDays ?? 40 - i) * DAY);
    const milestone = d.milestone === null ? null : milestones[d.milestone];
    const view = fake.addIssue(projects[d.project], {
      title: d.title,
      description: d.description,
      author: d.author,
      assignees: d.assignees,
      milestone,
      createdAt: created,
      updatedAt: created,
    });
    // Apply labels one by one, a day apart, as people do: this is the label history rules read.
    d.labels.forEach((_, n) => {
      fake.setIssueLabels(projects[d.project], view.iid, d.labels.slice(0, n + 1), { as: d.author, at: new Date(created.getTime() + (n + 1) * 3_600_000) });
    });
    for (const [n, body] of (d.comments ?? []).entries()) {
      fake.addNote(projects[d.project], view.iid, { body, author: d.assignees[0] ?? d.author, createdAt: new Date(created.getTime() + (n + 2) * DAY) });
    }
  });
  return { milestones, projects };
}
