/**
 * What every note template may say, in the shipped policies and in the test policies. Each note
 * costs a person's attention, so:
 * - the bot never greets or mentions itself (its name appears only in code, as a command to type);
 * - a note names a person once: a template holds at most one placeholder that becomes a mention;
 * - no note invites requesters to pick `00-Urgent`: 000_3a3b18768e4599ed.txt:199 "This category will
 *   be limited because not everything can be a priority.", and 000_3a3b18768e4599ed.txt:265 "New
 *   issues will be prioritized within the bi-weekly meeting".
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicies } from "../../../src/policy/load.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

const SETS = ["policies", TEST_POLICIES_DIR];
/** Placeholders the rules fill with @mentions of people. */
const MENTION_PLACEHOLDERS = ["recipient", "assignees", "author", "mention", "mentions"];

async function templatesOf(dir: string): Promise<{ file: string; text: string }[]> {
  const folder = path.join(dir, "templates");
  const names = (await readdir(folder)).filter((n) => n.endsWith(".md")).sort();
  return Promise.all(names.map(async (n) => ({ file: path.join(folder, n), text: await readFile(path.join(folder, n), "utf8") })));
}

/** The text with code (fenced blocks and inline spans) removed: GitLab mentions no one there. */
const withoutCode = (text: string) => text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Problems of one template's text; `bot` is the set's bot_username. */
function templateTextProblems(text: string, bot: string): string[] {
  const problems: string[] = [];
  const botRef = `(?:\\{\\{\\s*bot\\s*\\}\\}|${escape(bot)})(?![A-Za-z0-9_.-])`;
  if (new RegExp(`\\b(?:hi|hello|hey|dear|thanks|thank you)\\b[\\s,]*@?${botRef}`, "i").test(text)) problems.push("greets the bot");
  if (new RegExp(`@${botRef}`, "i").test(withoutCode(text))) problems.push("mentions the bot outside code");
  const mentions = [...text.matchAll(/\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g)].map((m) => m[1]!).filter((n) => MENTION_PLACEHOLDERS.includes(n));
  if (mentions.length > 1) problems.push(`mentions people ${mentions.length} times (${mentions.map((m) => `{{${m}}}`).join(", ")}): a note names a person once`);
  if (/00-Urgent/.test(text)) problems.push("names 00-Urgent: no note invites requesters to pick it");
  return problems;
}

describe("note templates", () => {
  for (const dir of SETS) {
    it(`in ${dir}: never greet or mention the bot, name a person once, never offer 00-Urgent`, async () => {
      const bot = (await loadPolicies(dir)).scope.botUsername;
      const found = (await templatesOf(dir)).flatMap(({ file, text }) => templateTextProblems(text, bot).map((p) => `${file}: ${p}`));
      expect(found).toEqual([]);
    });
  }

  it("the check catches what it is meant to", () => {
    expect(templateTextProblems("Hi @mops-bot, thanks", "mops-bot")).toEqual(["greets the bot", "mentions the bot outside code"]);
    expect(templateTextProblems("Hi {{bot}} :wave:", "mops-bot")).toEqual(["greets the bot"]);
    expect(templateTextProblems("Ask me with `@{{bot}} next`.", "mops-bot")).toEqual([]);
    expect(templateTextProblems("Hi {{recipient}} :wave: ... thanks, {{recipient}}", "mops-bot")).toEqual(["mentions people 2 times ({{recipient}}, {{recipient}}): a note names a person once"]);
    expect(templateTextProblems("Change it to ~\"MktgOpsPriority::00-Urgent\" if needed.", "mops-bot")).toEqual(["names 00-Urgent: no note invites requesters to pick it"]);
    expect(templateTextProblems("Written by mops-bot from the team's policies.", "mops-bot")).toEqual([]);
  });
});
