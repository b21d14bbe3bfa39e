/**
 * Reading what the digest lists from GitLab: one listing of the open issues in scope (shared by
 * the triage, priority and SLA sections), label history only for issues in triage and issues with
 * an SLA label, and the audit and renewal issues found by their markers.
 */
import type { BusinessCalendar } from "../domain/calendar.js";
import { byRef, formatRef, type ResourceSnapshot } from "../domain/snapshot.js";
import type { Platform } from "../engine/platform.js";
import type { ScopeProject } from "../engine/scopePlan.js";
import type { ScopePlatform } from "../engine/scopePlatform.js";
import type { CompiledPolicy, DigestPolicy } from "../policy/model.js";
import { shortDate } from "../domain/calendar/dates.js";
import { addDays } from "../domain/calendar/days.js";
import { AUDIT_MARKER_PREFIX, RENEWAL_MARKER_PREFIX, auditIssueDueDate, parseAuditMarker, renewalMarker } from "../rules/tools/plan.js";
import type { DigestItem, DigestSection } from "./render.js";
import type { SlaDigestSource } from "./sla.js";
import { disclosedTitle } from "../domain/disclosure.js";

export interface DigestContext {
  policy: CompiledPolicy;
  digest: DigestPolicy;
  calendar: BusinessCalendar;
  platform: ScopePlatform;
  project: ScopeProject;
  now: Date;
  today: string;
  sla: SlaDigestSource;
}

const canonicalLabels = (policy: CompiledPolicy, s: ResourceSnapshot) => s.labels.map((l) => policy.taxonomy.canonical(l) ?? l);
// The digest issue is public and so is its Slack post: a confidential issue is named only by reference.
const item = (s: ResourceSnapshot, detail: string): DigestItem => ({ ref: formatRef(s.ref), url: s.webUrl, title: disclosedTitle(s, null), detail });
const projectUrlOf = (issues: ResourceSnapshot[]) => issues[0]?.webUrl.replace(/\/-\/issues\/\d+$/, "");

export async function openIssuesOf(platform: Platform, projectPath: string): Promise<ResourceSnapshot[]> {
  const out: ResourceSnapshot[] = [];
  for await (const s of platform.list({ kind: "issue", state: "opened" })) if (s.projectPath === projectPath) out.push(s);
  return out;
}

/** `13 Nov` in the team's zone: the digest is edited during its week, and a date (unlike an age) stays put. */
const dayOf = (ctx: DigestContext, at: Date) => shortDate(ctx.calendar.today(at), ctx.today);

/** Issues in triage longer than the policy allows, longest first; the wait starts when the triage label was last added. */
async function triageSection(ctx: DigestContext, open: ResourceSnapshot[]): Promise<DigestSection> {
  const { label, waitBusinessDays } = ctx.digest.triage;
  const inTriage = open.filter((s) => canonicalLabels(ctx.policy, s).includes(label));
  const waiting: { since: Date; item: DigestItem }[] = [];
  for (const s of inTriage) {
    const events = s.labelEvents ?? (await ctx.platform.labelEvents(s));
    const added = events.filter((e) => e.action === "add" && (ctx.policy.taxonomy.canonical(e.label) ?? e.label) === label).at(-1)?.createdAt ?? s.createdAt;
    const days = ctx.calendar.businessDaysBetween(added, ctx.now);
    if (days > waitBusinessDays) waiting.push({ since: added, item: item(s, `in triage since ${dayOf(ctx, added)}`) });
  }
  const projectUrl = projectUrlOf(open);
  return {
    title: `Waiting in triage longer than ${waitBusinessDays} business days`,
    items: waiting.sort((a, b) => a.since.getTime() - b.since.getTime() || byRef(a.item, b.item)).map((w) => w.item),
    none: "Nothing has waited in triage that long.",
    ...(projectUrl ? { moreUrl: `${projectUrl}/-/issues/?label_name%5B%5D=${encodeURIComponent(label)}` } : {}),
  };
}

function priorityLabel(ctx: DigestContext, s: ResourceSnapshot): boolean {
  return canonicalLabels(ctx.policy, s).some((l) => ctx.policy.taxonomy.setOf(l)?.key === ctx.digest.priorityScope);
}

