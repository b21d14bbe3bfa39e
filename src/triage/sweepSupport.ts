/**
 * What the sweep adds for triage rules: the per-run budget behind `limit`, the GitLab ids of the
 * people rules may assign, and the summaries gathered across every resource of the sweep.
 */
import type { Logger } from "pino";
import { type ResourceSnapshot, withoutHistory } from "../domain/snapshot.js";
import type { ReportResource } from "../engine/report.js";
import type { PlatformReader } from "../engine/platform.js";
import type { Notifier } from "../notify/types.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { Rule, RuleBudget, RuleContext } from "../rules/types.js";
import { type Finding, isTriageRule, type TriageRule } from "../rules/triage/rule.js";
import { renderSlackSummary, renderSummary } from "./summaries.js";
import { ensureSummaryPost } from "./summarySlack.js";
import { ensureSummary } from "./summaryWrites.js";
import { canApplyScope } from "../engine/scopePlatform.js";

/** Counts resources acted on per rule within one run. */
export function createRunBudget(): RuleBudget {
  const used = new Map<string, number>();
  return {
    take(ruleId, limit) {
      const n = used.get(ruleId) ?? 0;
      if (n >= limit) return false;
      used.set(ruleId, n + 1);
      return true;
    },
  };
}

/** Usernames the triage rules among `rules` may assign (group members and named users). */
export function assignableUsernames(rules: Rule[], policy: CompiledPolicy): string[] {
  const names = new Set<string>();
  for (const r of rules.filter(isTriageRule)) {
    for (const a of r.def.then) {
      if (a.kind !== "assign") continue;
      for (const u of "group" in a ? (policy.people[a.group] ?? []) : [a.user]) names.add(u);
    }
  }
  return [...names].sort();
}

/**
 * Ids of the people rules may assign; names GitLab does not know are logged and left out. A
 * platform that cannot look users up (an in-memory one in tests) resolves nobody.
 */
export async function resolveAssignees(rules: Rule[], policy: CompiledPolicy, platform: Pick<PlatformReader, "userIdsByUsername">, logger: Logger): Promise<Record<string, number>> {
  const names = assignableUsernames(rules, policy);
  if (names.length === 0 || platform.userIdsByUsername === undefined) return {};
  const ids = await platform.userIdsByUsername(names);
  const unknown = names.filter((n) => !ids.has(n));
  if (unknown.length > 0) {
    logger.warn({ usernames: unknown }, "people.yml names users GitLab does not know; triage rules will not assign them");
  }
  return Object.fromEntries(ids);
}

export interface SummaryOutcome {
  resources: ReportResource[];
  errors: { ref: string; message: string }[];
}

/** Gathers the findings of every summarizing triage rule over a sweep, then ensures the summaries. */
export class SummaryCollector {
  private readonly rules: TriageRule[];
  private readonly findings = new Map<string, Finding[]>();

  constructor(rules: Rule[]) {
    this.rules = rules.filter(isTriageRule).filter((r) => r.summary !== null);
    for (const r of this.rules) this.findings.set(r.id, []);
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** Slack channels the summaries post to (a notifier is needed only when there are some). */
  get slackChannels(): string[] {
    return [...new Set(this.rules.flatMap((r) => (r.summary!.slack ? [r.summary!.slack.channel] : [])))].sort();
  }

  collect(snapshot: ResourceSnapshot, ctx: RuleContext): void {
    for (const r of this.rules) {
      const f = r.finding(snapshot, ctx);
      // Kept until the sweep ends: without the history read for the rules (a summary shows only
      // listed fields), so a large board's comments are not all held at once.
      if (f) this.findings.get(r.id)!.push({ ...f, snapshot: withoutHistory(f.snapshot) });
    }
  }

  /** `notifier`: where summaries with `slack:` post; null or omitted reports a clear error for them instead. */
  async finish(policy: CompiledPolicy, platform: object, logger: Logger, notifier: Notifier | null = null): Promise<SummaryOutcome> {
    const out: SummaryOutcome = { resources: [], errors: [] };
    if (!canApplyScope(platform)) {
      // A platform without issue writes (an in-memory one in tests) has nowhere to keep a summary.
      logger.warn({ rules: this.rules.map((r) => r.id) }, "triage summaries skipped: this platform cannot find or write issues");
      return out;
    }
    for (const r of this.rules) {
      const summary = r.summary!;
      const findings = this.findings.get(r.id)!;
      try {
        const content = renderSummary(r.def, summary, findings, policy);
        const written = await ensureSummary(r.def, summary, content, { platform, policy });
        const post = summary.slack ? await ensureSummaryPost(r.def, summary, renderSlackSummary(r.def, summary, findings, policy), written.issue, { platform, policy, notifier }) : null;
        if (post?.error) out.errors.push({ ref: `summary of ${r.id}`, message: post.error });
        if (written.entry) out.resources.push(post?.action ? { ...written.entry, actions: [...written.entry.actions, post.action] } : written.entry);
        else if (post?.action && written.issue) {
          out.resources.push({ ref: `${written.issue.projectPath}#${written.issue.iid}`, url: written.issue.webUrl, title: written.issue.title, actions: [post.action], conflicts: [] });
        }
      } catch (e) {
        out.errors.push({ ref: `summary of ${r.id}`, message: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  }
}
