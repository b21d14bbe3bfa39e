import { describe, expect, it } from "vitest";
import { PLACEHOLDERS, isPlaceholder, placeholderUses } from "../../../src/policy/placeholders.js";
import { didYouMean, editDistance, nearest } from "../../../src/policy/suggest.js";

describe("placeholders", () => {
  it("include the names templates need", () => {
    for (const name of ["author", "assignees", "recipient", "title", "ref", "url", "stage", "step", "requirements", "missing", "workflow", "rule", "reason", "milestone", "bot", "group", "sla.due", "sla.priority", "sla.goal"]) {
      expect(PLACEHOLDERS).toContain(name);
    }
    expect(isPlaceholder("constructor")).toBe(false);
  });

  it("finds every use with its line and column, closed or not", () => {
    expect(placeholderUses("Hi {{recipient}}\n\n  {{ stage }} and {{oops")).toEqual([
      { name: "recipient", line: 1, col: 4, closed: true },
      { name: "stage", line: 3, col: 3, closed: true },
      { name: "oops", line: 3, col: 19, closed: false },
    ]);
  });
});

describe("suggestions", () => {
  it("measure edit distance", () => {
    expect(editDistance("requirs", "requires")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggest only near misses", () => {
    expect(nearest("requirs", ["requires", "only_by", "value"])).toBe("requires");
    expect(nearest("zzzzzz", ["requires", "only_by"])).toBeUndefined();
    expect(didYouMean("Requires", ["requires"])).toBe(" — did you mean 'requires'?");
    expect(didYouMean("qq", ["requires"])).toBe("");
  });
});
