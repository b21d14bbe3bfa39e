import { describe, expect, it, vi } from "vitest";
import { compareNumerically } from "../../../src/domain/order.js";
import { byRef } from "../../../src/domain/snapshot.js";

const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ ref: `gitlab-com/marketing/marketing-operations#${(i * 7919) % n}` }));

describe("compareNumerically", () => {
  it("orders as localeCompare with English numeric collation does", () => {
    const words = ["g/p#10", "g/p#9", "G/p#9", "g/p!2", "g/p#100", "Émile", "emile", "zoë", "Zoe", "", "a10b", "a9b", "No assignee", "alice", "Bob"];
    const expected = [...words].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    expect([...words].sort(compareNumerically)).toEqual(expected);
    expect(["g/p#10", "g/p#9", "g/p#100"].sort(compareNumerically)).toEqual(["g/p#9", "g/p#10", "g/p#100"]);
  });

  it("sorts a large board's refs through the one collator, never a collator per comparison", () => {
    // `localeCompare(b, "en", { numeric: true })` builds an ICU collator on every call: sorting these
    // 4,000 refs that way takes about 0.5 s and grows RSS by about 13 MB on Node.js 20, against
    // under 30 ms with one Intl.Collator, and a sweep sorts more than once. The refs are sorted
    // without calling it at all.
    const localeCompare = vi.spyOn(String.prototype, "localeCompare");
    try {
      const list = refs(4000);
      list.sort(byRef);
      expect(localeCompare).not.toHaveBeenCalled();
      expect(list.slice(0, 3).map((r) => r.ref)).toEqual(["gitlab-com/marketing/marketing-operations#0", "gitlab-com/marketing/marketing-operations#1", "gitlab-com/marketing/marketing-operations#2"]);
    } finally {
      localeCompare.mockRestore();
    }
  });
});
