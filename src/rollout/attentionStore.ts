/**
 * Where the attention budget is kept between runs: the team's daily list issue in GitLab (found by
 * its marker, created when the bot first mentions someone). A run opens the budget from it and, at
 * its end, writes today's counts back and one note per person with what was held back for them,
 * in the team issue or in the person's own daily list issue, as rollout.yml says.
 */
import { markerComment, markerKey } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { ReportResource } from "../engine/report.js";
import { findIssuesByMarker } from "../gitlab/issuesByMarker.js";
import { projectsWithRole, type CompiledPolicy } from "../policy/model.js";
import { canWriteSummaries } from "../triage/summaryWrites.js";
import { AttentionBudget, LEDGER_MARKER, dailyListNote, personListMarker, spentToday } from "./attention.js";

const RULE = "rollout:attention";

export interface OpenAttention {
  budget: AttentionBudget;
  close(): Promise<{ resources: ReportResource[]; errors: { ref: string; message: string }[] }>;
}

/** The day's budget as GitLab records it; null without rollout.yml or where issues cannot be written (tests' in-memory platforms). */
export async function openAttention(policy: CompiledPolicy, platform: object, today: string, botUsername: string): Promise<OpenAttention | null> {
  const rollout = policy.rollout;
  if (rollout === undefined || rollout.attention.mentionsPerPersonPerDay === null || !canWriteSummaries(platform)) return null;
  const project = projectsWithRole(policy.scope, rollout.attention.projectRole)[0];
  if (project === undefined) return null;
  const ctx = { path: project.path, roles: [...project.roles] };
  const reader = { api: platform.requester.api, me: () => platform.currentUser(), today };
  const labels = rollout.report.labels;
  const find = async (marker: string): Promise<ResourceSnapshot | undefined> =>
    (await findIssuesByMarker(reader, { project: ctx, labels, search: marker, state: "opened" }, (m) => m === marker)).get(marker)?.[0];
  let ledger = await find(LEDGER_MARKER);
  const budget = new AttentionBudget(rollout.attention.mentionsPerPersonPerDay, today, spentToday(ledger?.description ?? "", today), botUsername);

  const ensureIssue = async (marker: string, title: string, description: string, existing: ResourceSnapshot | undefined, out: ReportResource[]): Promise<ResourceSnapshot | undefined> => {
    if (existing !== undefined) {
      const outcome = await platform.updateIssueDescription(existing, description);
      if (outcome.status !== "unchanged") out.push({ ref: `${existing.projectPath}#${existing.iid}`, url: existing.webUrl, title: existing.title, actions: [{ type: "update_issue", ref: `${existing.projectPath}#${existing.iid}`, marker, what: "today's list", rule: RULE, reason: "Mentions counted for today." }], conflicts: [] });
      return outcome.status === "written" ? outcome.result : existing;
    }
    const outcome = await platform.createIssue({ projectPath: project.path, title, description, labels });
    out.push({ ref: outcome.status === "written" ? `${outcome.result.projectPath}#${outcome.result.iid}` : `${project.path} (new issue)`, url: outcome.status === "written" ? outcome.result.webUrl : "", title, actions: [{ type: "create_issue", project: project.path, title, marker, labels, rule: RULE, reason: "The bot keeps the day's mentions and held-back items here." }], conflicts: [] });
    return outcome.status === "written" ? outcome.result : undefined;
  };

  return {
    budget,
    async close() {
      const resources: ReportResource[] = [];
      const errors: { ref: string; message: string }[] = [];
      try {
        if (budget.spentMap().size > 0 || ledger !== undefined) ledger = await ensureIssue(LEDGER_MARKER, "mops-bot daily list", budget.ledgerDescription(), ledger, resources);
        for (const [person, items] of budget.heldItems()) {
          const target =
            rollout.attention.dailyList === "per-team"
              ? ledger
              : await ensureIssue(personListMarker(person), `mops-bot daily list: ${person}`, `What the bot holds back for \`${person}\` once they have been mentioned for the day, one note a day.\n\n${markerComment(personListMarker(person))}`, await find(personListMarker(person)), resources);
          if (target === undefined) continue; // created in a dry run: nothing to note on yet
          const marker = markerKey("daily-list", budget.today, person);
          // Another job may have written today's note already: its items stay beside this run's.
          const earlier = (await platform.notes(target)).find((n) => n.botMarkers.includes(marker))?.body ?? "";
          const note = await platform.ensureNote(target, marker, dailyListNote(person, budget.today, items, project.path, earlier));
          if (note.action !== "unchanged") {
            resources.push({ ref: `${target.projectPath}#${target.iid}`, url: target.webUrl, title: target.title, actions: [{ type: "update_issue", ref: `${target.projectPath}#${target.iid}`, marker, what: `${items.length} item(s) held back for ${person}`, rule: RULE, reason: "Beyond today's mentions." }], conflicts: [] });
          }
        }
      } catch (e) {
        errors.push({ ref: "daily list", message: e instanceof Error ? e.message : String(e) });
      }
      return { resources, errors };
    },
  };
}
