/**
 * Commands in comments: a comment whose text starts with `@<bot>` followed by a word, e.g.
 * `@mops-bot next`; `<bot>` is one name the caller gives (callers try each of scope.yml's
 * `bot_username` and the token user's username). Only the comment's own text counts: a command
 * quoted from someone else (`> @mops-bot approve`) or shown in a code block is not a command,
 * and neither is a mention of the bot later in a sentence.
 */

export interface ParsedCommand {
  /** Lower-case command word, e.g. `approve`; empty when the comment names the bot and nothing else. */
  name: string;
  /** Words after the command, as written. */
  args: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Leading lines that carry nothing: blank lines and HTML comments (GitLab templates leave them). */
function firstTextLine(body: string): string | undefined {
  const stripped = body.replace(/<!--[\s\S]*?-->/g, "");
  return stripped.split(/\r?\n/).find((l) => l.trim() !== "");
}

export function parseCommand(body: string, botUsername: string): ParsedCommand | null {
  if (!botUsername) return null;
  const line = firstTextLine(body);
  // The line must start with the mention itself: `>` (quote), ``` / ~~~ (fence) or four spaces
  // of indentation (code) before it mean the text is shown, not said.
  if (line === undefined || /^(?: {4}|\t)/.test(line)) return null;
  const m = new RegExp(`^ {0,3}@${escape(botUsername)}(?![A-Za-z0-9_.-])[,:]?(.*)$`, "i").exec(line);
  if (!m) return null;
  const words = m[1]!.trim().split(/\s+/).filter((w) => w !== "");
  const [name = "", ...args] = words;
  return { name: name.toLowerCase().replace(/[.!?,:;]+$/, ""), args };
}
