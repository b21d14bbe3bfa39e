/**
 * What a note template may say (used over the test policies' templates and, in
 * test/unit/policy/shipped.test.ts, over the shipped ones). Each note costs a person's attention:
 * - the bot never greets or mentions itself (its name appears only in code, as a command to type);
 * - a note names a person once: a template holds at most one placeholder that becomes a mention;
 * - no note invites requesters to pick `00-Urgent`: 000_3a3b18768e4599ed.txt:199 "This category will
 *   be limited because not everything can be a priority.", and 000_3a3b18768e4599ed.txt:265 "New
 *   issues will be prioritized within the bi-weekly meeting".
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** Placeholders the rules fill with @mentions of people. */
const MENTION_PLACEHOLDERS = ["recipient", "assignees", "author", "mention", "mentions"];

export async function templatesOf(dir: string): Promise<{ file: string; text: string }[]> {
  const folder = path.join(dir, "templates");
  const names = (await readdir(folder)).filter((n) => n.endsWith(".md")).sort();
  return Promise.all(names.map(async (n) => ({ file: path.join(folder, n), text: await readFile(path.join(folder, n), "utf8") })));
}

/** The text with code (fenced blocks and inline spans) removed: GitLab mentions no one there. */
const withoutCode = (text: string) => text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Problems of one template's text; `bot` is the set's bot_username. */
export function templateTextProblems(text: string, bot: string): string[] {
  const problems: string[] = [];
  const botRef = `(?:\\{\\{\\s*bot\\s*\\}\\}|${escape(bot)})(?![A-Za-z0-9_.-])`;
  if (new RegExp(`\\b(?:hi|hello|hey|dear|thanks|thank you)\\b[\\s,]*@?${botRef}`, "i").test(text)) problems.push("greets the bot");
  if (new RegExp(`@${botRef}`, "i").test(withoutCode(text))) problems.push("mentions the bot outside code");
  const mentions = [...text.matchAll(/\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g)].map((m) => m[1]!).filter((n) => MENTION_PLACEHOLDERS.includes(n));
  if (mentions.length > 1) problems.push(`mentions people ${mentions.length} times (${mentions.map((m) => `{{${m}}}`).join(", ")}): a note names a person once`);
  if (/00-Urgent/.test(text)) problems.push("names 00-Urgent: no note invites requesters to pick it");
  return problems;
}
