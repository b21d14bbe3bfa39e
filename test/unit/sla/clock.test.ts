/**
 * The SLA clock as a table: each row is a history, a moment and what the clock must say then.
 * Times are UTC; the calendar is New York, Mon-Fri 09:00-17:00 (EST = UTC-5, EDT = UTC-4).
 */
import { describe, expect, it } from "vitest";
import { computeClock, type ClockHistory, type ClockState } from "../../../src/rules/sla/clock.js";
import type { SlaDef } from "../../../src/policy/model.js";
import {
  ABM_BLOCKED,
  ABM_TRIAGE,
  BLOCKED,
  COMPLETED,
  HIGH,
  LOW,
  OLD_ACTION_NEEDED,
  OLD_URGENT,
  TRIAGE,
  URGENT,
  added,
  calendar,
  history,
  removed,
  slaDef,
  spelling,
} from "./support.js";

const H = 3_600_000;

interface Row {
  name: string;
  def?: SlaDef;
  history: ClockHistory;
  now: string;
  state: ClockState;
  elapsedH?: number;
  due?: string | null;
  atRisk?: boolean;
  episodes?: number;
}

// Wed 18 Nov 2026 10:00 EST
const WED_10 = "2026-11-18T15:00:00Z";

const rows: Row[] = [
  {
    name: "urgent: 4 business hours from the label, on time",
    history: history(WED_10, [added(URGENT, WED_10)]),
    now: "2026-11-18T17:00:00Z",
    state: "running",
    elapsedH: 2,
    due: "2026-11-18T19:00:00.000Z",
    atRisk: false,
  },
  {
    name: "urgent: at risk after 75% of the goal",
    history: history(WED_10, [added(URGENT, WED_10)]),
    now: "2026-11-18T18:30:00Z",
    state: "running",
    elapsedH: 3.5,
    atRisk: true,
  },
  {
    name: "urgent: breached at the due moment",
    history: history(WED_10, [added(URGENT, WED_10)]),
    now: "2026-11-18T19:00:00Z",
    state: "breached",
    due: "2026-11-18T19:00:00.000Z",
    atRisk: false,
  },
  {
    name: "weekend: Friday 15:00 + 4 business hours is Monday 11:00",
    history: history("2026-11-20T20:00:00Z", [added(URGENT, "2026-11-20T20:00:00Z")]),
    now: "2026-11-21T12:00:00Z",
    state: "running",
    elapsedH: 2,
    due: "2026-11-23T16:00:00.000Z",
  },
  {
    name: "holidays: Thanksgiving and the company day off do not count",
    def: slaDef({ goals: [{ label: URGENT, goal: { kind: "business_days", days: 1 } }] }),
    history: history("2026-11-25T21:00:00Z", [added(URGENT, "2026-11-25T21:00:00Z")]),
    now: "2026-11-28T12:00:00Z",
    state: "running",
    elapsedH: 1,
    due: "2026-11-30T21:00:00.000Z", // Mon 30 Nov 16:00 EST: 1 h Wed + 7 h Mon
  },
  {
    name: "DST: Friday 16:00 EST + 2 business hours is Monday 10:00 EDT",
    def: slaDef({ goals: [{ label: URGENT, goal: { kind: "business_hours", hours: 2 } }] }),
    history: history("2026-03-06T21:00:00Z", [added(URGENT, "2026-03-06T21:00:00Z")]),
    now: "2026-03-07T12:00:00Z",
    state: "running",
    elapsedH: 1,
    due: "2026-03-09T14:00:00.000Z",
  },
  {
    name: "pause: time while blocked does not count, and the clock resumes",
    def: slaDef({ goals: [{ label: URGENT, goal: { kind: "business_days", days: 1 } }] }),
    history: history("2026-11-16T14:00:00Z", [
      added(URGENT, "2026-11-16T14:00:00Z"),
      added(BLOCKED, "2026-11-16T18:00:00Z"),
      removed(BLOCKED, "2026-11-17T18:00:00Z"),
    ]),
    now: "2026-11-17T20:00:00Z",
    state: "running",
    elapsedH: 6,
    due: "2026-11-17T22:00:00.000Z",
  },
  {
    name: "pause: while paused, due is when it would be if resumed now",
    def: slaDef({ goals: [{ label: URGENT, goal: { kind: "business_days", days: 1 } }] }),
    history: history("2026-11-16T14:00:00Z", [added(URGENT, "2026-11-16T14:00:00Z"), added(BLOCKED, "2026-11-16T18:00:00Z")]),
    now: "2026-11-17T15:00:00Z",
    state: "paused",
    elapsedH: 4,
    due: "2026-11-17T19:00:00.000Z",
  },
  {
    name: "pause and resume: breached once the running time passes the goal",
    def: slaDef({ goals: [{ label: URGENT, goal: { kind: "business_days", days: 1 } }] }),
    history: history("2026-11-16T14:00:00Z", [
      added(URGENT, "2026-11-16T14:00:00Z"),
      added(BLOCKED, "2026-11-16T18:00:00Z"),
      removed(BLOCKED, "2026-11-17T18:00:00Z"),
    ]),
    now: "2026-11-18T17:00:00Z",
    state: "breached",
    elapsedH: 11,
    due: "2026-11-17T22:00:00.000Z",
  },
  {
    name: "priority change: the clock restarts against the new goal from the change",
    history: history("2026-11-02T14:00:00Z", [added(LOW, "2026-11-02T14:00:00Z"), removed(LOW, WED_10), added(URGENT, WED_10)]),
    now: "2026-11-18T16:00:00Z",
    state: "running",
    elapsedH: 1,
    due: "2026-11-18T19:00:00.000Z",
    episodes: 2,
  },
  {
    name: "alias repaired to its canonical label: one continuous clock",
    history: history(WED_10, [added(OLD_URGENT, WED_10), removed(OLD_URGENT, "2026-11-18T17:00:00.300Z"), added(URGENT, "2026-11-18T17:00:00.100Z")]),
    now: "2026-11-18T18:00:00Z",
    state: "running",
    elapsedH: 3,
    atRisk: true,
    episodes: 1,
  },
  {
    name: "stop label: met, labels no longer owed",
    history: history(WED_10, [added(URGENT, WED_10), added(COMPLETED, "2026-11-18T17:00:00Z")]),
    now: "2026-11-19T17:00:00Z",
    state: "met",
    elapsedH: 2,
  },
  {
    name: "closed: met at the closing moment",
    history: history(WED_10, [added(URGENT, WED_10)], { closedAt: new Date("2026-11-18T16:00:00Z") }),
    now: "2026-11-20T17:00:00Z",
    state: "met",
    elapsedH: 1,
  },
  {
    name: "reopen: a new episode with the full goal from the reopening",
    history: history(WED_10, [added(URGENT, WED_10)], {
      stateChanges: [
        { at: new Date("2026-11-18T16:00:00Z"), state: "closed" },
        { at: new Date("2026-11-19T15:00:00Z"), state: "opened" },
      ],
    }),
    now: "2026-11-19T16:00:00Z",
    state: "running",
    elapsedH: 1,
    due: "2026-11-19T19:00:00.000Z",
    episodes: 2,
  },
  {
    name: "completed label removed: work is owed again, a new episode",
    history: history(WED_10, [added(URGENT, WED_10), added(COMPLETED, "2026-11-18T16:00:00Z"), removed(COMPLETED, "2026-11-19T15:00:00Z")]),
    now: "2026-11-19T18:30:00Z",
    state: "running",
    elapsedH: 3.5,
    atRisk: true,
    episodes: 2,
  },
  {
    name: "no priority label: no clock",
    history: history(WED_10, [added(TRIAGE, WED_10)]),
    now: "2026-11-19T18:00:00Z",
    state: "none",
  },
  {
    name: "priority removed: nothing owed",
    history: history(WED_10, [added(URGENT, WED_10), removed(URGENT, "2026-11-18T16:00:00Z")]),
    now: "2026-11-19T18:00:00Z",
    state: "none",
  },
  {
    name: "events after now are not seen yet",
    history: history(WED_10, [added(URGENT, WED_10), added(COMPLETED, "2026-11-18T18:00:00Z")]),
    now: "2026-11-18T17:00:00Z",
    state: "running",
    elapsedH: 2,
  },
  {
    name: "milestone goal: due at the end of the milestone's due date",
    history: history(WED_10, [added(HIGH, WED_10)], { milestoneDue: "2026-11-24" }),
    now: "2026-11-19T15:00:00Z",
    state: "running",
    due: "2026-11-25T04:59:00.000Z",
    atRisk: false,
  },
  {
    name: "milestone goal without a milestone: running, nothing due",
    history: history(WED_10, [added(HIGH, WED_10)]),
    now: "2026-11-19T15:00:00Z",
    state: "running",
    due: null,
  },
  {
    name: "milestone goal: breached after the milestone ended",
    history: history(WED_10, [added(HIGH, WED_10)], { milestoneDue: "2026-11-19" }),
    now: "2026-11-20T15:00:00Z",
    state: "breached",
  },
  {
    name: "single goal started by a label, met when the label goes",
    def: slaDef({ start: { on: "labeled", label: TRIAGE }, stop: { closed: true, labeled: [], unlabeled: [TRIAGE] }, goals: [{ label: null, goal: { kind: "business_days", days: 1 } }] }),
    history: history(WED_10, [added(TRIAGE, WED_10), removed(TRIAGE, "2026-11-19T14:00:00Z")]),
    now: "2026-11-19T18:00:00Z",
    state: "met",
    elapsedH: 7,
  },
  {
    name: "calendar days: weekends count",
    def: slaDef({ goals: [{ label: OLD_ACTION_NEEDED, goal: { kind: "calendar_days", days: 90 } }] }),
    history: history(WED_10, [added(OLD_ACTION_NEEDED, WED_10)]),
    now: "2026-11-25T15:00:00Z",
    state: "running",
    elapsedH: 7 * 24,
    due: "2027-02-16T15:00:00.000Z",
  },
  {
    name: "an alias goal matches only that spelling, not its canonical label",
    def: slaDef({ goals: [{ label: OLD_ACTION_NEEDED, goal: { kind: "calendar_days", days: 90 } }] }),
    history: history(WED_10, [added("MktgOpsPriority:: 02-Medium", WED_10)]),
    now: "2026-11-25T15:00:00Z",
    state: "none",
  },
];

