/**
 * Scoped-label workflows (policies/workflows/*.yml): each step of a scoped set (e.g. the MktgOps
 * stages) states what a resource in that step must have. A resource with no step gets the
 * workflow's initial step; a resource that misses a requirement gets the attention label and one
 * note saying what the step requires and what is missing. The note is not repeated while the
 * same requirements stay unmet (its marker names them); the label goes when they are met.
 */
import type { Action } from "../domain/actions.js";
import { scopeKeyOf } from "../domain/labels.js";
import { markerKey } from "../domain/markers.js";
import { formatRef, type LabelEvent, type ResourceSnapshot, type UserRef } from "../domain/snapshot.js";
import { mention, mentionEach } from "../domain/text.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import type { CompiledPolicy, WorkflowDef, WorkflowStep } from "../policy/model.js";
import { modeFor } from "./rollout/backlog.js";
import { labelList, labelRef } from "./labelRefs.js";
import { labelsForbiddenBy } from "./labelHygiene.js";
import { userStoryMoveDue } from "./intakeUserStory.js";
import { guardedNeeds, type Resolution, resolveWorkflow } from "./moves/resolve.js";
import { inWorkflowProjects, isGuarded, workflowApplies } from "./moves/scope.js";
import { botUsernameOf, isBot, type Rule, type RuleContext, type RuleFactory } from "./types.js";
import { REQUIREMENT_KINDS, type Requirement, commentRequirement, requirementsOf } from "./workflowRequirements.js";

export { workflowApplies } from "./moves/scope.js";

interface CurrentStep {
  step: WorkflowStep;
  /** The label as it is spelled on the resource (may be an alias of step.label). */
  spelledAs: string;
}

/** The distinct steps of the workflow the resource is in (more than one means a scoped clash). */
export function currentSteps(w: WorkflowDef, s: ResourceSnapshot, policy: CompiledPolicy): CurrentStep[] {
  const found = new Map<string, CurrentStep>();
  for (const label of s.labels) {
    const canonical = policy.taxonomy.canonical(label);
    const step = w.steps.find((st) => st.label === canonical);
    if (step && (!found.has(step.label) || label === step.label)) found.set(step.label, { step, spelledAs: label });
  }
  return [...found.values()];
}

interface Violation {
  current: CurrentStep;
  requirements: Requirement[];
  unmet: Requirement[];
}

function violation(w: WorkflowDef, s: ResourceSnapshot, ctx: RuleContext): Violation | null {
  if (!workflowApplies(w, s, ctx.policy)) return null;
  const steps = currentSteps(w, s, ctx.policy);
  if (steps.length !== 1) return null;
  const current = steps[0]!;
  const all = requirementsOf(w, current.step, current.spelledAs, s, ctx);
  // A closed resource is judged only on having been closed in this step: what the step asks of
  // open work (a milestone, an assignee) no longer matters.
  const requirements = s.state === "opened" ? all : all.filter((r) => r.kind === "closed");
  const unmet = requirements.filter((r) => r.problem !== null);
  return unmet.length > 0 ? { current, requirements, unmet } : null;
}

/**
 * Who a note about the resource is for: `mover` (the person whose action the note is about) when
 * known, otherwise the assignees, otherwise the author; never the bot, and each person once.
 */
function recipient(s: ResourceSnapshot, ctx: RuleContext, mover?: UserRef): string {
  const candidates = mover ? [mover] : s.assignees.length > 0 ? s.assignees : [s.author];
  return mentionEach(candidates.map((p) => p.username), botUsernameOf(ctx)) || mention(s.author.username);
}

/** The person who last put the resource in its step (from the label events), unless it was the bot. */
function movedInBy(s: ResourceSnapshot, current: CurrentStep, ctx: RuleContext): UserRef | undefined {
  let last: LabelEvent | undefined;
  for (const e of s.labelEvents ?? []) {
    if (e.action !== "add" || (e.label !== current.step.label && e.label !== current.spelledAs)) continue;
    if (!last || e.createdAt > last.createdAt || (+e.createdAt === +last.createdAt && e.id > last.id)) last = e;
  }
  const by = last?.user ?? undefined;
  return by && !isBot(by, ctx) ? by : undefined;
}

