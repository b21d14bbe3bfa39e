/**
 * Reading what the report shows, through the reads of GitLab only (a PlatformReader): one
 * listing of the open issues in scope, label history only for the issues whose stage, step or SLA
 * clock the page shows (at most `historyLimit` of them), the issues closed during the SLA trend's
 * window that an SLA covers, the current milestone's closed issues and rollover notes, and the
 * audit and renewal issues found by their markers.
 */
import PQueue from "p-queue";
import type { BusinessCalendar } from "../domain/calendar.js";
import { isBotReport, markerKey } from "../domain/markers.js";
import { formatRef, type MilestoneInfo, type ResourceSnapshot } from "../domain/snapshot.js";
import type { IssueQuery, PlatformReader } from "../engine/platform.js";
import type { CompiledPolicy } from "../policy/model.js";
import { workflowApplies } from "../rules/moves/scope.js";
import { clockMayRun, slaCovers, slaDefinitions } from "../rules/sla/evaluate.js";
import { addDays } from "../domain/calendar/days.js";
import { projectForRole } from "../gitlab/jobAccess.js";
import { AUDIT_MARKER_PREFIX, RENEWAL_MARKER_PREFIX, auditIssueDueDate, parseAuditMarker, renewalMarker, toolByMarkerKey } from "../rules/tools/plan.js";
import type { AuditIssue, MilestoneInput, RenewalDue, ReportInput } from "./types.js";
import { teamMilestones } from "../rules/milestones/plan.js";

const WEEK_MS = 7 * 86_400_000;
const ROLLOVER_PREFIX = "milestone-rollover:";

export interface CollectOptions {
  policy: CompiledPolicy;
  calendar: BusinessCalendar;
  /** Only reads: the report cannot write to GitLab. */
  platform: PlatformReader;
  now: Date;
  gitlabUrl: string;
  trendWeeks: number;
  renewalsWithinDays: number;
  /** Label histories read at most (one request or more each); the page says when it was reached. */
  historyLimit: number;
  concurrency?: number;
}

/** The issue is on a workflow the page shows, or an SLA clock may run on it now. */
function needsHistory(policy: CompiledPolicy, s: ResourceSnapshot): boolean {
  if (slaDefinitions(policy).some((d) => clockMayRun(d, s, policy.taxonomy))) return true;
  return policy.workflows.some((w) => workflowApplies(w, s, policy) && s.labels.some((l) => policy.taxonomy.setOf(policy.taxonomy.canonical(l) ?? l)?.key === w.scope));
}

/** An SLA could have run on the (now closed) issue: covered, and carrying one of its priorities. */
function slaMayHaveRun(policy: CompiledPolicy, s: ResourceSnapshot): boolean {
  return slaDefinitions(policy).some((d) => slaCovers(d, s, policy.taxonomy) && clockMayRun(d, { ...s, state: "opened" }, policy.taxonomy));
}

/** Issues beyond the shared listing (closed ones), read across the scope. */
function listIssues(o: CollectOptions, query: IssueQuery): Promise<ResourceSnapshot[]> {
  if (o.platform.findIssues === undefined) throw new Error("The report lists closed issues, so it needs the GitLab connection.");
  return o.platform.findIssues(query);
}

/** Label events for the issues given, at most `budget.left` of them; the others are named in `notRead`. */
async function withHistory(o: CollectOptions, issues: ResourceSnapshot[], budget: { left: number }, notRead: string[]): Promise<ResourceSnapshot[]> {
  const queue = new PQueue({ concurrency: o.concurrency ?? 8 });
  return Promise.all(
    issues.map((s) => {
      if (s.labelEvents !== undefined) return s;
      if (budget.left <= 0) {
        notRead.push(formatRef(s.ref));
        return s;
      }
      budget.left--;
      return queue.add(async () => ({ ...s, labelEvents: await o.platform.labelEvents(s) }));
    }),
  );
}

/**
 * The team's current iteration, recognised as the milestones job does: its title, or its dates
 * whatever the title when open issues in scope use it (another team's milestone is not ours).
 */
export function currentTeamMilestone(policy: CompiledPolicy, milestones: MilestoneInfo[], open: ResourceSnapshot[]): MilestoneInfo | null {
  const used = new Set(open.flatMap((s) => (s.milestone === null ? [] : [s.milestone.id])));
  const team = policy.milestones ? teamMilestones(policy.milestones, milestones, used) : milestones;
  const current = team.filter((m) => m.state === "active" && m.timing === "current");
  return current.sort((a, b) => (b.startDate ?? "").localeCompare(a.startDate ?? ""))[0] ?? null;
}