describe("SLA clock", () => {
  it.each(rows)("$name", (row) => {
    const clock = computeClock(row.def ?? slaDef(), row.history, calendar, new Date(row.now), spelling);
    expect(clock.state).toBe(row.state);
    if (row.elapsedH !== undefined) expect(clock.elapsedMs / H).toBeCloseTo(row.elapsedH, 6);
    if (row.due !== undefined) expect(clock.due?.toISOString() ?? null).toBe(row.due);
    if (row.atRisk !== undefined) expect(clock.atRisk).toBe(row.atRisk);
    if (row.episodes !== undefined) expect(clock.episodes).toHaveLength(row.episodes);
  });

  it("waits while details are missing and starts when blocked becomes triage (ABM)", () => {
    const def = slaDef({
      waitWhile: [ABM_BLOCKED],
      pauseWhile: [ABM_BLOCKED],
      goals: [{ label: "ABM-Priority::Top", goal: { kind: "business_days", days: 5 } }],
    });
    const h = history("2026-11-16T14:00:00Z", [
      added(ABM_BLOCKED, "2026-11-16T14:00:00Z"),
      added("ABM-Priority::Top", "2026-11-16T14:00:00Z"),
      removed(ABM_BLOCKED, "2026-11-18T15:00:00Z"),
      added(ABM_TRIAGE, "2026-11-18T15:00:00Z"),
    ]);
    const before = computeClock(def, h, calendar, new Date("2026-11-17T15:00:00Z"), spelling);
    expect(before.state).toBe("waiting");
    expect(before.readyAt).toBeNull();
    const after = computeClock(def, h, calendar, new Date("2026-11-18T16:00:00Z"), spelling);
    expect(after.state).toBe("running");
    expect(after.episode?.startedAt.toISOString()).toBe("2026-11-18T15:00:00.000Z");
    expect(after.readyAt?.toISOString()).toBe("2026-11-18T15:00:00.000Z");
    expect(after.elapsedMs / H).toBeCloseTo(1, 6);
  });

  it("records every pause with the label that caused it", () => {
    const h = history(WED_10, [added(URGENT, WED_10), added(BLOCKED, "2026-11-18T16:00:00Z"), removed(BLOCKED, "2026-11-18T17:00:00Z")]);
    const clock = computeClock(slaDef(), h, calendar, new Date("2026-11-18T18:00:00Z"), spelling);
    expect(clock.episode?.pauses).toEqual([{ start: new Date("2026-11-18T16:00:00Z"), end: new Date("2026-11-18T17:00:00Z"), label: BLOCKED }]);
    expect(clock.elapsedMs / H).toBeCloseTo(2, 6);
  });

  it("gives warnings a due-relative threshold: before_due_business_days", () => {
    const def = slaDef({ warning: { percent: null, beforeDueBusinessDays: 2, label: null, template: null, fallbackGroup: null } });
    const h = history(WED_10, [added(HIGH, WED_10)], { milestoneDue: "2026-12-11" });
    expect(computeClock(def, h, calendar, new Date("2026-12-08T15:00:00Z"), spelling).atRisk).toBe(false);
    const late = computeClock(def, h, calendar, new Date("2026-12-10T15:00:00Z"), spelling);
    expect(late.atRisk).toBe(true);
    expect(late.warnAt?.toISOString()).toBe("2026-12-09T22:00:00.000Z"); // Wed 9 Dec 17:00 EST: two working days left
  });
});
