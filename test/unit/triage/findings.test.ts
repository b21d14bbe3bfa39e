/**
 * What a summary line says about a selected resource: dates, never ages, and the same facts
 * whichever history decided the rule, so an unchanged resource gives the same line on every run.
 */
import { describe, expect, it } from "vitest";
import { issue, labelEvent, NOW } from "../../support/builders.js";
import { rule, tctx } from "./helpers.js";

const HOUR = 3_600_000;
const later = (ms: number) => tctx({ now: new Date(NOW.getTime() + ms) });
const summarize = 'summarize: { title: "Listed", issue: { project_role: mops } }';

describe("a summary line's facts", () => {
  const triage = rule('label_age: { label: "MktgOps::00: Triage", older_than: { business_days: 5 } }', summarize);
  const inTriage = issue({
    labels: ["MktgOps::00: Triage"],
    createdAt: new Date("2026-10-01T14:00:00Z"),
    labelEvents: [labelEvent("MktgOps::00: Triage", "2026-11-09T15:00:00Z")],
  });

  it("says since when a label is on, as a date, and not how long", () => {
    expect(triage.finding(inTriage, tctx())!.detail).toBe('~"MktgOps::00: Triage" since 9 Nov');
  });

  it("does not change an hour later, nor the next day, nor after a weekend", () => {
    const now = triage.finding(inTriage, tctx())!.detail;
    for (const ms of [HOUR, 24 * HOUR, 4 * 24 * HOUR]) expect(triage.finding(inTriage, later(ms))!.detail).toBe(now);
  });

  it("writes the year of a date in another year", () => {
    const old = { ...inTriage, createdAt: new Date("2025-11-01T14:00:00Z"), labelEvents: [labelEvent("MktgOps::00: Triage", "2025-12-01T15:00:00Z")] };
    expect(triage.finding(old, tctx())!.detail).toBe('~"MktgOps::00: Triage" since 1 Dec 2025');
  });

  it("a label younger than a bound: asks for the label events a young resource did not need, and dates the label", () => {
    const recent = rule('label_age: { label: "MktgOps::00: Triage", newer_than: { days: 3 } }', summarize);
    const young = issue({ labels: ["MktgOps::00: Triage"], createdAt: new Date("2026-11-17T14:00:00Z") });
    // Without a summary the young resource decides it; the summary line needs the label's own date.
    expect(rule('label_age: { label: "MktgOps::00: Triage", newer_than: { days: 3 } }').needs(young, tctx())).toEqual({});
    expect(recent.needs(young, tctx())).toEqual({ labelEvents: true });
    const withEvents = { ...young, labelEvents: [labelEvent("MktgOps::00: Triage", "2026-11-18T09:00:00Z")] };
    expect(recent.needs(withEvents, tctx())).toEqual({});
    expect(recent.finding(withEvents, tctx())!.detail).toBe('~"MktgOps::00: Triage" since 18 Nov');
  });

  it("creation, closing and merging are dates of the resource", () => {
    const created = rule("created: { older_than: { days: 7 } }", summarize);
    const s = issue({ createdAt: new Date("2026-11-02T14:00:00Z") });
    expect(created.finding(s, tctx())!.detail).toBe("created 2 Nov");
    expect(created.finding(s, later(30 * 24 * HOUR))!.detail).toBe("created 2 Nov");
  });

  it("untouched for a while: the same (no date) whether updated_at or the history decided it", () => {
    const untouched = rule("updated: { older_than: { days: 30 } }", summarize);
    const byUpdatedAt = issue({ createdAt: new Date("2026-09-01T14:00:00Z"), updatedAt: new Date("2026-10-01T00:00:00Z") });
    // The bot's own label change moved updated_at: the history decides, and must say the same.
    const byHistory = { ...byUpdatedAt, updatedAt: new Date("2026-11-17T00:00:00Z"), notes: [], labelEvents: [labelEvent("MktgOpsPriority:: 02-Medium", "2026-11-17T00:00:00Z", "add", "mops-bot")] };
    expect(untouched.check(byHistory, tctx()).result).toBe(true);
    expect(untouched.finding(byHistory, tctx())!.detail).toBe(untouched.finding(byUpdatedAt, tctx())!.detail);
    expect(untouched.finding(byUpdatedAt, later(HOUR))!.detail).toBe(untouched.finding(byUpdatedAt, tctx())!.detail);
  });

  it("what holds inside a `not` is not a reason to list the resource", () => {
    const r = rule("not: { created: { older_than: { days: 100 } } }\ncreated: { older_than: { days: 7 } }", summarize);
    expect(r.finding(issue({ createdAt: new Date("2026-11-02T14:00:00Z") }), tctx())!.detail).toBe("created 2 Nov");
    // Inside the `not`, the age holds and the label does not: the block as a whole does not hold.
    const inside = rule('not: { created: { older_than: { days: 7 } }, labels: { all: ["Marketo"] } }', summarize);
    const s = issue({ createdAt: new Date("2026-11-02T14:00:00Z"), labels: [] });
    expect(inside.finding(s, tctx())!.detail).toBe("");
    expect(inside.check(s, tctx()).reason).not.toContain("created");
  });
});
