/**
 * Keeping the adoption reports current over a sweep: every resource's listed backlog problems are
 * gathered, then each project's report issue is found again by its marker, created when there is
 * something to list, edited when its list changed, and left alone otherwise, so a rerun writes
 * nothing. A dry run only reports what it would write.
 */
import type { ScopeAction } from "../domain/actions.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { ReportResource } from "../engine/report.js";
import { ensuredIssueOf, type EnsureIssueAction } from "../engine/scopePlan.js";
import { canApplyScope, type ScopePlatform } from "../engine/scopePlatform.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { Rule, RuleContext } from "../rules/types.js";
import { backlogFindings } from "../rules/rollout/backlog.js";
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
  async finish(policy: CompiledPolicy, platform: object, budget?: { take(username: string): boolean }): Promise<AdoptionOutcome> {
    const out: AdoptionOutcome = { resources: [], errors: [], reports: [] };
    if (policy.rollout === undefined || !canApplyScope(platform)) return out;
    const mentioned = new Set<string>();
    for (const project of policy.scope.projects) {
      try {
        await this.ensureReport(project, policy, platform, out, mentioned, budget);
      } catch (e) {
        out.errors.push({ ref: `adoption report of ${project.path}`, message: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  }

  /** `mentioned`: people the reports of earlier projects mention (each person is mentioned in one report only); grows with this one's. */
  private async ensureReport(project: { path: string; roles: string[] }, policy: CompiledPolicy, platform: ScopePlatform, out: AdoptionOutcome, mentioned: Set<string>, budget?: { take(username: string): boolean }): Promise<void> {
    const rollout = policy.rollout!;
    const marker = adoptionMarker(project.path);
    const issues = this.listed.get(project.path) ?? [];
    const ctx = { path: project.path, roles: [...project.roles] };
    // Read: the report as it is, whose headings keep the mentions they had.
    const found = (await platform.issuesByMarker({ project: ctx, labels: rollout.report.labels, search: marker, state: "all" }, (m) => m === marker)).get(marker) ?? [];
    const existing = found[0];
    // GitLab notifies a mention once, when it is added; a heading that has one keeps it.
    const had = new Set(mentionedIn(existing?.description ?? ""));
    const mayMention = (p: string) => !mentioned.has(p) && (had.has(p.toLowerCase()) || budget === undefined || budget.take(p));
    const content = renderAdoptionReport(project.path, issues, policy, existing?.description ?? "", mayMention);
    for (const p of content.mentioned) mentioned.add(p);
    // Decide, then apply.
    const action: EnsureIssueAction = {
      type: "ensure_issue",
      issue: { project: ctx, marker, title: content.title, body: content.body, labels: rollout.report.labels },
      found,
      createIfMissing: issues.length > 0,
      rule: RULE,
      reason: `The backlog has ${issues.length} issue(s) for a person to look at (rollout.yml).`,
    };
    const ensured = ensuredIssueOf((await platform.applyScope({ actions: [action] })).outcomes[0]);
    const issue = ensured.issue;
    switch (ensured.status) {
      case "missing":
        return;
      case "unchanged":
        out.reports.push({ projectPath: project.path, content, status: "unchanged" });
        return;
      case "created": {
        const created: ScopeAction = { type: "create_issue", project: project.path, title: content.title, marker, labels: rollout.report.labels, rule: RULE, reason: action.reason };
        out.resources.push({ ref: issue ? `${issue.projectPath}#${issue.iid}` : `${project.path} (new issue)`, url: issue?.webUrl ?? "", title: content.title, actions: [created], conflicts: [] });
        out.reports.push({ projectPath: project.path, content, status: "created" });
        return;
      }
      case "updated": {
        const ref = `${existing!.projectPath}#${existing!.iid}`;
        const updated: ScopeAction = { type: "update_issue", ref, marker, what: `the list now has ${issues.length} issue(s)`, rule: RULE, reason: "The backlog's open problems changed." };
        out.resources.push({ ref, url: existing!.webUrl, title: existing!.title, actions: [updated], conflicts: [] });
        out.reports.push({ projectPath: project.path, content, status: "updated" });
        return;
      }
    }
  }
}
