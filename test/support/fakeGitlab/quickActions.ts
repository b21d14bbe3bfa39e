/**
 * GitLab quick actions in note and description text: which lines GitLab treats as commands and
 * what their arguments mean. A line counts when it starts with `/` followed by a command word
 * GitLab knows; lines inside ``` fences and `>>>` quote blocks are text. Command lines are
 * removed from the stored text, as GitLab does, and the text is stored without carriage returns or
 * trailing whitespace.
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

const COMMAND_LINE = /^\/([A-Za-z_]+)(?:[ \t]+(.*))?$/;

export function extractQuickActions(text: string): ExtractedCommands {
  const commands: QuickCommand[] = [];
  const kept: string[] = [];
  let inFence = false;
  let inQuote = false;
  // GitLab deletes every carriage return first and strips trailing whitespace from what is left
  // (lib/gitlab/quick_actions/extractor.rb `perform_regex`); leading whitespace is kept.
  for (const line of text.replace(/\r/g, "").split("\n")) {
    const trimmed = line.trim();
    if (!inQuote && trimmed.startsWith("```")) inFence = !inFence;
    else if (!inFence && trimmed === ">>>") inQuote = !inQuote;
    else if (!inFence && !inQuote) {
      const match = COMMAND_LINE.exec(line);
      const name = match?.[1]?.toLowerCase();
      if (match && name && KNOWN_QUICK_ACTIONS.has(name)) {
        commands.push({ name, args: (match[2] ?? "").trim() });
        continue;
      }
    }
    kept.push(line);
  }
  return { commands, remaining: kept.join("\n").replace(/[ \t\n\v\f\0]+$/, "") };
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
