/**
 * Keeping the adoption reports current over a sweep: every resource's listed backlog problems are
 * gathered, then each project's report issue is found again by its marker, created when there is
 * something to list, edited when its list changed, and left alone otherwise, so a rerun writes
 * nothing. A dry run only reports what it would write.
 */
import type { ScopeAction } from "../domain/actions.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { ReportResource } from "../engine/report.js";
import { findIssuesByMarker } from "../gitlab/issuesByMarker.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { Rule, RuleContext } from "../rules/types.js";
import { canWriteSummaries, type SummaryPlatform } from "../triage/summaryWrites.js";
import { backlogFindings } from "../rules/backlog.js";
import { mentionedIn } from "../domain/text.js";
import { adoptionMarker, listedIssue, renderAdoptionReport, type AdoptionReportContent, type ListedIssue } from "./report.js";

const RULE = "rollout:adoption-report";

export interface AdoptionOutcome {
  resources: ReportResource[];
  errors: { ref: string; message: string }[];
  /** Each project's report as written (or, in a dry run, as it would be). */
  reports: { projectPath: string; content: AdoptionReportContent; status: "created" | "updated" | "unchanged" }[];
}

export class AdoptionCollector {
  private readonly listed = new Map<string, ListedIssue[]>();

  constructor(private readonly rules: Rule[]) {}

  collect(snapshot: ResourceSnapshot, ctx: RuleContext): void {
    const problems = backlogFindings(snapshot, this.rules, ctx);
    if (problems.length === 0) return;
    const list = this.listed.get(snapshot.projectPath) ?? [];
    list.push(listedIssue(snapshot, problems));
    this.listed.set(snapshot.projectPath, list);
  }

  /** Listed issues by project (for `adopt --dry-run`). */
  get byProject(): ReadonlyMap<string, ListedIssue[]> {
    return this.listed;
  }

  /** `budget`: the day's attention budget; a person past it is named without an @ in a new heading. */
  async finish(policy: CompiledPolicy, platform: object, today: string, budget?: { take(username: string): boolean }): Promise<AdoptionOutcome> {
    const out: AdoptionOutcome = { resources: [], errors: [], reports: [] };
    if (policy.rollout === undefined || !canWriteSummaries(platform)) return out;
    const mentioned = new Set<string>();
    for (const project of policy.scope.projects) {
      try {
        await this.ensureReport(project, policy, platform, today, out, mentioned, budget);
      } catch (e) {
        out.errors.push({ ref: `adoption report of ${project.path}`, message: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  }

  /** `mentioned`: people the reports of earlier projects mention (each person is mentioned in one report only); grows with this one's. */
  private async ensureReport(project: { path: string; roles: string[] }, policy: CompiledPolicy, platform: SummaryPlatform, today: string, out: AdoptionOutcome, mentioned: Set<string>, budget?: { take(username: string): boolean }): Promise<void> {
    const rollout = policy.rollout!;
    const marker = adoptionMarker(project.path);
    const issues = this.listed.get(project.path) ?? [];
    const found = await findIssuesByMarker(
      { api: platform.requester.api, me: () => platform.currentUser(), today },
      { project: { path: project.path, roles: [...project.roles] }, labels: rollout.report.labels, search: marker, state: "all" },
      (m) => m === marker,
    );
    const existing = found.get(marker)?.[0];
    // GitLab notifies a mention once, when it is added; a heading that has one keeps it.
    const had = new Set(mentionedIn(existing?.description ?? ""));
    const mayMention = (p: string) => !mentioned.has(p) && (had.has(p.toLowerCase()) || budget === undefined || budget.take(p));
    const content = renderAdoptionReport(project.path, issues, policy, existing?.description ?? "", mayMention);
    for (const p of content.mentioned) mentioned.add(p);
    if (existing === undefined) {
      if (issues.length === 0) return;
      const outcome = await platform.createIssue({ projectPath: project.path, title: content.title, description: content.body, labels: rollout.report.labels });
      const created = outcome.status === "written" ? outcome.result : null;
      const action: ScopeAction = { type: "create_issue", project: project.path, title: content.title, marker, labels: rollout.report.labels, rule: RULE, reason: `The backlog has ${issues.length} issue(s) for a person to look at (rollout.yml).` };
      out.resources.push({ ref: created ? `${created.projectPath}#${created.iid}` : `${project.path} (new issue)`, url: created?.webUrl ?? "", title: content.title, actions: [action], conflicts: [] });
      out.reports.push({ projectPath: project.path, content, status: "created" });
      return;
    }
    const outcome = await platform.updateIssueDescription(existing, content.body);
    if (outcome.status === "unchanged") {
      out.reports.push({ projectPath: project.path, content, status: "unchanged" });
      return;
    }
    const ref = `${existing.projectPath}#${existing.iid}`;
    const action: ScopeAction = { type: "update_issue", ref, marker, what: `the list now has ${issues.length} issue(s)`, rule: RULE, reason: "The backlog's open problems changed." };
    out.resources.push({ ref, url: existing.webUrl, title: existing.title, actions: [action], conflicts: [] });
    out.reports.push({ projectPath: project.path, content, status: "updated" });
  }
}
