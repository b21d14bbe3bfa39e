import { describe, expect, it } from "vitest";
import { digestSlackMessage, isoWeekKey, renderSectionsMarkdown, type DigestSection } from "../../../src/digest/render.js";

const item = (n: number) => ({ ref: `g/p#${n}`, url: `https://gitlab.example.com/g/p/-/issues/${n}`, title: `Issue ${n}`, detail: `detail ${n}` });

describe("the digest's week", () => {
  it.each([
    ["2026-11-16", "2026-W47"], // Monday
    ["2026-11-22", "2026-W47"], // Sunday
    ["2026-11-23", "2026-W48"],
    ["2026-12-31", "2026-W53"], // 2026 has 53 ISO weeks (it starts on a Thursday)
    ["2027-01-03", "2026-W53"],
    ["2027-01-04", "2027-W01"],
    ["2025-12-29", "2026-W01"], // Monday of the week holding 2026's first Thursday
  ])("%s is %s", (date, week) => {
    expect(isoWeekKey(date)).toBe(week);
  });
});

describe("digest sections", () => {
  const sections: DigestSection[] = [
    { title: "Waiting in triage", items: [item(1), item(2), item(3)], none: "none", moreUrl: "https://gitlab.example.com/g/p/-/issues/?label_name%5B%5D=x" },
    { title: "Overdue audits", items: [], none: "No audit is overdue." },
  ];

  it("link every line, cut long lists with a link to the full list, and say when a section is empty", () => {
    const md = renderSectionsMarkdown(sections, 2);
    expect(md).toContain("### Waiting in triage (3)");
    expect(md).toContain("- [Issue 1](https://gitlab.example.com/g/p/-/issues/1) (g/p#1) — detail 1");
    expect(md).not.toContain("Issue 3");
    expect(md).toContain("- ... and [1 more](https://gitlab.example.com/g/p/-/issues/?label_name%5B%5D=x)");
    expect(md).toContain("### Overdue audits (0)\n\nNo audit is overdue.");
  });

  it("neutralise people's titles: no mentions, no quick actions, no broken links", () => {
    const md = renderSectionsMarkdown([{ title: "T", none: "", items: [{ ...item(9), title: "Ping @all [x](y)\n/close" }] }], 5);
    expect(md).not.toMatch(/(^|\s)@all/);
    expect(md).not.toMatch(/^\/close/m);
    expect(md).not.toContain("[x]");
  });

  it("the Slack message counts each section, links items and the digest issue", () => {
    const msg = digestSlackMessage("2026-W47", sections, "https://gitlab.example.com/g/p/-/issues/77", 2);
    const text = JSON.stringify(msg.blocks);
    expect(msg.text).toContain("week 2026-W47: waiting in triage 3, overdue audits 0");
    expect(text).toContain("<https://gitlab.example.com/g/p/-/issues/77|full digest issue>");
    expect(text).toContain("<https://gitlab.example.com/g/p/-/issues/1|Issue 1>");
    expect(text).toContain("... and 1 more in the digest issue");
  });
});
