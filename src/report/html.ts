/**
 * The page: one static `index.html` (with `report.css` beside it) that reads the same from
 * file://, GitLab Pages or a downloaded artifact. No script runs; charts are inline SVG
 * (svg.ts). Every number is a link: to the GitLab issue list that produced it, or, for figures
 * GitLab cannot filter by (ages, past weeks), to the list of issues further down the page.
 */
import { formatMoment } from "../rules/sla/time.js";
import { escapeXml as esc, lineChart, PALETTE, stackedBarChart, type Series } from "./svg.js";
import type { AgedIssue, Count, IssueLine, ReportModel } from "./types.js";

export const STYLESHEET = "report.css";

const count = (c: Count, name: string, text = String(c.value)) => `<a class="count" data-count="${esc(name)}" data-value="${c.value}" href="${esc(c.href)}">${esc(text)}</a>`;
const anchorCount = (value: number, name: string, anchor: string) => `<a class="count" data-count="${esc(name)}" data-value="${value}" href="#${esc(anchor)}">${value}</a>`;
const issueLink = (i: IssueLine) => `<a href="${esc(i.url)}">${esc(i.title.split("\n")[0]!)}</a> <span class="ref">${esc(i.ref)}</span>`;
const people = (names: string[]) => (names.length > 0 ? names.map(esc).join(", ") : `<span class="muted">unassigned</span>`);
const days = (n: number | null) => (n === null ? "—" : `${Math.round(n * 10) / 10}`);

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`;
}

function issueList(items: string[], none: string): string {
  return items.length === 0 ? `<p class="muted">${esc(none)}</p>` : `<ul class="issues">${items.map((i) => `<li>${i}</li>`).join("")}</ul>`;
}

function boardSection(m: ReportModel): string {
  const b = m.board;
  if (!b) return section("board", "Stage board", `<p class="muted">No workflow in policies/workflows/ owns a scoped label for the stage board.</p>`);
  const series: Series[] = [
    { key: "fresh", name: `in stage ${b.stuckAfterDays} business days or less`, color: PALETTE.blue },
    { key: "stuck", name: `stuck (longer)`, color: PALETTE.vermillion, fill: "hatch" },
  ];
  const chart = stackedBarChart({
    id: "chart-board",
    title: "Open issues per stage",
    description: `Open issues in each ${b.scope} stage; the hatched part has been in its stage longer than ${b.stuckAfterDays} business days.`,
    series,
    rows: b.stages.map((s) => ({
      label: s.value,
      href: s.count.href,
      segments: [
        { series: "fresh", value: s.count.value - s.stuck, href: s.count.href },
        { series: "stuck", value: s.stuck, href: "#stuck" },
      ],
    })),
  });
  const who = b.assignees.map((a) => (a === "" ? "Unassigned" : a));
  const head = `<tr><th scope="col">Stage</th><th scope="col">Open</th><th scope="col">Stuck</th><th scope="col">Median days in stage</th><th scope="col">Longest</th>${who.map((w) => `<th scope="col">${esc(w)}</th>`).join("")}</tr>`;
  const rows = b.stages
    .map((s) => {
      const cells = b.assignees.map((a) => {
        const c = s.byAssignee.get(a)!;
        return `<td>${c.value === 0 ? `<span class="zero">${count(c, `board:${s.label}:${a || "unassigned"}`)}</span>` : count(c, `board:${s.label}:${a || "unassigned"}`)}</td>`;
      });
      const stuck = s.stuck > 0 ? `<td class="alert">${anchorCount(s.stuck, `stuck:${s.label}`, "stuck")}</td>` : `<td>${anchorCount(0, `stuck:${s.label}`, "stuck")}</td>`;
      return `<tr><th scope="row">${esc(s.value)}</th><td>${count(s.count, `stage:${s.label}`)}</td>${stuck}<td>${days(s.medianDays)}</td><td>${days(s.oldestDays)}</td>${cells.join("")}</tr>`;
    })
    .join("");
  const stuck = b.stuck.map((i: AgedIssue) => `${issueLink(i)} — <strong>${i.days} business days</strong> in ${i.label ? esc(i.label) : "its stage"}; ${people(i.assignees)}`);
  return section(
    "board",
    "Stage board",
    `<p class="summary">${count(b.total, "board:total")} open issues in the ${esc(b.scope)} workflow. Ages are business days since the stage's label was applied (label history).</p>
