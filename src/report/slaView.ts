/**
 * SLAs on the page: running, at risk and breached per SLA and priority (from the same clocks as the
 * `sla` job, src/sla), the breached issues, and a trend over the last weeks. The trend replays each
 * clock at the end of every week from the issues' label events: no stored history is needed, so
 * the first report already shows eight weeks.
 */
import { slaCountsFrom } from "../rules/rollout/adoption.js";
import type { BusinessCalendar } from "../domain/calendar.js";
import { byRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { projectsWithRole, type CompiledPolicy, type SlaDef } from "../policy/model.js";
import { computeClock } from "../rules/sla/clock.js";
import { clockHistory, evaluateSlas, slaCovers, slaDefinitions } from "../rules/sla/evaluate.js";
import { issueListUrl, scopeFor, type IssueListFilter, type ListScope } from "./links.js";
import type { Count, IssueLine, SlaIssue, SlaModel, SlaRow, TrendWeek } from "./types.js";
import { issueLine } from "./workflowView.js";
import { mayDisclose } from "../domain/disclosure.js";

const WEEK_MS = 7 * 86_400_000;

type Standing = "running" | "atRisk" | "breached";

function listScope(policy: CompiledPolicy, def: SlaDef): ListScope {
  const projects = def.where.projectRoles.flatMap((r) => projectsWithRole(policy.scope, r).map((p) => p.path));
  return projects.length === 0 ? { group: policy.scope.group } : scopeFor(policy.scope.group, projects);
}

/** The issue list GitLab shows for one cell: the priority plus the label the `sla` job sets for that standing. */
function cellFilter(def: SlaDef, priority: string | null, standing: Standing): IssueListFilter {
  const labels = priority === null ? [...def.where.labels] : [priority];
  const warn = def.warning.label;
  const breach = def.breach.label;
  if (standing === "breached") return { labels: breach ? [...labels, breach] : labels };
  if (standing === "atRisk") return { labels: warn ? [...labels, warn] : labels, notLabels: breach ? [breach] : [] };
  return { labels, notLabels: [warn, breach].filter((l): l is string => l !== null) };
}

/** The ongoing clock's standing now; null when no clock runs (none, waiting, met). */
function standingOf(state: string, atRisk: boolean): Standing | null {
  if (state === "breached") return "breached";
  if (state !== "running" && state !== "paused") return null;
  return atRisk ? "atRisk" : "running";
}

export function buildSla(policy: CompiledPolicy, calendar: BusinessCalendar, open: ResourceSnapshot[], closedInWindow: ResourceSnapshot[], now: Date, gitlabUrl: string, weeks: number): SlaModel {
  const defs = slaDefinitions(policy);
  const counts = new Map<string, number>();
  const key = (def: SlaDef, priority: string | null, standing: Standing) => JSON.stringify([def.id, priority, standing]);
  const breached: SlaIssue[] = [];
  for (const s of open) {
    for (const { def, clock } of evaluateSlas(s, policy, calendar, now)) {
      const standing = clock.episode ? standingOf(clock.state, clock.atRisk) : null;
      if (standing === null) continue;
      const priority = clock.episode!.priority;
      counts.set(key(def, priority, standing), (counts.get(key(def, priority, standing)) ?? 0) + 1);
      // A confidential issue's row says neither its SLA nor its priority label (see issueLine).
      if (standing !== "breached") continue;
      const disclosed = mayDisclose(s, null);
      breached.push({ ...issueLine(s), sla: disclosed ? def.id : "", priority: disclosed ? priority : null, due: clock.due });
    }
  }
  const rows: SlaRow[] = defs.flatMap((def) =>
    def.goals.map((g) => {
      const cell = (standing: Standing): Count => ({
        value: counts.get(key(def, g.label, standing)) ?? 0,
        href: issueListUrl(gitlabUrl, listScope(policy, def), cellFilter(def, g.label, standing)),
      });
      return { sla: def.id, priority: g.label, running: cell("running"), atRisk: cell("atRisk"), breached: cell("breached") };
    }),
  );
  breached.sort((a, b) => (a.due?.getTime() ?? Infinity) - (b.due?.getTime() ?? Infinity) || byRef(a, b));
  return { configured: defs.length > 0, rows, breached, trend: buildTrend(policy, calendar, [...open, ...closedInWindow], now, weeks) };
}

/** Breached and at-risk issues at the end of each of the last `weeks` weeks (the last one ends now). */
export function buildTrend(policy: CompiledPolicy, calendar: BusinessCalendar, issues: ResourceSnapshot[], now: Date, weeks: number): TrendWeek[] {
  const defs = slaDefinitions(policy);
  const out: TrendWeek[] = [];
  for (let k = weeks - 1; k >= 0; k--) {
    const at = new Date(now.getTime() - k * WEEK_MS);
    const breached: IssueLine[] = [];
    const atRisk: IssueLine[] = [];
    for (const s of issues) {
      const history = clockHistory(s, slaCountsFrom(policy));
      if (history === null || s.createdAt > at) continue;
      let standing: Standing | null = null;
      for (const def of defs) {
        if (!slaCovers(def, s, policy.taxonomy)) continue;
        const clock = computeClock(def, history, calendar, at, policy.taxonomy);
        const st = clock.episode ? standingOf(clock.state, clock.atRisk) : null;
        if (st === "breached" || (st === "atRisk" && standing !== "breached")) standing = st;
      }
      if (standing === "breached") breached.push(issueLine(s));
      else if (standing === "atRisk") atRisk.push(issueLine(s));
    }
    out.push({ date: calendar.today(at), at, breached, atRisk });
  }
  return out;
}