/**
 * Whether a label of the workflow's scope that is not a step holds the scope's one place: a value
 * of the set that is no step (`MktgOps::Events/FM Copy Review`), or a scoped label the taxonomy
 * does not know (an older generation nobody mapped, `MktgOps::1 - Planning`). Adding the initial
 * step would make GitLab drop it (scoped labels are exclusive), replacing a person's label with
 * one the bot chose; a person picks the stage instead.
 */
function scopeHeldBy(w: WorkflowDef, s: ResourceSnapshot, policy: CompiledPolicy): boolean {
  return s.labels.some((l) => {
    const canonical = policy.taxonomy.canonical(l);
    if (canonical !== undefined) return w.nonStepLabels?.includes(canonical) ?? false;
    return !policy.taxonomy.isDefined(l) && scopeKeyOf(l) === w.scope;
  });
}

const KNOWN_KINDS = new Set<string>(REQUIREMENT_KINDS);

/**
 * Whether an earlier note about this step already named every requirement missing now: filling
 * the fields in one by one (an assignee a minute after the move) brings no second note.
 */
function alreadyToldAbout(s: ResourceSnapshot, ruleId: string, step: WorkflowStep, missing: string[]): boolean {
  const prefix = `${markerKey(ruleId, step.value)}:`;
  return (s.notes ?? []).some((n) =>
    n.botMarkers.some((m) => {
      if (!m.startsWith(prefix)) return false;
      const told = m.slice(prefix.length).split(":").filter((k) => KNOWN_KINDS.has(k));
      return missing.every((k) => told.includes(k));
    }),
  );
}