async function milestoneInput(o: CollectOptions, milestones: MilestoneInfo[], open: ResourceSnapshot[]): Promise<MilestoneInput | null> {
  const current = currentTeamMilestone(o.policy, milestones, open);
  if (current === null) return null;
  const bot = o.policy.scope.botUsername;
  const closed = (await listIssues(o, { state: "closed", milestone: current.title })).filter((s) => !isBotReport(s, bot));
  const titles = new Map(milestones.map((m) => [markerKey(m.title), m.title]));
  const rolledOver = new Map<string, string[]>();
  const here = [...open.filter((s) => s.milestone?.id === current.id), ...closed].filter((s) => (s.userNotesCount ?? 1) > 0);
  const queue = new PQueue({ concurrency: o.concurrency ?? 8 });
  await Promise.all(
    here.map((s) =>
      queue.add(async () => {
        const notes = await o.platform.notes(s);
        const from = notes
          .filter((n) => n.author.username === bot)
          .flatMap((n) => n.botMarkers.filter((m) => m.startsWith(ROLLOVER_PREFIX)).map((m) => m.slice(ROLLOVER_PREFIX.length)))
          .map((key) => titles.get(key) ?? key);
        if (from.length > 0) rolledOver.set(formatRef(s.ref), [...new Set(from)]);
      }),
    ),
  );
  return { current, closed, rolledOver };
}

async function toolIssues(o: CollectOptions): Promise<{ audits: AuditIssue[]; renewals: RenewalDue[] }> {
  const tools = o.policy.tools;
  if (!tools) return { audits: [], renewals: [] };
  const today = o.calendar.today(o.now);
  const { platform } = o;
  if (platform.issuesByMarker === undefined) throw new Error("The report finds the audit and renewal issues by their markers, so it needs the GitLab connection.");
  const project = projectForRole(o.policy, tools.audits.projectRole, "tools.yml");
  const [auditIssues, renewalIssues] = await Promise.all([
    platform.issuesByMarker({ project, labels: tools.audits.labels, state: "opened" }, (m) => m.startsWith(`${AUDIT_MARKER_PREFIX}:`)),
    platform.issuesByMarker({ project, labels: tools.renewals.labels }, (m) => m.startsWith(`${RENEWAL_MARKER_PREFIX}:`)),
  ]);
  const audits: AuditIssue[] = [];
  // The issue listing the audits of tools without an owner carries one marker per audit: shown once.
  const markersOf = new Map<number, number>();
  for (const [, [issue]] of auditIssues) if (issue) markersOf.set(issue.id, (markersOf.get(issue.id) ?? 0) + 1);
  const seen = new Set<number>();
  for (const [marker, [issue]] of auditIssues) {
    const parsed = parseAuditMarker(marker);
    if (!issue || !parsed || seen.has(issue.id)) continue;
    seen.add(issue.id);
    const listed = markersOf.get(issue.id) ?? 1;
    const tool = listed > 1 ? `${listed} tools without an owner` : (toolByMarkerKey(tools, parsed.toolKey)?.name ?? parsed.toolKey);
    audits.push({ issue, tool, period: parsed.period, dueDate: auditIssueDueDate(issue, parsed.period) });
  }
  const horizon = addDays(today, o.renewalsWithinDays);
  const renewals = tools.tools
    .filter((t) => t.renewalDate !== null && t.renewalDate >= today && t.renewalDate <= horizon)
    .map((t): RenewalDue => ({ tool: t.name, tier: t.tier, renewalDate: t.renewalDate!, issue: renewalIssues.get(renewalMarker(t))?.[0] ?? null }));
  return { audits, renewals };
}

export async function collectReportInput(o: CollectOptions): Promise<ReportInput> {
  const { policy, now } = o;
  const bot = policy.scope.botUsername;
  const listed: ResourceSnapshot[] = [];
  for await (const s of o.platform.list({ kind: "issue", state: "opened" })) if (!isBotReport(s, bot)) listed.push(s);

  const budget = { left: o.historyLimit };
  const historyNotRead: string[] = [];
  const needing = listed.filter((s) => needsHistory(policy, s));
  const read = new Map((await withHistory(o, needing, budget, historyNotRead)).map((s) => [s.id, s]));
  const open = listed.map((s) => read.get(s.id) ?? s);

  const windowStart = new Date(now.getTime() - o.trendWeeks * WEEK_MS);
  const closedCandidates = slaDefinitions(policy).length === 0 ? [] : await listIssues(o, { state: "closed", updatedAfter: windowStart });
  const closedCovered = closedCandidates.filter((s) => !isBotReport(s, bot) && (s.closedAt === null || s.closedAt >= windowStart) && slaMayHaveRun(policy, s));
  const closedInWindow = (await withHistory(o, closedCovered, budget, historyNotRead)).filter((s) => s.labelEvents !== undefined);

  const [milestone, tools] = await Promise.all([milestoneInput(o, await o.platform.milestones(), open), toolIssues(o)]);
  return { now, gitlabUrl: o.gitlabUrl, open, closedInWindow, milestone, audits: tools.audits, renewals: tools.renewals, historyNotRead };
}