${chart}
<div class="table-wrap"><table><caption>Open issues per stage and assignee</caption><thead>${head}</thead><tbody>${rows}</tbody></table></div>
<h3 id="stuck">Stuck: in the same stage more than ${b.stuckAfterDays} business days (${b.stuck.length})</h3>
${issueList(stuck, "No issue has been in its stage that long.")}`,
  );
}

function slaSection(m: ReportModel): string {
  const s = m.sla;
  if (!s.configured) return section("sla", "SLAs", `<p class="muted">No SLA is configured (policies/sla.yml).</p>`);
  const series: Series[] = [
    { key: "running", name: "running", color: PALETTE.blue },
    { key: "atRisk", name: "at risk", color: PALETTE.orange, fill: "dots" },
    { key: "breached", name: "breached", color: PALETTE.vermillion, fill: "hatch" },
  ];
  const rowLabel = (r: { sla: string; priority: string | null }) => (r.priority ?? `${r.sla} (every issue)`);
  const chart = stackedBarChart({
    id: "chart-sla",
    title: "SLA clocks per priority",
    description: "Open issues whose SLA clock runs, per SLA and priority: running, at risk and breached.",
    series,
    rows: s.rows.map((r) => ({
      label: rowLabel(r),
      segments: [
        { series: "running", value: r.running.value, href: r.running.href },
        { series: "atRisk", value: r.atRisk.value, href: r.atRisk.href },
        { series: "breached", value: r.breached.value, href: r.breached.href },
      ],
    })),
  });
  const table = s.rows
    .map((r) => {
      const name = `${r.sla}:${r.priority ?? "all"}`;
      return `<tr><td>${esc(r.sla)}</td><th scope="row">${esc(r.priority ?? "every issue")}</th><td>${count(r.running, `sla-running:${name}`)}</td><td>${count(r.atRisk, `sla-at-risk:${name}`)}</td><td${r.breached.value > 0 ? ` class="alert"` : ""}>${count(r.breached, `sla-breached:${name}`)}</td></tr>`;
    })
    .join("");
  const trendSeries: Series[] = [
    { key: "breached", name: "breached", color: PALETTE.vermillion, marker: "square" },
    { key: "atRisk", name: "at risk", color: PALETTE.orange, marker: "circle", dash: "6 4" },
  ];
  const trend = lineChart({
    id: "chart-sla-trend",
    title: `SLAs breached and at risk, last ${s.trend.length} weeks`,
    description: "Issues with a breached or at-risk SLA at the end of each week, replayed from label events.",
    series: trendSeries,
    points: s.trend.map((w) => ({ label: w.date.slice(5), values: { breached: w.breached.length, atRisk: w.atRisk.length }, href: `#week-${w.date}` })),
  });
  const weeks = s.trend
    .map((w) => {
      const list = [...w.breached.map((i) => `${issueLink(i)} — breached`), ...w.atRisk.map((i) => `${issueLink(i)} — at risk`)];
      return `<details id="week-${w.date}"><summary>Week ending ${esc(w.date)}: ${anchorCount(w.breached.length, `trend-breached:${w.date}`, `week-${w.date}`)} breached, ${anchorCount(w.atRisk.length, `trend-at-risk:${w.date}`, `week-${w.date}`)} at risk</summary>${issueList(list, "None.")}</details>`;
    })
    .join("");
  const breached = s.breached.map((i) => `${issueLink(i)} — ${i.sla ? `SLA ${esc(i.sla)}${i.priority ? `, ${esc(i.priority)}` : ""}, ` : ""}was due ${i.due ? esc(formatMoment(i.due, m.timeZone)) : "—"}; ${people(i.assignees)}`);
  return section(
    "sla",
    "SLAs",
    `${chart}
<div class="table-wrap"><table><caption>SLA clocks now (the hourly sla job keeps the labels these lists filter on)</caption><thead><tr><th scope="col">SLA</th><th scope="col">Priority</th><th scope="col">Running</th><th scope="col">At risk</th><th scope="col">Breached</th></tr></thead><tbody>${table}</tbody></table></div>
<h3 id="breached">Breached now (${s.breached.length})</h3>
${issueList(breached, "No SLA is breached.")}
<h3>Trend</h3>
${trend}
<div class="weeks">${weeks}</div>`,
  );
}

