import { describe, expect, it } from "vitest";
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

  it("sorts a large board's refs without building a collator per comparison", () => {
    // `localeCompare(b, "en", { numeric: true })` builds an ICU collator on every call: sorting
    // 4,000 refs took close to a second (and kept tens of MB of native memory); one collator takes
    // a few tens of milliseconds. The bound leaves room for a slow machine.
    const list = refs(4000);
    const started = performance.now();
    list.sort(byRef);
    expect(performance.now() - started).toBeLessThan(400);
    expect(list.slice(0, 3).map((r) => r.ref)).toEqual(["gitlab-com/marketing/marketing-operations#0", "gitlab-com/marketing/marketing-operations#1", "gitlab-com/marketing/marketing-operations#2"]);
  });
});