function noPrioritySection(ctx: DigestContext, open: ResourceSnapshot[]): DigestSection {
  const bot = ctx.policy.scope.botUsername.toLowerCase();
  const exempt = new Set(ctx.digest.priorityNotNeeded);
  const missing = open.filter((s) => s.author.username.toLowerCase() !== bot && !priorityLabel(ctx, s) && !canonicalLabels(ctx.policy, s).some((l) => exempt.has(l)));
  return {
    title: `Open issues without a ${ctx.digest.priorityScope} label`,
    items: missing.map((s) => item(s, `opened ${dayOf(ctx, s.createdAt)}${s.assignees.length ? `, assigned to ${s.assignees.map((u) => u.username).sort().join(", ")}` : ", unassigned"}`)).sort(byRef),
    none: "Every open issue has a priority.",
  };
}

async function slaSection(ctx: DigestContext, open: ResourceSnapshot[]): Promise<DigestSection> {
  return {
    title: "SLAs at risk or breached",
    items: await ctx.sla.atRiskAndBreached(open),
    none: ctx.sla.configured ? "No SLA is at risk or breached." : "No SLA is configured (policies/sla.yml).",
  };
}

async function toolSections(ctx: DigestContext): Promise<DigestSection[]> {
  const tools = ctx.policy.tools;
  if (!tools) return [];
  const [audits, renewals] = await Promise.all([
    ctx.platform.issuesByMarker({ project: ctx.project, labels: tools.audits.labels, state: "opened" }, (m) => m.startsWith(`${AUDIT_MARKER_PREFIX}:`)),
    ctx.platform.issuesByMarker({ project: ctx.project, labels: tools.renewals.labels }, (m) => m.startsWith(`${RENEWAL_MARKER_PREFIX}:`)),
  ]);
  const overdue: { due: string; item: DigestItem }[] = [];
  // The issue listing the audits of tools without an owner carries one marker per audit: listed once.
  const seen = new Set<number>();
  for (const [marker, [issue]] of audits) {
    if (!issue || seen.has(issue.id)) continue;
    seen.add(issue.id);
    const parsed = parseAuditMarker(marker);
    const due = parsed ? auditIssueDueDate(issue, parsed.period) : null;
    if (due !== null && due < ctx.today) {
      overdue.push({ due, item: item(issue, `due ${due}${issue.assignees.length ? `, assigned to ${issue.assignees.map((u) => u.username).join(", ")}` : ""}`) });
    }
  }
  const horizon = addDays(ctx.today, ctx.digest.renewalsWithinDays);
  const upcoming = tools.tools
    .filter((t) => t.renewalDate !== null && t.renewalDate >= ctx.today && t.renewalDate <= horizon)
    .sort((a, b) => a.renewalDate!.localeCompare(b.renewalDate!))
    .map((t): DigestItem => {
      const issue = renewals.get(renewalMarker(t))?.[0];
      const detail = `renews ${t.renewalDate} (tier ${t.tier})${issue ? "" : ", renewal issue not opened yet"}`;
      return issue ? item(issue, detail) : { ref: "", url: "", title: t.name, detail };
    });
  return [
    { title: "Overdue tool user audits", items: overdue.sort((a, b) => a.due.localeCompare(b.due) || byRef(a.item, b.item)).map((o) => o.item), none: "No audit is overdue." },
    { title: `Tool renewals in the next ${ctx.digest.renewalsWithinDays} days`, items: upcoming, none: "No renewal is coming up (or no renewal dates are recorded in tools.yml)." },
  ];
}

/** Every section of the digest, in reading order. */
export async function collectDigestSections(ctx: DigestContext): Promise<{ sections: DigestSection[]; read: number }> {
  const open = await openIssuesOf(ctx.platform, ctx.project.path);
  const [triage, sla, tools] = await Promise.all([triageSection(ctx, open), slaSection(ctx, open), toolSections(ctx)]);
  return { sections: [triage, noPrioritySection(ctx, open), sla, ...tools], read: open.length };
}
