/**
 * The adoption report: the backlog problems rollout.yml lists instead of announcing, one issue per
 * project, grouped by person, as a checklist. Each person is mentioned once, in their heading (on
 * a later edit GitLab notifies only mentions that were not there before: `added_mentions =
 * issue.mentioned_users - old_mentioned_users`, gitlabhq app/services/issues/update_service.rb).
 * A box a person ticked stays ticked while the problem is still there; a problem that is gone
 * leaves the list. The issue is a bot report (marker `adoption-report:...`), so no rule acts on it.
 */
import { disclosedTitle } from "../domain/disclosure.js";
import { markerComment, markerKey } from "../domain/markers.js";
import { byRef, formatRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { mention, neutraliseInline } from "../domain/text.js";
import type { CompiledPolicy } from "../policy/model.js";
import { FAMILY_TITLES, type ListedProblem } from "../rules/rollout/backlog.js";

/** One backlog issue with the problems the report lists for it. */
export interface ListedIssue {
  ref: string;
  url: string;
  title: string;
  projectPath: string;
  confidential: boolean;
  assignees: string[];
  problems: ListedProblem[];
}

export interface AdoptionReportContent {
  marker: string;
  title: string;
  body: string;
  /** Issues listed (each once, however many people it is listed under). */
  count: number;
  /** People the report mentions (once each). */
  mentioned: string[];
}

/** A report issue this long is still well under GitLab's description limit; the rest is counted. */
const MAX_LINES = 1500;
const NOBODY = "Nobody assigned";

export function adoptionMarker(projectPath: string): string {
  return markerKey("adoption-report", projectPath);
}

export function listedIssue(s: ResourceSnapshot, problems: ListedProblem[]): ListedIssue {
  // `!` for a merge request: GitLab links `path#iid` to the issue with that number.
  const ref = formatRef(s.ref);
  return { ref, url: s.webUrl, title: s.title, projectPath: s.projectPath, confidential: s.confidential, assignees: s.assignees.map((a) => a.username), problems };
}

/** Refs a person ticked in the report as it is now. */
export function tickedRefs(description: string): Set<string> {
  const out = new Set<string>();
  for (const m of description.matchAll(/^- \[[xX]\] (\S+[#!]\d+) /gm)) out.add(m[1]!);
  return out;
}

function itemLine(issue: ListedIssue, ticked: Set<string>, projectPath: string): string {
  const title = neutraliseInline(disclosedTitle(issue, { confidential: false, projectPath })).replace(/[[\]]/g, (c) => `\\${c}`);
  const why = issue.problems.map((p) => `${FAMILY_TITLES[p.family]}: ${neutraliseInline(p.reason)}`).join("; ");
  return `- [${ticked.has(issue.ref) ? "x" : " "}] ${issue.ref} [${title}](${issue.url}) — ${why}`;
}

/**
 * The report of one project; `existing` is the current description (for the ticked boxes);
 * `mayMention` says whether a person's heading may mention them (not when an earlier project's
 * report does, or they were mentioned enough today): otherwise they are named without an @.
 */
export function renderAdoptionReport(projectPath: string, issues: ListedIssue[], policy: CompiledPolicy, existing = "", mayMention: (username: string) => boolean = () => true): AdoptionReportContent {
  const rollout = policy.rollout!;
  const marker = adoptionMarker(projectPath);
  const ticked = tickedRefs(existing);
  const groups = new Map<string, ListedIssue[]>();
  for (const issue of [...issues].sort(byRef)) {
    // Appended in place: copying a person's list for each issue is quadratic on a large backlog.
    for (const person of issue.assignees.length > 0 ? issue.assignees : [NOBODY]) {
      const listed = groups.get(person) ?? [];
      listed.push(issue);
      groups.set(person, listed);
    }
  }
  const people = [...groups.keys()].filter((p) => p !== NOBODY).sort((a, b) => a.localeCompare(b));
  const order = groups.has(NOBODY) ? [...people, NOBODY] : people;
  const mentioned = people.filter((p) => mayMention(p));
  const lines: string[] = [];
  let shown = 0;
  let hidden = 0;
  for (const person of order) {
    const list = groups.get(person)!;
    const room = Math.max(MAX_LINES - shown, 0);
    const name = person === NOBODY ? NOBODY : mentioned.includes(person) ? mention(person) : `\`${neutraliseInline(person)}\``;
    const heading = `### ${name} (${list.length})`;
    lines.push(heading, "", ...list.slice(0, room).map((i) => itemLine(i, ticked, projectPath)), "");
    shown += Math.min(room, list.length);
    hidden += Math.max(list.length - room, 0);
  }
  const intro = [
    `mops-bot was switched on for this project on ${rollout.adoptedOn}. These issues and merge requests were open before then and need a person's look; the bot lists them here once instead of commenting on each (policies/rollout.yml).`,
    "",
    "Tick an item when you have looked at it. The list is kept current: fixed items leave it, ticked ones stay ticked.",
    "",
  ];
  const more = hidden > 0 ? [`…and ${hidden} more; \`mops-bot adopt --dry-run\` prints the full list.`, ""] : [];
  const body = issues.length === 0 ? [...intro, "Nothing is left to look at.", ""] : [...intro, ...lines, ...more];
  return {
    marker,
    title: rollout.report.title,
    body: `${body.join("\n")}\n${markerComment(marker)}`,
    count: issues.length,
    mentioned,
  };
}
