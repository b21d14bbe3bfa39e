/**
 * What a workflow step requires of a resource, and which of those requirements it misses.
 * Each requirement is described twice: as the rule ("a milestone that is not the current one")
 * and, when unmet, as what is wrong now ("it is in the current milestone 'FY27-M3'").
 */
import type { MilestoneInfo, ResourceSnapshot } from "../domain/snapshot.js";
import type { AssigneeRequirement, CompiledPolicy, MilestoneRequirement, TextPattern, WorkflowDef, WorkflowStep } from "../policy/model.js";
import { labelRef } from "./labelRefs.js";
import type { StepHistory } from "./moves/history.js";
import { checkProof } from "./moves/proof.js";
import { botUsernameOf, inGroup, isBot, type RuleContext } from "./types.js";
import { policyRegex } from "../policy/regex.js";

export const REQUIREMENT_KINDS = ["milestone", "assignee", "labels", "comment", "closed", "proof"] as const;
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];

export interface Requirement {
  kind: RequirementKind;
  /** What the step asks for, as a phrase. */
  text: string;
  /** What is wrong now, or null when met. */
  problem: string | null;
}

export function currentMilestone(milestones: MilestoneInfo[]): MilestoneInfo | undefined {
  return milestones.find((m) => m.timing === "current");
}

function milestoneRequirement(req: MilestoneRequirement, s: ResourceSnapshot, ctx: RuleContext): Requirement {
  const m = s.milestone;
  const current = currentMilestone(ctx.milestones);
  const inM = m ? `it is in the milestone "${m.title}"` : "";
  const currentName = current ? ` ("${current.title}")` : "";
  switch (req.kind) {
    case "none":
      return { kind: "milestone", text: "no milestone yet", problem: m ? `${inM}; remove it until the work is scheduled` : null };
    case "any":
      return { kind: "milestone", text: "a milestone", problem: m ? null : "no milestone is set" };
    case "current":
      return {
        kind: "milestone",
        text: `the current milestone${currentName}`,
        problem: !m ? "no milestone is set" : m.timing === "current" ? null : `${inM}, which is not the current milestone${currentName}`,
      };
    case "future":
      return {
        kind: "milestone",
        text: "a future milestone",
        problem: !m ? "no milestone is set" : m.timing === "future" ? null : `${inM}, which is not a future milestone`,
      };
    case "not-current":
      return {
        kind: "milestone",
        text: "a milestone that is not the current one",
        problem: !m ? "no milestone is set" : m.timing === "current" ? `${inM}, which is the current milestone` : null,
      };
    case "title": {
      const re = policyRegex(req.pattern, req.flags);
      return {
        kind: "milestone",
        text: `a milestone whose title matches /${req.pattern}/`,
        problem: !m ? "no milestone is set" : re.test(m.title) ? null : `${inM}, whose title does not match /${req.pattern}/`,
      };
    }
    case "match":
      return matchRequirement(req, m, inM);
  }
}

const TIMING_WORDS: Record<string, string> = { current: "current", future: "future", past: "past", undated: "undated" };

function matchRequirement(req: Extract<MilestoneRequirement, { kind: "match" }>, m: MilestoneInfo | null, inM: string): Requirement {
  const parts: string[] = [];
  if (req.timing) parts.push(`a ${req.timing.map((t) => TIMING_WORDS[t]).join(" or ")} milestone`);
  else parts.push("a milestone");
  if (req.title) parts.push(`whose title matches /${req.title.pattern}/`);
  if (req.notTitle) parts.push(`whose title does not match /${req.notTitle.pattern}/ (not a holding milestone)`);
  const text = parts.join(" ");
  if (!m) return { kind: "milestone", text, problem: "no milestone is set" };
  const test = (p: TextPattern) => policyRegex(p.pattern, p.flags).test(m.title);
  const problems: string[] = [];
  if (req.timing && !req.timing.includes(m.timing)) {
    problems.push(`which is ${m.timing === "undated" ? "undated" : m.timing === "current" ? "the current milestone" : `a ${m.timing} milestone`}`);
  }
  if (req.title && !test(req.title)) problems.push(`whose title does not match /${req.title.pattern}/`);
  if (req.notTitle && test(req.notTitle)) problems.push(`whose title matches /${req.notTitle.pattern}/`);
  return { kind: "milestone", text, problem: problems.length ? `${inM}, ${problems.join(" and ")}` : null };
}

