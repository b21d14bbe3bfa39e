import { describe, expect, it } from "vitest";
import { parseCommand } from "../../../src/commands/parse.js";
import { pendingCommands, replyMarker } from "../../../src/commands/pending.js";
import { gitlabNote, note } from "../../support/builders.js";

describe("parseCommand", () => {
  it("reads the word after the bot's mention at the start of the comment", () => {
    expect(parseCommand("@mops-bot approve", "mops-bot")).toEqual({ name: "approve", args: [] });
    expect(parseCommand("  @Mops-Bot: NEXT please\nthanks", "mops-bot")).toEqual({ name: "next", args: ["please"] });
    expect(parseCommand("\n\n@mops-bot status.", "mops-bot")).toEqual({ name: "status", args: [] });
    expect(parseCommand("<!-- template -->\n@mops-bot help", "mops-bot")).toEqual({ name: "help", args: [] });
  });

  it("a bare mention is a command with no name (answered as unknown)", () => {
    expect(parseCommand("@mops-bot", "mops-bot")).toEqual({ name: "", args: [] });
  });

  it("ignores quoted, fenced and indented commands, mentions later in the text and other users", () => {
    for (const body of [
      "> @mops-bot approve",
      "```\n@mops-bot approve\n```",
      "~~~\n@mops-bot next\n~~~",
      "    @mops-bot approve",
      "Thanks! @mops-bot approve",
      "@mops-bot2 approve",
      "@mops-bot.old approve",
      "@someone @mops-bot approve",
    ]) {
      expect(parseCommand(body, "mops-bot"), body).toBeNull();
    }
  });

  it("takes the bot's name literally (no pattern characters)", () => {
    expect(parseCommand("@mopsXbot next", "mops.bot")).toBeNull();
    expect(parseCommand("@mops.bot next", "mops.bot")).toEqual({ name: "next", args: [] });
  });
});

describe("pendingCommands", () => {
  it("returns commands without a reply, oldest first, skipping the bot's own and system notes", () => {
    const a = note("@mops-bot status", "2026-11-18T10:00:00Z", "amy.owner");
    const b = note("@mops-bot next", "2026-11-18T09:00:00Z", "erin.sdr");
    const answered = note("@mops-bot help", "2026-11-18T08:00:00Z", "erin.sdr");
    const reply = note("answer", "2026-11-18T08:01:00Z", "mops-bot", { botMarkers: [replyMarker(answered.id)] });
    const system = note("@mops-bot approve", "2026-11-18T08:02:00Z", "erin.sdr", { system: true });
    const own = note("@mops-bot next", "2026-11-18T08:03:00Z", "mops-bot");
    const chat = note("lgtm", "2026-11-18T08:04:00Z", "erin.sdr");
    expect(pendingCommands([a, b, answered, reply, system, own, chat], "mops-bot").map((c) => [c.note.id, c.command.name])).toEqual([
      [b.id, "next"],
      [a.id, "status"],
    ]);
  });

  it("an edited comment with a reply stays answered; a marker in someone else's comment does not count", () => {
    const edited = note("@mops-bot approve (edited)", "2026-11-18T10:00:00Z", "amy.owner");
    const reply = note("done", "2026-11-18T10:00:01Z", "mops-bot", { botMarkers: [replyMarker(edited.id)] });
    expect(pendingCommands([edited, reply], "mops-bot")).toEqual([]);
    const forged = gitlabNote(`x <!-- mops-bot:${replyMarker(edited.id)} -->`, "2026-11-18T10:00:01Z", "erin.sdr");
    expect(pendingCommands([edited, forged], "mops-bot")).toHaveLength(1);
  });
});