function createWorkflowRule(w: WorkflowDef, policy: CompiledPolicy): Rule {
  const id = `workflow:${w.id}`;
  const kindWord = (s: ResourceSnapshot) => (s.kind === "issue" ? "issue" : "merge request");
  /**
   * A step's reminder (`remind:`): what the team would like but the handbook does not require, asked
   * of the assignees once, with no attention label. Nobody assigned, nobody reminded.
   */
  /** Whether rollout.yml keeps this rule's notes off the resource (the backlog, when the workflow family is listed or repaired). */
  function notesHeldBack(s: ResourceSnapshot, ctx: RuleContext): boolean {
    const note: Action = { type: "comment", rule: id, reason: "", marker: "", body: "" };
    return modeFor(note, s, ctx.policy).mode !== "announce";
  }

  /** A reminder goes to the assignees of an open resource, worded by the workflow's template: without them, none is due whatever the history. */
  function reminderPossible(s: ResourceSnapshot): boolean {
    return s.state === "opened" && s.assignees.length > 0 && w.reminderTemplate !== undefined;
  }

  /**
   * Whether the reminder's question can be answered without reading history: a listing's
   * `user_notes_count` of 0 says nobody commented, the bot included, so no reminder was given and
   * nobody said what it waits for; when the step's label was applied no longer matters.
   */
  function noComments(s: ResourceSnapshot): boolean {
    return s.notes === undefined && s.userNotesCount === 0;
  }

  function reminder(listed: ResourceSnapshot, current: CurrentStep, ctx: RuleContext): Action[] {
    const step = current.step;
    const template = w.reminderTemplate;
    if (!step.remind || template === undefined || !reminderPossible(listed)) return [];
    // System notes are not comments: the marker and the requirement look only at people's and the bot's comments.
    const s = noComments(listed) ? { ...listed, notes: [] } : listed;
    const marker = markerKey(id, step.value, "reminder");
    if ((s.notes ?? []).some((n) => n.botMarkers.includes(marker))) return [];
    const wish = commentRequirement(s, step, current.spelledAs, botUsernameOf(ctx));
    if (wish.problem === null) return [];
    const reason = `${step.label}: a reminder to the assignees (once): ${wish.text}; ${wish.problem}.`;
    return [
      {
        type: "comment",
        rule: id,
        reason,
        marker,
        body: renderTemplate(templateText(policy.templates, template), {
          recipient: { trusted: recipient(s, ctx) },
          stage: { trusted: labelRef(step.label) },
          step: { trusted: labelRef(step.label) },
          workflow: w.id,
          title: s.title,
          bot: { trusted: botUsernameOf(ctx) },
        }),
      },
    ];
  }

  return {
    id,
    description: w.description,
    appliesTo: w.appliesTo,
    settles: true,
    describesState: true,
    needs(s, ctx) {
      if (!workflowApplies(w, s, policy)) return {};
      const steps = currentSteps(w, s, policy);
      if (steps.length !== 1) return {};
      const step = steps[0]!.step;
      // A comment the step requires counts from when its label was applied (label events, notes);
      // a closed resource is judged only on having been closed.
      if (step.requires.commentAfterLabel && s.state === "opened") return { labelEvents: true, notes: true };
      // A note about a missing requirement (on a closed one too) goes to whoever moved it there (label events), and not
      // twice (notes): the notes first, since a note already given needs no recipient.
      const v = violation(w, s, ctx);
      // Met: only the step's reminder may follow, and it needs the same history, when one can be given at all.
      if (!v) return step.remind && reminderPossible(s) && !noComments(s) ? { labelEvents: true, notes: true } : {};
      // On the backlog, rollout.yml lists the problem or makes the label change without the note:
      // who moved it and whether it was told cannot change that, nor the reason listed (the label's
      // and the note's are one). Without an attention label the note is all there is to list, and
      // whether it was given decides that.
      if (w.attentionLabel !== null && notesHeldBack(s, ctx)) return {};
      if (s.notes === undefined && s.userNotesCount !== 0) return { notes: true };
      return alreadyToldAbout(s, id, v.current.step, v.unmet.map((r) => r.kind)) ? {} : { labelEvents: true };
    },
    evaluate(s, ctx) {
      if (!workflowApplies(w, s, policy)) return [];
      const steps = currentSteps(w, s, policy);
      const actions: Action[] = [];
      if (steps.length === 0) {
        // A value of the scope that is not a step (e.g. `MktgOps::Events/FM Copy Review`) holds the
        // scope's one place: adding the initial step would displace it.
        const holdsScope = scopeHeldBy(w, s, policy);
        // A new issue without a user story starts in "needs more information" instead (intake check).
        const intakeMoves = userStoryMoveDue(policy, s, ctx.now);
        if (w.initial !== null && s.state === "opened" && !holdsScope && !intakeMoves && !labelsForbiddenBy(policy, s.labels).has(w.initial)) {
          actions.push({
            type: "add_labels",
            labels: [w.initial],
            rule: id,
            reason: `Every ${kindWord(s)} in this workflow starts in ${w.initial}; it had no ${w.scope}:: label.`,
          });
        }
        return actions;
      }
      const v = violation(w, s, ctx);
      if (!v) actions.push(...reminder(s, steps[0]!, ctx));
      if (v) {
        const mover = movedInBy(s, v.current, ctx);
        const missingKinds = v.unmet.map((r) => r.kind).sort();
        const reason = `${v.current.step.label} requires ${v.requirements.map((r) => r.text).join(", ")}; ${v.unmet.map((r) => r.problem).join("; ")}.`;
        if (w.attentionLabel !== null) actions.push({ type: "add_labels", labels: [w.attentionLabel], rule: id, reason });
        if (alreadyToldAbout(s, id, v.current.step, missingKinds)) return actions;
        actions.push({
          type: "comment",
          rule: id,
          reason,
          marker: markerKey(id, v.current.step.value, ...missingKinds),
          body: renderTemplate(templateText(policy.templates, w.violationTemplate), {
            recipient: { trusted: recipient(s, ctx, mover) },
            // Said to the person whose move it was: what they did, not only where the issue is.
            situation: { trusted: `${mover ? "you moved this" : "this"} ${kindWord(s)} ${mover ? "to" : "is in"} ${labelRef(v.current.step.label)}` },
            stage: { trusted: labelRef(v.current.step.label) },
            step: { trusted: labelRef(v.current.step.label) },
            workflow: w.id,
            requirements: { trusted: v.requirements.map((r) => `- ${r.text}`).join("\n") },
            missing: { trusted: v.unmet.map((r) => `- ${r.problem}`).join("\n") },
            title: s.title,
            ref: { trusted: formatRef(s.ref) },
            url: { trusted: s.webUrl },
            bot: { trusted: botUsernameOf(ctx) },
          }),
        });
        return actions;
      }
      // Requirements met: the attention label goes, unless another workflow that uses the same
      // label still finds something missing.
      if (w.attentionLabel !== null && s.labels.includes(w.attentionLabel)) {
        const stillNeeded = policy.workflows.some((other) => other !== w && other.attentionLabel === w.attentionLabel && violation(other, s, ctx));
        if (!stillNeeded) {
          actions.push({
            type: "remove_labels",
            labels: [w.attentionLabel],
            rule: id,
            reason: `${steps[0]!.step.label}: every requirement of the step is met now.`,
          });
        }
      }
      return actions;
    },
  };
}

