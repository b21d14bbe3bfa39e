/**
 * Where the attention budget is kept between runs: the team's daily list issue in GitLab (found by
 * its marker, created when the bot first mentions someone). A run opens the budget from it and, at
 * its end, writes today's counts back and one note per person with what was held back for them,
 * in the team issue or in the person's own daily list issue, as rollout.yml says.
 */
import { markerComment, markerKey } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { ReportResource } from "./report.js";
import { ensuredIssueOf, ensuredNoteOf, type EnsureIssueAction } from "./scopePlan.js";
import { canApplyScope } from "./scopePlatform.js";
import { projectsWithRole, type CompiledPolicy } from "../policy/model.js";
import { AttentionBudget, LEDGER_MARKER, dailyListNote, personListMarker, spentToday } from "./attention.js";

const RULE = "rollout:attention";

export interface OpenAttention {
  budget: AttentionBudget;
  close(): Promise<{ resources: ReportResource[]; errors: { ref: string; message: string }[] }>;
}

/** The day's budget as GitLab records it; null without rollout.yml or where issues cannot be written (tests' in-memory platforms). */
export async function openAttention(policy: CompiledPolicy, platform: object, today: string, botUsername: string): Promise<OpenAttention | null> {
  const rollout = policy.rollout;
  if (rollout === undefined || rollout.attention.mentionsPerPersonPerDay === null || !canApplyScope(platform)) return null;
  const project = projectsWithRole(policy.scope, rollout.attention.projectRole)[0];
  if (project === undefined) return null;
  const ctx = { path: project.path, roles: [...project.roles] };
  const labels = rollout.report.labels;
  const lookup = (marker: string) => ({ labels, search: marker, state: "opened" as const });
  const find = async (marker: string): Promise<ResourceSnapshot | undefined> =>
    (await platform.issuesByMarker({ project: ctx, ...lookup(marker) }, (m) => m === marker)).get(marker)?.[0];
  let ledger = await find(LEDGER_MARKER);
  const budget = new AttentionBudget(rollout.attention.mentionsPerPersonPerDay, today, spentToday(ledger?.description ?? "", today), botUsername);

  /** A daily list issue brought up to date (found: what was read already; else looked up). Undefined when a dry run would create it. */
  const ensureList = async (marker: string, title: string, description: string, found: ResourceSnapshot[] | undefined, out: ReportResource[]): Promise<ResourceSnapshot | undefined> => {
    const action: EnsureIssueAction = {
      type: "ensure_issue",
      issue: { project: ctx, marker, title, body: description, labels },
      ...(found !== undefined ? { found } : { lookup: lookup(marker) }),
      rule: RULE,
      reason: "The bot keeps the day's mentions and held-back items here.",
    };
    const ensured = ensuredIssueOf((await platform.applyScope({ actions: [action] })).outcomes[0]);
    const issue = ensured.issue;
    if (ensured.status === "updated" && issue !== null) {
      const ref = `${issue.projectPath}#${issue.iid}`;
      out.push({ ref, url: issue.webUrl, title: issue.title, actions: [{ type: "update_issue", ref, marker, what: "today's list", rule: RULE, reason: "Mentions counted for today." }], conflicts: [] });
    }
    if (ensured.status === "created") {
      out.push({ ref: issue ? `${issue.projectPath}#${issue.iid}` : `${project.path} (new issue)`, url: issue?.webUrl ?? "", title, actions: [{ type: "create_issue", project: project.path, title, marker, labels, rule: RULE, reason: action.reason }], conflicts: [] });
    }
    return issue ?? undefined;
  };

  return {
    budget,
    async close() {
      const resources: ReportResource[] = [];
      const errors: { ref: string; message: string }[] = [];
      try {
        if (budget.spentMap().size > 0 || ledger !== undefined) ledger = await ensureList(LEDGER_MARKER, "mops-bot daily list", budget.ledgerDescription(), ledger ? [ledger] : [], resources);
        for (const [person, items] of budget.heldItems()) {
          const target =
            rollout.attention.dailyList === "per-team"
              ? ledger
              : await ensureList(personListMarker(person), `mops-bot daily list: ${person}`, `What the bot holds back for \`${person}\` once they have been mentioned for the day, one note a day.\n\n${markerComment(personListMarker(person))}`, undefined, resources);
          if (target === undefined) continue; // created in a dry run: nothing to note on yet
          const marker = markerKey("daily-list", budget.today, person);
          // Another job may have written today's note already: its items stay beside this run's.
          const earlier = (await platform.notes(target)).find((n) => n.botMarkers.includes(marker))?.body ?? "";
          const body = dailyListNote(person, budget.today, items, project.path, earlier);
          const note = ensuredNoteOf((await platform.applyScope({ actions: [{ type: "ensure_note", target, marker, body, rule: RULE, reason: "Beyond today's mentions." }] })).outcomes[0]);
          if (note.status !== "unchanged") {
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
