/**
 * GitLab quick actions in note and description text: which lines GitLab treats as commands and
 * what their arguments mean. Ported from GitLab's extractor (lib/gitlab/quick_actions/extractor.rb,
 * `commands_regex`): `\r` is deleted first; a command is `/name` in column 0 followed by end of line
 * or a space and arguments; GitLab skips, as one alternation scanned left to right, a ``` block whose
 * opening starts in column 0 and whose closing line is exactly ```, text between a line containing a
 * backtick and a later line ending in one, an HTML block (`<tag>` line ... `</tag>` line) and a `>>>`
 * quote. Nothing else is exempt: not `~~~` fences, not indented ``` lines. Command lines are removed
 * from the stored text, as GitLab does, and the text is stored without trailing whitespace.
 */

/** Every quick action GitLab knows for issues and merge requests (executed or not, they are commands). */
export const KNOWN_QUICK_ACTIONS = new Set([
  "add_child", "add_contact", "approve", "assign", "assign_reviewer", "award", "blocked_by", "blocks",
  "board_move", "cc", "checkin_reminder", "child_epic", "clear_health_status", "clear_weight", "clone",
  "close", "confidential", "copy_metadata", "create_merge_request", "done", "draft", "due", "duplicate",
  "epic", "estimate", "health_status", "iteration", "label", "link", "lock", "merge", "milestone", "move",
  "page", "parent_epic", "promote", "promote_to_incident", "publish", "q", "react", "ready", "reassign",
  "reassign_reviewer", "rebase", "relabel", "relate", "remove_child", "remove_contact", "remove_due_date",
  "remove_epic", "remove_estimate", "remove_milestone", "remove_parent", "remove_time_spent", "remove_zoom",
  "reopen", "request_review", "set_parent", "severity", "shrug", "spend", "status", "submit_review",
  "subscribe", "tableflip", "target_branch", "timeline", "title", "todo", "type", "unapprove", "unassign",
  "unassign_reviewer", "unlabel", "unlink", "unlock", "unsubscribe", "weight", "wip", "zoom",
]);

export interface QuickCommand {
  name: string;
  args: string;
}

export interface ExtractedCommands {
  commands: QuickCommand[];
  /** The text without the command lines. */
  remaining: string;
}

/**
 * `commands_regex` of extractor.rb in JavaScript. Ruby's `^`/`$` are line anchors on `\n` only and
 * its `m` flag is JavaScript's `s` (dot matches newline); the lookarounds give Ruby's anchors
 * without JavaScript's `m`, which would also break lines at U+2028/U+2029.
 */
const BOL = "(?<=^|\\n)";
const EOL = "(?=\\n|$)";
const COMMANDS = new RegExp(
  [
    `(?<code>${BOL}\`\`\`.+?\\n\`\`\`${EOL})`,
    `(?<inline>${BOL}.*\`\\n*.+?\\n*\`${EOL})`,
    `(?<html>${BOL}<[^>]+?>\\n.+?\\n<\\/[^>]+?>${EOL})`,
    `(?<quote>${BOL}>>>.+?\\n>>>${EOL})`,
    `(?:${BOL}\\/(?<cmd>[A-Za-z_]+)(?:[ ](?<arg>[^\\n]*))?(?:\\s*\\n|$))`,
  ].join("|"),
  "gsi",
);

export function extractQuickActions(text: string): ExtractedCommands {
  const commands: QuickCommand[] = [];
  const remaining = text.replace(/\r/g, "").replace(COMMANDS, (whole, ...rest: unknown[]) => {
    const groups = rest[rest.length - 1] as { cmd?: string; arg?: string };
    const name = groups.cmd?.toLowerCase();
    // GitLab's regex lists only the names it knows, so an unknown `/word` stays text.
    if (name === undefined || !KNOWN_QUICK_ACTIONS.has(name)) return whole;
    commands.push({ name, args: (groups.arg ?? "").trim() });
    return "";
  });
  // GitLab strips trailing whitespace from what is left (`perform_regex`); leading whitespace is kept.
  return { commands, remaining: remaining.replace(/[ \t\n\v\f\0]+$/, "") };
}

/** `~foo ~"two words" ~scope::value` -> names. */
export function parseLabelArgs(args: string): string[] {
  const names: string[] = [];
  for (const m of args.matchAll(/~"([^"]+)"|~([^\s~"]+)/g)) names.push((m[1] ?? m[2])!);
  return names;
}

/** `@alice @bob` or `me` -> usernames (`me` is left for the caller to resolve). */
export function parseUserArgs(args: string): string[] {
  return args
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((word) => word.replace(/^@/, ""));
}

/** `%"Temp Q3"`, `%v1.0` or `%12` -> title or id text. */
export function parseMilestoneArg(args: string): string {
  const m = /^%"([^"]+)"|^%(\S+)/.exec(args.trim());
  return m ? (m[1] ?? m[2])! : args.trim();
}