export const workflows: RuleFactory = {
  kind: "workflow",
  create: (policy) => policy.workflows.map((w) => (isGuarded(w) ? createGuardedWorkflowRule(w, policy) : createWorkflowRule(w, policy))),
};

const kindWord = (s: ResourceSnapshot) => (s.kind === "issue" ? "issue" : "merge request");

/**
 * A workflow that checks moves (Sales Systems steps): it owns its scope's labels on the resources
 * it applies to. Each reconcile settles them in one change: the step a person moved to stands, or
 * the move is undone with one note per attempt; commands in comments move it on; misspelled and
 * duplicate step labels are repaired; a closing step closes the issue once.
 */
function createGuardedWorkflowRule(w: WorkflowDef, policy: CompiledPolicy): Rule {
  const id = `workflow:${w.id}`;
  return {
    id,
    description: w.description,
    appliesTo: w.appliesTo,
    needs: (s, ctx) => guardedNeeds(w, s, ctx),
    evaluate(s, ctx) {
      const r = resolveWorkflow(w, s, ctx);
      if (r === null) return missingWhereLabels(w, s, ctx);
      const actions: Action[] = [...stepLabelActions(w, s, r), ...undoneNote(w, s, r, ctx), ...closeActions(w, s, r, ctx)];
      if (w.unmetRequirements !== "revert" && r.final) actions.push(...flagActions(w, s, r.final, ctx));
      return actions;
    },
  };

  function stepLabelActions(w: WorkflowDef, s: ResourceSnapshot, r: Resolution): Action[] {
    const final = r.final;
    if (final === null) return [];
    if (r.present.length === 0) {
      // A value of the scope that is not a step holds the scope's one place; a declared conflict
      // would remove the step again at once.
      const holdsScope = scopeHeldBy(w, s, policy);
      if (holdsScope || labelsForbiddenBy(policy, s.labels).has(final.label)) return [];
    }
    const remove = r.present.flatMap((p) => p.spelled).filter((l) => l !== final.label);
    const add = s.labels.includes(final.label) ? [] : [final.label];
    if (remove.length === 0 && add.length === 0) return [];
    const moved = r.commands.filter((c) => c.moved);
    const reason =
      moved.length > 0
        ? `${moved.map((c) => `\`${c.note.author.username}\` asked for \`${c.name}\``).join("; ")}: now in ${final.label}.`
        : r.undone
          ? `The move to ${r.undone.move.to!.label} by ${r.undone.move.by?.username ?? "someone"} is undone (back to ${final.label}): ${r.undone.problems.join("; ")}.`
          : r.present.length === 0
            ? `Every ${kindWord(s)} in this workflow starts in ${final.label}; it had no ${w.scope}:: label.`
            : `${w.scope}:: labels are repaired to the one step it is in, spelled as in labels.yml: ${final.label}.`;
    const actions: Action[] = [];
    if (remove.length > 0) actions.push({ type: "remove_labels", labels: remove, rule: id, reason });
    if (add.length > 0) actions.push({ type: "add_labels", labels: add, rule: id, reason });
    // A repair nobody asked for gets a short note (moves and undone moves are explained elsewhere).
    if (moved.length === 0 && !r.undone && r.present.length > 0 && remove.length > 0) {
      const aliases = remove.filter((l) => !policy.taxonomy.isDefined(l));
      const others = remove.filter((l) => policy.taxonomy.isDefined(l));
      const parts = [
        aliases.length ? `${labelList(aliases)} ${aliases.length === 1 ? "is another spelling" : "are other spellings"} of ${labelRef(final.label)}, the label in our list` : null,
        others.length ? `${labelList(others)} ${others.length === 1 ? "was" : "were"} an older step (one step at a time: ${labelRef(final.label)} was applied last)` : null,
      ].filter((x) => x !== null);
      actions.push({
        type: "comment",
        rule: id,
        reason,
        marker: markerKey(id, "labels", ...remove),
        body: `I set ${labelRef(final.label)} and removed ${labelList(remove)}: ${parts.join("; ")}.`,
      });
    }
    return actions;
  }

  function undoneNote(w: WorkflowDef, s: ResourceSnapshot, r: Resolution, ctx: RuleContext): Action[] {
    const u = r.undone;
    if (!u) return [];
    return [
      {
        type: "comment",
        rule: id,
        reason: `The move to ${u.move.to!.label} is undone: ${u.problems.join("; ")}.`,
        marker: u.marker,
        // Without a revert_template the violation template says it (what was needed, what is missing).
        body: renderTemplate(templateText(policy.templates, w.revertTemplate ?? w.violationTemplate), {
          recipient: { trusted: recipient(s, ctx, u.move.by ?? undefined) },
          situation: { trusted: `${u.move.by ? "you moved" : "someone moved"} this ${kindWord(s)} to ${labelRef(u.move.to!.label)}` },
          stage: { trusted: labelRef(u.move.to!.label) },
          step: { trusted: labelRef(u.move.to!.label) },
          label: { trusted: labelRef(u.back.label) },
          missing: { trusted: u.problems.map((p) => `- ${p}`).join("\n") },
          requirements: { trusted: `- to be moved there by ${u.whoMay}, one step at a time, with what the step needs` },
          group: { trusted: u.whoMay },
          workflow: w.id,
          title: s.title,
          ref: { trusted: formatRef(s.ref) },
          url: { trusted: s.webUrl },
          bot: { trusted: botUsernameOf(ctx) },
        }),
      },
    ];
  }

  function closeActions(w: WorkflowDef, s: ResourceSnapshot, r: Resolution, ctx: RuleContext): Action[] {
    if (!r.close || !r.final) return [];
    const reason = `${r.final.label} closes the ${kindWord(s)}; it was reached by ${r.close.by.replace(/`/g, "")}.`;
    const actions: Action[] = [{ type: "close", rule: id, reason }];
    if (w.closeTemplate) {
      actions.push({
        type: "comment",
        rule: id,
        reason,
        marker: r.close.marker,
        body: renderTemplate(templateText(policy.templates, w.closeTemplate), {
          recipient: { trusted: recipient(s, ctx) },
          stage: { trusted: labelRef(r.final.label) },
          step: { trusted: labelRef(r.final.label) },
          reason: { trusted: `It was moved there by ${r.close.by}.` },
          workflow: w.id,
          title: s.title,
          bot: { trusted: botUsernameOf(ctx) },
        }),
      });
    }
    return actions;
  }

  /** Requirements flagged with the attention label (workflows whose requirements do not undo moves). */
  function flagActions(w: WorkflowDef, s: ResourceSnapshot, final: WorkflowStep, ctx: RuleContext): Action[] {
    if (w.attentionLabel === null) return [];
    // Judged on the labels the plan leaves: the final step, without the ones it replaces.
    const labels = [...s.labels.filter((l) => !w.steps.some((st) => st.label === (policy.taxonomy.canonical(l) ?? l))), final.label];
    const unmet = requirementsOf(w, final, final.label, { ...s, labels }, ctx).filter((q) => q.problem !== null);
    if (unmet.length > 0) {
      return [{ type: "add_labels", labels: [w.attentionLabel], rule: id, reason: `${final.label}: ${unmet.map((q) => q.problem).join("; ")}.` }];
    }
    return s.labels.includes(w.attentionLabel)
      ? [{ type: "remove_labels", labels: [w.attentionLabel], rule: id, reason: `${final.label}: every requirement of the step is met now.` }]
      : [];
  }

  function missingWhereLabels(w: WorkflowDef, s: ResourceSnapshot, ctx: RuleContext): Action[] {
    if (!w.intake || s.state !== "opened" || !inWorkflowProjects(w, s)) return [];
    const step = s.labels.find((l) => w.steps.some((st) => st.label === (policy.taxonomy.canonical(l) ?? l)));
    if (step === undefined) return [];
    const have = new Set(s.labels.map((l) => policy.taxonomy.canonical(l) ?? l));
    const missing = w.where.labels.filter((l) => !have.has(l));
    const reason = `${step} is a step of the ${w.id} workflow, which needs ${missing.join(", ")} on the ${kindWord(s)}.`;
    return [
      {
        type: "comment",
        rule: id,
        reason,
        marker: markerKey(id, "missing-labels", ...missing),
        body: renderTemplate(templateText(policy.templates, w.intake.missingLabelsTemplate), {
          recipient: { trusted: recipient(s, ctx) },
          stage: { trusted: labelRef(step) },
          step: { trusted: labelRef(step) },
          labels: { trusted: labelList(missing) },
          workflow: w.id,
          title: s.title,
          bot: { trusted: botUsernameOf(ctx) },
        }),
      },
    ];
  }
}