function milestoneSection(m: ReportModel): string {
  const ms = m.milestone;
  if (!ms) return section("milestone", "Current milestone", `<p class="muted">No current milestone (none of the group's active milestones spans today).</p>`);
  const chart = lineChart({
    id: "chart-burnup",
    title: `Burn-up of ${ms.title}`,
    description: "Issues in the milestone (scope) and issues completed, day by day.",
    series: [
      { key: "scope", name: "committed", color: PALETTE.grey, marker: "diamond", dash: "6 4" },
      { key: "completed", name: "completed", color: PALETTE.green, marker: "circle" },
    ],
    points: ms.burnUp.map((d) => ({ label: d.date.slice(5), values: { scope: d.scope, completed: d.completed } })),
    valueLabels: "last",
  });
  const title = ms.url ? `<a href="${esc(ms.url)}">${esc(ms.title)}</a>` : esc(ms.title);
  const rolled = ms.rolledOver.map((i) => `${issueLink(i)} — rolled over from ${i.from.map(esc).join(", ")}${i.state === "opened" ? "" : " (closed since)"}; ${people(i.assignees)}`);
  return section(
    "milestone",
    "Current milestone",
    `<p class="summary">${title}${ms.startDate ? `, ${esc(ms.startDate)}` : ""}${ms.dueDate ? ` to ${esc(ms.dueDate)}` : ""}: ${count(ms.committed, "milestone:committed")} committed, <strong data-count="milestone:completed" data-value="${ms.completed}">${ms.completed}</strong> completed (${count(ms.closed, "milestone:closed")} closed, ${count(ms.completedOpen, "milestone:completed-open")} in a completed step), ${count(ms.open, "milestone:open")} still open.</p>
${chart}
<h3 id="rolled-over">Rolled over from earlier milestones (${anchorCount(ms.rolledOver.length, "milestone:rolled-over", "rolled-over")})</h3>
${issueList(rolled, "No issue in this milestone was rolled over.")}`,
  );
}

function stepsSection(m: ReportModel): string {
  const st = m.steps;
  if (!st) return section("sales-systems", "Sales Systems steps", `<p class="muted">No workflow in policies/workflows/ owns the Sales Systems steps.</p>`);
  const chart = stackedBarChart({
    id: "chart-steps",
    title: "Sales Systems requests per step",
    description: "Open MOps requests in each Sales Systems step.",
    series: [{ key: "requests", name: "open requests", color: PALETTE.skyBlue }],
    rows: st.steps.map((s) => ({ label: s.value, href: s.count.href, segments: [{ series: "requests", value: s.count.value, href: s.count.href }] })),
  });
  const rows = st.steps
    .map(
      (s) =>
        `<tr><th scope="row">${esc(s.value)}</th><td>${count(s.count, `step:${s.label}`)}</td><td>${days(s.medianDays)}</td><td>${days(s.oldestDays)}</td><td>${s.oldest ? issueLink(s.oldest) : "—"}</td></tr>`,
    )
    .join("");
  return section(
    "sales-systems",
    "Sales Systems steps",
    `<p class="summary">${count(st.total, "steps:total")} open MOps requests in the Sales Systems workflow. Days are business days since the step's label was applied.</p>
${chart}
<div class="table-wrap"><table><caption>Requests per step and how long they have waited</caption><thead><tr><th scope="col">Step</th><th scope="col">Requests</th><th scope="col">Median days in step</th><th scope="col">Longest</th><th scope="col">Waiting longest</th></tr></thead><tbody>${rows}</tbody></table></div>`,
  );
}

