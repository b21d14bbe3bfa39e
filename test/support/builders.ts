/**
 * Snapshot and policy builders for rule tests: small, explicit, with a fixed clock.
 */
import type { BusinessCalendar } from "../../src/domain/calendar.js";
import { type LabelDefinition, type ScopedSet, Taxonomy } from "../../src/domain/labels.js";
import type { LabelEvent, MilestoneInfo, NoteInfo, ResourceSnapshot, UserRef } from "../../src/domain/snapshot.js";
import { markersIn } from "../../src/domain/markers.js";
import { mapNote } from "../../src/gitlab/mapping.js";
import type { CompiledPolicy, WorkflowDef, WorkflowStep } from "../../src/policy/model.js";
import type { RuleContext } from "../../src/rules/types.js";

export const NOW = new Date("2026-11-18T15:00:00Z"); // a Wednesday

export const MOPS_PROJECT = "mktg/marketing-operations";
export const SALES_PROJECT = "mktg/sales-systems";

export const user = (username: string, id = hashId(username)): UserRef => ({ id, username, name: username });

function hashId(s: string): number {
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) % 100000;
  return h + 1;
}

export const STAGES = [
  "00: Triage",
  "01: Needs More Information",
  "02: Ready for Assignment",
  "03: Assigned",
  "04: In Progress",
  "05: Business Owner Review",
  "06: Ready to Deploy",
  "07: Blocked",
  "08: Completed",
].map((v) => `MktgOps::${v}`);

export const PRIO = ["00: Requested", "01: In Approved", "02: In Queue - Mops", "03: In Queue - Systems", "04: Actioned"].map((v) => `MktgOpsPrio::${v}`);

let nextId = 1000;

export function milestone(over: Partial<MilestoneInfo> = {}): MilestoneInfo {
  return {
    id: over.id ?? nextId++,
    title: "Mktg 2026-11-16",
    state: "active",
    startDate: "2026-11-16",
    dueDate: "2026-11-27",
    timing: "current",
    ...over,
  };
}

export const CURRENT = milestone({ id: 501, title: "MktgOps 2026-11-16" });
export const NEXT = milestone({ id: 502, title: "MktgOps 2026-11-30", startDate: "2026-11-30", dueDate: "2026-12-11", timing: "future" });
export const PAST = milestone({ id: 500, title: "MktgOps 2026-11-02", startDate: "2026-11-02", dueDate: "2026-11-13", timing: "past" });

export function issue(over: Partial<ResourceSnapshot> = {}): ResourceSnapshot {
  const iid = over.iid ?? nextId++;
  const projectPath = over.projectPath ?? MOPS_PROJECT;
  return {
    ref: { kind: "issue", path: projectPath, iid },
    kind: "issue",
    id: iid + 100000,
    iid,
    projectId: 11,
    projectPath,
    projectRoles: projectPath === MOPS_PROJECT ? ["mops"] : projectPath === SALES_PROJECT ? ["sales-systems"] : [],
    title: "Update the lead scoring model",
    description: "As a marketer, I would like X, so that Y.",
    state: "opened",
    labels: [],
    milestone: null,
    assignees: [],
    author: user("requester"),
    createdAt: new Date("2026-11-02T14:00:00Z"),
    updatedAt: new Date("2026-11-10T14:00:00Z"),
    closedAt: null,
    dueDate: null,
    confidential: false,
    webUrl: `https://gitlab.example.com/${projectPath}/-/issues/${iid}`,
    userNotesCount: 0,
    ...over,
  };
}

export function labelEvent(label: string, at: string, action: "add" | "remove" = "add", by = "someone"): LabelEvent {
  return { id: nextId++, action, label, user: user(by), createdAt: new Date(at) };
}

/** A comment; the bot's (`mops-bot`) carries the markers in its body, as the mapping reads them. */
export function note(body: string, at: string, by = "someone", over: Partial<NoteInfo> = {}): NoteInfo {
  const botMarkers = by === BOT.username && over.system !== true ? markersIn(body) : [];
  return { id: nextId++, body, author: user(by), createdAt: new Date(at), system: false, botMarkers, ...over };
}

/** The bot user of the test policies (`bot_username` in scope.yml), as GitLab's `/user` answers. */
export const BOT = user("mops-bot");

/**
 * A note as the GitLab mapping reads it from GitLab's JSON (`GET .../notes`): the way to model a
 * person's comment that carries text looking like a bot marker.
 */
export function gitlabNote(body: string, at: string, by: string, system = false): NoteInfo {
  const author = user(by);
  return mapNote({ id: nextId++, body, author: { ...author, state: "active" }, created_at: at, updated_at: at, system, noteable_type: "Issue" }, BOT);
}

function step(label: string, over: Partial<WorkflowStep> = {}): WorkflowStep {
  return { label, value: label.slice(label.lastIndexOf("::") + 2), description: "", requires: {}, onlyBy: null, mayClose: false, ...over };
}

