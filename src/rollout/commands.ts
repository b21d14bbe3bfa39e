/** What `mops-bot adopt` does, loaded only when it runs. */
import { spellingsInUse, type SpellingInUse } from "../labels/spelling.js";
import type { CommandIo } from "../cliIo.js";
import type { RunReport } from "../engine/report.js";
import { withJobRuntime } from "../jobs/jobRuntime.js";
import { runSweep } from "../jobs/sweep.js";
import type { JobDeps } from "../jobs/types.js";
import type { AdoptionOutcome } from "./adoptionRun.js";
import { mentionedIn } from "../domain/text.js";

export interface AdoptOptions {
  dryRun?: boolean;
  dir?: string;
}

export async function runAdoptCommand(options: AdoptOptions, io: CommandIo): Promise<number> {
  try {
    const outcome = await withJobRuntime(options, io, (deps) => adopt(deps));
    if ("exitCode" in outcome) return outcome.exitCode;
    io.out(outcome.result.text);
    return outcome.result.failed ? 1 : 0;
  } catch (e) {
    if (e instanceof RolloutMissingError) {
      io.err(e.message);
      return 1;
    }
    throw e;
  }
}

/** Adoption without policies/rollout.yml: the message says what to add. */
export class RolloutMissingError extends Error {}

/** Runs (or in a dry run, plans) the first sweep with rollout.yml and describes it. */
export async function adopt(deps: JobDeps): Promise<{ text: string; failed: boolean; report: RunReport; adoption: AdoptionOutcome | null }> {
  if (deps.policy.rollout === undefined) {
    throw new RolloutMissingError("No policies/rollout.yml: adoption needs it. Add it with the day the bot is switched on (adopted_on: YYYY-MM-DD); README, \"Use it on your GitLab\", shows one.");
  }
  let adoption: AdoptionOutcome | null = null;
  // Read before the sweep, as the sweep reads them: the board's own spellings are left alone and shown here.
  const spellings = deps.platform.labelsInUse ? spellingsInUse(deps.policy.taxonomy, await deps.platform.labelsInUse()) : [];
  const report = await runSweep(deps, { onAdoption: (o) => (adoption = o) });
  return { text: renderAdoption(report, adoption, deps, spellings), failed: report.errors.length > 0, report, adoption };
}

function renderAdoption(report: RunReport, adoption: AdoptionOutcome | null, deps: JobDeps, spellings: SpellingInUse[]): string {
  const rollout = deps.policy.rollout!;
  const would = deps.dryRun ? "would be " : "";
  const repairs = new Map<string, number>();
  let notes = 0;
  // Mentions per person across the notes and the reports: a person may be named in both.
  const mentions = new Map<string, number>();
  const bot = deps.policy.scope.botUsername.toLowerCase();
  const count = (who: string) => who !== bot && mentions.set(who, (mentions.get(who) ?? 0) + 1);
  for (const r of report.resources) {
    for (const a of r.actions) {
      if (a.type === "add_labels" || a.type === "remove_labels") repairs.set(a.rule, (repairs.get(a.rule) ?? 0) + 1);
      if (a.type === "comment") {
        notes++;
        mentionedIn(a.body).forEach(count);
      }
    }
  }
  const lines = [
    `Adoption ${deps.dryRun ? "preview (dry run: nothing was written)" : "done"}: adopted on ${rollout.adoptedOn}; issues created before it are the backlog.`,
    `Read ${report.read.issues} issue(s) and ${report.read.mergeRequests} merge request(s).`,
    "",
    `Label changes ${would || ""}made, by rule (on the backlog without a note):`,
    ...[...repairs.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([rule, n]) => `  ${rule}: ${n}`),
  ];
  if (repairs.size === 0) lines.push("  none");
  if (spellings.length > 0) {
    lines.push("", "Left alone: your board spells these labels its own way, on more issues and MRs than labels.yml's spelling (counted over each scoped set, so one label of a set may be on fewer). Decide in labels.yml (`mops-bot labels sync --dry-run` shows the edit):");
    for (const s of spellings) lines.push(`  "${s.gitlab}" on ${s.gitlabCarriers} issue(s)/MR(s); labels.yml's "${s.policy}" on ${s.policyCarriers}`);
  }
  lines.push("", `Notes ${would}posted: ${notes} (issues opened since adoption, and answers to a person's own action).`);
  const reports = adoption?.reports ?? [];
  for (const r of reports) {
    r.content.mentioned.map((p) => p.toLowerCase()).forEach(count);
    const state = r.status === "unchanged" ? "already up to date" : `${would}${r.status}`;
    lines.push("", `Adoption report in ${r.projectPath} (${state}): ${r.content.count} issue(s), ${r.content.mentioned.length} person(s) mentioned.`, "", r.content.body);
  }
  if (reports.length === 0) lines.push("", "Adoption report: nothing on the backlog needs a person; no report issue.");
  const most = Math.max(0, ...mentions.values());
  const names = [...mentions.keys()].sort().map((m) => `@${m}`).join(", ");
  lines.push("", `People mentioned: ${mentions.size}${mentions.size > 0 ? ` (${names}); at most ${most} mention(s) of one person` : ""}.`);
  if (report.errors.length > 0) lines.push("", `${report.errors.length} error(s):`, ...report.errors.map((e) => `  ${e.ref}: ${e.message}`));
  return lines.join("\n");
}
