/**
 * Templates (policies/templates/*.md) may only use named placeholders from this fixed list:
 * `{{name}}`. There is no expression language, so a policy can never run code. The loader checks
 * templates against this list; src/domain/templates.ts renders them (neutralising user text).
 */

export const PLACEHOLDERS = [
  "author", // the resource author's username, formatted as a mention
  "assignees", // the assignees, formatted as mentions
  "recipient", // who the note is addressed to, already formatted as a mention
  "title", // the resource title (neutralised)
  "ref", // GitLab reference, e.g. gitlab-com/marketing/marketing-operations#12
  "url", // web URL of the resource
  "stage", // the current workflow step label, e.g. MktgOps::03: Assigned
  "step", // the current workflow step value, e.g. 03: Assigned
  "situation", // how the resource came to be in the step, said to the recipient: "you moved this issue to ~…" or "this issue is in ~…"
  "requirements", // a markdown list of what the step requires
  "missing", // a markdown list of the requirements that are not met
  "workflow", // the workflow id, e.g. mktgops-stage
  "rule", // the name of the rule that wrote the note
  "reason", // why the bot acted, one sentence
  "milestone", // the milestone title
  "bot", // the bot's username
  "group", // the people group concerned
  "sla.due", // when the SLA goal is due, in the team's time zone
  "sla.priority", // the priority label the SLA comes from
  "sla.goal", // the SLA goal in words, e.g. "1 business day"
  "label", // the label concerned
  "labels", // a list of labels concerned
  "date", // a date in the team's time zone
  "tool", // a marketing tool's name (tools.yml)
  "tool.tier", // the tool's tier, 1-4
  "tool.owner", // who owns the tool's audit, formatted as mentions
  "tool.cadence", // how often the tool is audited: monthly, quarterly, semi-annual
  "tool.inactivity_days", // days without activity after which a user loses access
  "tool.notice", // the notice period before access is revoked, e.g. "5 business days"
  "tool.notify_by", // how inactive users are told: email or Slack
  "tool.notes", // anything tools.yml says about the tool
  "period", // the audit period, e.g. 2026-11, 2026-Q4, 2026-H2
  "due", // a due date in the team's time zone
  "renewal.date", // the contract's renewal date
  "renewal.value", // the contract's yearly value, or "not recorded"
  "renewal.rfp", // whether an RFP with Procurement is needed, and why
  "findings", // what the bot found, as a markdown list
  "digest.week", // the digest's week, e.g. 2026-W47
  "digest.sections", // the digest's sections, in markdown
  "items", // a triage summary's list of resources, each linked
  "count", // how many resources a triage summary lists
] as const;

export type PlaceholderName = (typeof PLACEHOLDERS)[number];

/**
 * Placeholders whose value is text anyone in GitLab can write (an issue title, a milestone or label
 * name) and may therefore begin with `/`. At the start of a template line such a value would be a
 * GitLab quick action; the renderer breaks it, but the template should not invite it. Values from
 * the policies themselves (a tool's notes in tools.yml) are the team's merged text, not listed.
 */
export const FREE_TEXT_PLACEHOLDERS: ReadonlySet<string> = new Set(["title", "milestone", "label", "labels", "tool"]);

const KNOWN = new Set<string>(PLACEHOLDERS);

export function isPlaceholder(name: string): name is PlaceholderName {
  return KNOWN.has(name);
}

export interface PlaceholderUse {
  /** The text between the braces, trimmed. */
  name: string;
  /** 1-based position of the opening `{{`. */
  line: number;
  col: number;
  /** Whether the braces are closed on the same line. */
  closed: boolean;
}

/** Every `{{...}}` in a template, with positions (for problems) — known or not. */
export function placeholderUses(text: string): PlaceholderUse[] {
  const uses: PlaceholderUse[] = [];
  const lines = text.split("\n");
  lines.forEach((lineText, i) => {
    let from = 0;
    for (;;) {
      const open = lineText.indexOf("{{", from);
      if (open < 0) break;
      const close = lineText.indexOf("}}", open + 2);
      if (close < 0) {
        uses.push({ name: lineText.slice(open + 2).trim(), line: i + 1, col: open + 1, closed: false });
        break;
      }
      uses.push({ name: lineText.slice(open + 2, close).trim(), line: i + 1, col: open + 1, closed: true });
      from = close + 2;
    }
  });
  return uses;
}
