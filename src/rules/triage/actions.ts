/**
 * A triage rule's `then`, turned into the engine's actions for one resource. Only what would
 * change something is proposed (a label already there, a due date already set, a member of the
 * group already assigned: nothing), so a rule whose actions hold produces nothing and a rerun
 * writes nothing. Notes carry the marker `triage:<rule id>` and are posted once.
 * Pure: assignment is round-robin by iid (deterministic, no memory), dates come from ctx.now.
 */
import type { Action } from "../../domain/actions.js";
import { markerKey } from "../../domain/markers.js";
import { formatRef, type MilestoneInfo, type ResourceSnapshot } from "../../domain/snapshot.js";
import { renderTemplate, templateText } from "../../domain/templates.js";
import { mention, mentionEach } from "../../domain/text.js";
import type { TriageActionDef, TriageRuleDef } from "../../policy/compile/triage.js";
import { labelList } from "../labelRefs.js";
import { botUsernameOf, type RuleContext } from "../types.js";
import { labelMatches } from "./conditions.js";

const DAY = 86_400_000;

export function noteMarker(ruleId: string): string {
  return markerKey("triage", ruleId);
}

/** The current milestone, and the next one: the future milestone that starts first. */
export function currentAndNext(milestones: MilestoneInfo[]): { current?: MilestoneInfo; next?: MilestoneInfo } {
  const current = milestones.find((m) => m.timing === "current" && m.state === "active");
  const next = milestones
    .filter((m) => m.timing === "future" && m.state === "active")
    .sort((a, b) => (a.startDate ?? "9999").localeCompare(b.startDate ?? "9999") || a.id - b.id)[0];
  return { ...(current ? { current } : {}), ...(next ? { next } : {}) };
}

/** Round-robin without memory: the same issue always maps to the same member. */
export function roundRobin(members: string[], iid: number): string | undefined {
  return members.length === 0 ? undefined : members[iid % members.length];
}

function recipient(to: Extract<TriageActionDef, { kind: "note" }>["to"], s: ResourceSnapshot, ctx: RuleContext): string {
  const bot = ctx.policy.scope.botUsername;
  if (to !== null && typeof to === "object") return mentionEach(ctx.policy.people[to.group] ?? [], bot);
  if (to === "assignees" && s.assignees.length > 0) return mentionEach(s.assignees.map((a) => a.username), bot);
  return mention(s.author.username);
}

export interface ActionsOutcome {
  actions: Action[];
  /** Actions of the rule that hold already or cannot be taken, with why (for `rules explain`). */
  notes: string[];
}

export function triageActions(def: TriageRuleDef, s: ResourceSnapshot, ctx: RuleContext, reason: string): ActionsOutcome {
  const rule = `triage:${def.id}`;
  const actions: Action[] = [];
  const notes: string[] = [];
  const present = new Set(s.labels);
  const origin = { rule, reason };
  for (const a of def.then) {
    switch (a.kind) {
      case "add_labels": {
        const missing = a.labels.filter((l) => !present.has(l));
        if (missing.length) actions.push({ type: "add_labels", labels: missing, ...origin });
        else notes.push(`add ${labelList(a.labels)}: already there`);
        break;
      }
      case "remove_labels": {
        const there = s.labels.filter((l) => a.labels.some((p) => labelMatches(p, ctx.policy.taxonomy.canonical(l) ?? l)));
        if (there.length) actions.push({ type: "remove_labels", labels: there, ...origin });
        else notes.push(`remove ${labelList(a.labels)}: not there`);
        break;
      }
      case "note": {
        const marker = noteMarker(def.id);
        if ((s.notes ?? []).some((n) => n.botMarkers.includes(marker))) {
          notes.push("note: already posted");
          break;
        }
        const group = a.to !== null && typeof a.to === "object" ? a.to.group : "";
        actions.push({
          type: "comment",
          marker,
          ...origin,
          body: renderTemplate(templateText(ctx.policy.templates, a.template), {
            recipient: { trusted: recipient(a.to, s, ctx) },
            author: { trusted: mention(s.author.username) },
            assignees: { trusted: s.assignees.map((u) => mention(u.username)).join(" ") },
            title: s.title,
            ref: { trusted: formatRef(s.ref) },
            url: { trusted: s.webUrl },
            rule: { trusted: def.id },
            reason,
            milestone: s.milestone?.title ?? "",
            bot: { trusted: botUsernameOf(ctx) },
            group: { trusted: group },
            labels: { trusted: labelList(s.labels) },
            date: { trusted: ctx.calendar.today(ctx.now) },
          }),
        });
        break;
      }
      case "close":
        if (s.state === "opened") actions.push({ type: "close", ...origin });
        else notes.push(`close: it is ${s.state}`);
        break;
      case "reopen":
        if (s.state === "closed") actions.push({ type: "reopen", ...origin });
        else notes.push(`reopen: it is ${s.state}`);
        break;
      case "milestone": {
        if (a.which === "none") {
          if (s.milestone !== null) actions.push({ type: "set_milestone", milestoneId: null, milestoneTitle: null, ...origin });
          else notes.push("remove the milestone: it has none");
          break;
        }
        const target = currentAndNext(ctx.milestones)[a.which];
        if (target === undefined) notes.push(`milestone ${a.which}: the group has no ${a.which} milestone`);
        else if (s.milestone?.id === target.id) notes.push(`milestone ${a.which}: already "${target.title}"`);
        else actions.push({ type: "set_milestone", milestoneId: target.id, milestoneTitle: target.title, ...origin });
        break;
      }
      case "assign": {
        const members = "group" in a ? (ctx.policy.people[a.group] ?? []) : [a.user];
        // GitLab usernames are case-insensitive: people.yml may spell a member otherwise.
        const wanted = new Set(members.map((m) => m.toLowerCase()));
        if (s.assignees.some((u) => wanted.has(u.username.toLowerCase()))) {
          notes.push(`assign: ${"group" in a ? `someone in "${a.group}" is` : `${a.user} is`} already assigned`);
          break;
        }
        const chosen = "group" in a ? roundRobin(members, s.iid) : a.user;
        const id = chosen === undefined ? undefined : ctx.userIds?.[chosen];
        if (chosen === undefined || id === undefined) {
          notes.push(`assign: the GitLab id of ${chosen ?? "the group's members"} is not known in this run`);
          break;
        }
        actions.push({
          type: "set_assignees",
          usernames: [...s.assignees.map((u) => u.username), chosen],
          userIds: [...s.assignees.map((u) => u.id), id],
          ...origin,
        });
        break;
      }
      case "due_date": {
        if (a.in === null) {
          if (s.dueDate !== null) actions.push({ type: "set_due_date", dueDate: null, ...origin });
          else notes.push("clear the due date: it has none");
          break;
        }
        // Only an empty due date is filled: a rerun tomorrow must not move it a day later.
        if (s.dueDate !== null) {
          notes.push(`due date: already ${s.dueDate}`);
          break;
        }
        const at = a.in.unit === "days" ? new Date(ctx.now.getTime() + a.in.amount * DAY) : ctx.calendar.addBusinessDays(ctx.now, a.in.amount);
        actions.push({ type: "set_due_date", dueDate: ctx.calendar.today(at), ...origin });
        break;
      }
      case "confidential":
        if (!s.confidential) actions.push({ type: "set_confidential", confidential: true, ...origin });
        else notes.push("confidential: already");
        break;
      case "summarize":
        // Gathered across the whole sweep (see summaries.ts), not an action on the resource.
        break;
    }
  }
  return { actions, notes };
}