function toolsSection(m: ReportModel): string {
  const t = m.tools;
  if (!t.configured) return section("tools", "Tool audits and renewals", `<p class="muted">No tool registry (policies/tools.yml).</p>`);
  const overdue = t.audits.filter((a) => a.overdue).length;
  const audits = t.audits.map((a) => `${issueLink(a)} — ${esc(a.tool)}, ${esc(a.period)}, due ${esc(a.dueDate ?? "—")}${a.overdue ? ` <strong class="alert-text">overdue</strong>` : ""}; ${people(a.assignees)}`);
  const renewals = t.renewals.map(
    (r) => `${esc(r.tool)} (tier ${r.tier}) renews ${esc(r.renewalDate)}, in ${r.daysLeft} days — ${r.issue ? issueLink(r.issue) : `<span class="muted">renewal issue not opened yet</span>`}`,
  );
  return section(
    "tools",
    "Tool audits and renewals",
    `<p class="summary">${count(t.openAudits, "tools:open-audits")} open audit issues, ${anchorCount(overdue, "tools:overdue-audits", "audits")} overdue; ${anchorCount(t.renewals.length, "tools:renewals", "renewals")} renewals in the next ${t.renewalsWithinDays} days (${count(t.renewalIssues, "tools:renewal-issues")} renewal issues opened).</p>
<h3 id="audits">Open audits</h3>
${issueList(audits, "No audit issue is open.")}
<h3 id="renewals">Renewals due</h3>
${issueList(renewals, "No renewal is due (or no renewal dates are recorded in tools.yml).")}`,
  );
}

export function renderReportHtml(m: ReportModel): string {
  const generated = formatMoment(m.generatedAt, m.timeZone);
  const partial =
    m.historyNotRead.length > 0
      ? `<p class="warning" role="note">The report read the label history of its first issues only; ${m.historyNotRead.length} issue(s) were counted without it (ages from their creation, no SLA clock): ${m.historyNotRead.slice(0, 10).map(esc).join(", ")}${m.historyNotRead.length > 10 ? ", ..." : ""}.</p>`
      : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Marketing Operations report — ${esc(m.today)}</title>
<link rel="stylesheet" href="${STYLESHEET}">
</head>
<body>
<header>
<h1>Marketing Operations report</h1>
<p>${esc(m.group)} on <a href="${esc(m.gitlabUrl)}">${esc(m.gitlabUrl)}</a>, as of ${esc(generated)}. Every number opens the GitLab issue list it counts (or the list below it).</p>
<nav aria-label="Sections"><a href="#board">Stage board</a> · <a href="#sla">SLAs</a> · <a href="#milestone">Milestone</a> · <a href="#sales-systems">Sales Systems</a> · <a href="#tools">Tools</a></nav>
${partial}
</header>
<main>
${boardSection(m)}
${slaSection(m)}
${milestoneSection(m)}
${stepsSection(m)}
${toolsSection(m)}
</main>
<footer><p>Made by mops-bot from policies/ and GitLab's label history. Charts use the Okabe–Ito colour-blind-safe palette with patterns and numbers, so no figure depends on colour alone.</p></footer>
</body>
</html>
`;
}

export const REPORT_CSS = `:root { color-scheme: light; --ink: #1a1a1a; --muted: #595959; --line: #d0d0d0; --alert: #a63c00; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 1.5rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
h1 { margin: 0 0 .25rem; font-size: 1.6rem; }
h2 { margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid var(--ink); font-size: 1.3rem; }
h3 { margin: 1.5rem 0 .5rem; font-size: 1.05rem; }
a { color: #0b57a4; }
a:focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; }
a.count { font-weight: 700; font-variant-numeric: tabular-nums; }
.zero a.count { color: var(--muted); font-weight: 400; }
.muted, .ref { color: var(--muted); }
.ref { font-size: .85em; }
.summary { font-size: 1.05rem; }
.warning { border-left: 4px solid #E69F00; padding: .5rem .75rem; background: #fff7e6; }
.alert { background: #fbe9e1; }
.alert a.count, .alert-text { color: var(--alert); }
svg.chart { display: block; max-width: 100%; height: auto; margin: .75rem 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: .75rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding-bottom: .25rem; }
th, td { border: 1px solid var(--line); padding: .25rem .6rem; text-align: right; }
th[scope="row"], td:first-child { text-align: left; }
thead th { background: #f2f2f2; }
ul.issues { padding-left: 1.2rem; }
ul.issues li { margin: .2rem 0; }
details { margin: .25rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print { nav { display: none; } a { color: inherit; text-decoration: none; } }
`;