function assigneeRequirement(req: AssigneeRequirement, s: ResourceSnapshot, policy: CompiledPolicy): Requirement {
  const names = s.assignees.map((a) => `\`${a.username}\``).join(", ");
  switch (req.kind) {
    case "none":
      return { kind: "assignee", text: "no assignee yet", problem: s.assignees.length > 0 ? `it is assigned to ${names}` : null };
    case "any":
      return { kind: "assignee", text: "an assignee", problem: s.assignees.length === 0 ? "nobody is assigned" : null };
    case "group": {
      const ok = s.assignees.some((a) => inGroup(policy, req.group, a.username));
      return {
        kind: "assignee",
        text: `an assignee from the "${req.group}" group`,
        problem: ok ? null : s.assignees.length === 0 ? "nobody is assigned" : `${names} ${s.assignees.length === 1 ? "is" : "are"} not in "${req.group}"`,
      };
    }
    case "not-group": {
      // Others (the requester, a business owner) may be assigned; only the group's members may not yet.
      const fromGroup = s.assignees.filter((a) => inGroup(policy, req.group, a.username));
      return {
        kind: "assignee",
        text: `nobody from the "${req.group}" group assigned yet`,
        problem: fromGroup.length === 0 ? null : `it is assigned to ${fromGroup.map((a) => `\`${a.username}\``).join(", ")} from "${req.group}"`,
      };
    }
  }
}

/** When the step's label was last applied, from label events (the creation time when unknown). */
export function stepAppliedAt(s: ResourceSnapshot, step: WorkflowStep, spelledAs: string): Date {
  const adds = (s.labelEvents ?? []).filter((e) => e.action === "add" && (e.label === step.label || e.label === spelledAs));
  return adds.reduce((latest, e) => (e.createdAt > latest ? e.createdAt : latest), adds[0]?.createdAt ?? s.createdAt);
}

export function commentRequirement(s: ResourceSnapshot, step: WorkflowStep, spelledAs: string, botUsername: string): Requirement {
  const text = `a comment posted after ${labelRef(step.label)} was applied, saying what it waits for`;
  if (s.notes === undefined) return { kind: "comment", text, problem: null };
  const since = stepAppliedAt(s, step, spelledAs);
  const explained = s.notes.some((n) => !n.system && n.author.username !== botUsername && n.createdAt >= since);
  return { kind: "comment", text, problem: explained ? null : `nobody has commented since ${labelRef(step.label)} was applied` };
}

export interface RequirementOptions {
  /** The resource's step history (label events replayed), needed to check a proof. */
  history?: StepHistory;
  /** Proof must have been posted before this moment (default: now). */
  until?: Date;
}

export function requirementsOf(
  workflow: WorkflowDef,
  step: WorkflowStep,
  spelledAs: string,
  s: ResourceSnapshot,
  ctx: RuleContext,
  options: RequirementOptions = {},
): Requirement[] {
  const r = step.requires;
  const out: Requirement[] = [];
  if (r.milestone) out.push(milestoneRequirement(r.milestone, s, ctx));
  if (r.assignee) out.push(assigneeRequirement(r.assignee, s, ctx.policy));
  for (const label of r.labels ?? []) {
    out.push({ kind: "labels", text: `the label ${labelRef(label)}`, problem: s.labels.includes(label) ? null : `${labelRef(label)} is missing` });
  }
  if (r.commentAfterLabel && s.state === "opened") out.push(commentRequirement(s, step, spelledAs, botUsernameOf(ctx)));
  const proof = r.proof === undefined ? undefined : workflow.proofs?.[r.proof];
  if (proof) {
    const check = checkProof(proof, s, ctx.policy, options.history, botUsernameOf(ctx), options.until ?? ctx.now);
    out.push({ kind: "proof", text: `${proof.description} (posted while in ${labelRef(proof.whileIn)})`, problem: check.problem });
  }
  // The bot's own close (a reopen guard, a closing step) is policy, not a person closing too early.
  // Closing is checked only where the workflow keeps it to some steps: a workflow naming none lets
  // an issue close in any step (a duplicate, a request nobody will do).
  const closedByBot = isBot(s.closedBy, ctx);
  const closable = workflow.steps.filter((x) => x.mayClose).map((x) => labelRef(x.label));
  if (closable.length > 0 && !step.mayClose && s.state === "closed" && !closedByBot) {
    out.push({
      kind: "closed",
      text: `to stay open until it reaches ${closable.join(" or ")}`,
      problem: `it was closed while in ${labelRef(step.label)}`,
    });
  }
  return out;
}
