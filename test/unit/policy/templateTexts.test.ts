/**
 * The note-template check (test/support/templateTexts.ts) over the test policies' templates, and
 * proof that it catches what it is meant to. The shipped templates are checked in shipped.test.ts.
 */
import { describe, expect, it } from "vitest";
import { loadPolicies } from "../../../src/policy/load.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";
import { templatesOf, templateTextProblems } from "../../support/templateTexts.js";

describe("note templates", () => {
  it("in the test policies: never greet or mention the bot, name a person once, never offer 00-Urgent", async () => {
    const bot = (await loadPolicies(TEST_POLICIES_DIR)).scope.botUsername;
    const found = (await templatesOf(TEST_POLICIES_DIR)).flatMap(({ file, text }) => templateTextProblems(text, bot).map((p) => `${file}: ${p}`));
    expect(found).toEqual([]);
  });

  it("the check catches what it is meant to", () => {
    expect(templateTextProblems("Hi @mops-bot, thanks", "mops-bot")).toEqual(["greets the bot", "mentions the bot outside code"]);
    expect(templateTextProblems("Hi {{bot}} :wave:", "mops-bot")).toEqual(["greets the bot"]);
    expect(templateTextProblems("Ask me with `@{{bot}} next`.", "mops-bot")).toEqual([]);
    expect(templateTextProblems("Hi {{recipient}} :wave: ... thanks, {{recipient}}", "mops-bot")).toEqual(["mentions people 2 times ({{recipient}}, {{recipient}}): a note names a person once"]);
    expect(templateTextProblems("Change it to ~\"MktgOpsPriority::00-Urgent\" if needed.", "mops-bot")).toEqual(["names 00-Urgent: no note invites requesters to pick it"]);
    expect(templateTextProblems("Written by mops-bot from the team's policies.", "mops-bot")).toEqual([]);
  });
});
