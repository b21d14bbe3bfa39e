import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../../src/domain/templates.js";
import { mention, neutraliseInline, neutraliseQuickActions } from "../../../src/domain/text.js";

const startsACommand = (body: string) => body.split("\n").some((l) => /^\s*\//.test(l));

describe("text safety", () => {
  it("makes user text one line without mentions", () => {
    const t = neutraliseInline("Please\n/close this @all and @marketing-group");
    expect(t).not.toContain("\n");
    expect(t).not.toMatch(/@all|@marketing-group/);
    expect(t.replace(/\u200B/g, "")).toBe("Please /close this @all and @marketing-group");
  });

  it("breaks quick actions at the start of any line, inside code fences too", () => {
    const body = "Hello\n/close\n  /label ~x\n```\n/not-run\n```\nend";
    const out = neutraliseQuickActions(body);
    expect(out.split("\n").filter((l) => /^\s*\//.test(l))).toEqual([]);
  });

  it("renders templates with trusted values as-is and user values neutralised", () => {
    const out = renderTemplate("{{recipient}}: {{title}}\n{{list}}\n/close", {
      recipient: { trusted: "@alice" },
      title: "x\n/reopen @all",
      list: { trusted: "- one\n- two" },
    });
    expect(out).toContain("@alice:");
    expect(out).toContain("- one\n- two");
    expect(startsACommand(out)).toBe(false);
    expect(out).not.toMatch(/@all/);
  });

  it("leaves unknown placeholders visible rather than silently empty", () => {
    expect(renderTemplate("{{nope}}", {})).toBe("{{nope}}");
  });

  it("mentions only well-formed usernames", () => {
    expect(mention("alice.smith")).toBe("@alice.smith");
    expect(mention("bad name\n/close")).not.toMatch(/^@|\n/);
  });
});