export function stageWorkflow(): WorkflowDef {
  const [s0, s1, s2, s3, s4, s5, s6, s7, s8] = STAGES as [string, string, string, string, string, string, string, string, string];
  return {
    id: "mktgops-stage",
    description: "MOps stages",
    file: "policies/workflows/mktgops-stage.yml",
    scope: "MktgOps",
    appliesTo: ["issue"],
    where: { projectRoles: ["mops"], labels: [] },
    initial: s0,
    order: "any",
    attentionLabel: "mops-bot::needs-attention",
    violationTemplate: "workflow-violation",
    steps: [
      step(s0),
      step(s1, { requires: { milestone: { kind: "none" }, assignee: { kind: "none" } } }),
      step(s2, { requires: { milestone: { kind: "none" }, assignee: { kind: "none" } } }),
      step(s3, { requires: { assignee: { kind: "any" }, milestone: { kind: "not-current" } } }),
      step(s4, { requires: { assignee: { kind: "any" }, milestone: { kind: "current" } } }),
      step(s5, { requires: { milestone: { kind: "current" } } }),
      step(s6, { requires: { milestone: { kind: "current" } } }),
      step(s7, { requires: { commentAfterLabel: true } }),
      step(s8, { mayClose: true }),
    ],
  };
}

export function testTaxonomy(): Taxonomy {
  const color = "#428bca";
  const defs: LabelDefinition[] = [
    ...STAGES.map((name) => ({ name, description: "", color, set: "MktgOps" })),
    ...PRIO.map((name) => ({ name, description: "", color, set: "MktgOpsPrio" })),
    ...["00-Urgent", "01-High", "02-Medium", "03-Low"].map((v) => ({ name: `MktgOpsPriority:: ${v}`, description: "", color, set: "MktgOpsPriority" })),
    ...["MktgOps - List Import", "MktgOps - FYI", "Marketo", "mops-bot::needs-attention", "entapps-customer::MOPS"].map((name) => ({
      name,
      description: "",
      color,
      set: name.includes("::") ? name.slice(0, name.lastIndexOf("::")) : null,
    })),
  ];
  const sets: ScopedSet[] = [
    { key: "MktgOps", description: "", ordered: true, labels: STAGES },
    { key: "MktgOpsPrio", description: "", ordered: true, labels: PRIO },
    { key: "MktgOpsPriority", description: "", ordered: true, labels: defs.filter((d) => d.set === "MktgOpsPriority").map((d) => d.name) },
    { key: "mops-bot", description: "", ordered: false, labels: ["mops-bot::needs-attention"] },
    { key: "entapps-customer", description: "", ordered: false, labels: ["entapps-customer::MOPS"] },
  ];
  return new Taxonomy(defs, sets, {
    "MtkgOpsPrio::04: Actioned": "MktgOpsPrio::04: Actioned",
    "MktgOps::0 - To Be Triaged": "MktgOps::00: Triage",
  });
}

export const VIOLATION_TEMPLATE = `{{recipient}}, this issue is in {{stage}}, which needs:

{{requirements}}

What is missing:

{{missing}}
`;

export function testPolicy(over: Partial<CompiledPolicy> = {}): CompiledPolicy {
  return {
    dir: "policies",
    scope: {
      group: "mktg",
      projects: [
        { path: MOPS_PROJECT, roles: ["mops"] },
        { path: SALES_PROJECT, roles: ["sales-systems"] },
      ],
      botUsername: "mops-bot",
    },
    people: { "mops-team": ["alice", "bob"], "business-process-owners": ["amy.owner"] },
    taxonomy: testTaxonomy(),
    hygiene: {
      repairAliases: true,
      explainRepairs: true,
      conflicts: [{ whenPresent: "MktgOps - List Import", remove: ["MktgOps::00: Triage"], reason: "List imports skip triage." }],
    },
    calendar: {
      timeZone: "America/New_York",
      workingDays: [1, 2, 3, 4, 5],
      workingHours: { start: "09:00", end: "17:00" },
      holidays: { region: null, types: ["public"], dates: [] },
    },
    schedules: [],
    workflows: [stageWorkflow()],
    templates: { "workflow-violation": VIOLATION_TEMPLATE },
    ...over,
  };
}

/** A calendar for rules that do not use business time; rules that do get the real one. */
export const unusedCalendar = new Proxy({} as BusinessCalendar, {
  get(_t, prop) {
    throw new Error(`The test context's calendar was used (${String(prop)}); pass a real calendar.`);
  },
});

export function ctx(over: Partial<RuleContext> = {}): RuleContext {
  return { policy: testPolicy(), calendar: unusedCalendar, now: NOW, milestones: [PAST, CURRENT, NEXT], ...over };
}
