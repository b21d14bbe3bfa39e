// The dedupe key filter may raise false alarms (then the inbox reads SQLite) but must never miss
// a key it was given: a miss would let a redelivery through as new.
import { describe, expect, it } from "vitest";
import { KeyFilter } from "../../../src/queue/keyFilter.js";

describe("the dedupe key filter", () => {
  it("knows every key it was given, and raises about 1% false alarms at capacity", () => {
    const filter = new KeyFilter(20_000);
    const keys = Array.from({ length: 20_000 }, (_, i) => `idem:${i.toString(36)}-${(i * 2654435761) >>> 0}`);
    for (const k of keys) filter.add(k);
    expect(keys.every((k) => filter.mayHave(k))).toBe(true);
    let alarms = 0;
    for (let i = 0; i < 20_000; i++) if (filter.mayHave(`sha256:other-${i}`)) alarms++;
    expect(alarms / 20_000).toBeLessThan(0.03);
    expect(filter.full()).toBe(false);
    filter.add("one more");
    expect(filter.full()).toBe(true);
  });

  it("says no to everything while empty", () => {
    const filter = new KeyFilter(10);
    expect(["", "idem:a", "sha256:b"].some((k) => filter.mayHave(k))).toBe(false);
  });
});
