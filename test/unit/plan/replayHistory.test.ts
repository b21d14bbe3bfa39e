/**
 * Rebuilding a resource as it stood at a past moment from its label, state and milestone events
 * and its notes, with the bot's own writes in the replayed window set aside and the replay's
 * simulated writes in their place.
 */
import { describe, expect, it } from "vitest";
import type { MilestoneEvent, StateEvent } from "../../../src/domain/snapshot.js";
import { historyAt, noWrites, rebuildAt, type RebuildOptions, type ResourceHistory } from "../../../src/plan/replay/history.js";
import { BOT, CURRENT, PAST, issue, labelEvent, note, user } from "../../support/builders.js";

const WINDOW_START = new Date("2026-11-10T00:00:00Z");
const options = (today: string): RebuildOptions => ({ botUsername: BOT.username, windowStart: WINDOW_START, milestones: [PAST, CURRENT], today });

const stateEvent = (state: StateEvent["state"], at: string, by = "someone"): StateEvent => ({ id: Date.parse(at), state, user: user(by), createdAt: new Date(at) });
const milestoneEvent = (action: "add" | "remove", m: typeof PAST | null, at: string, by = "someone"): MilestoneEvent => ({
  id: Date.parse(at),
  action,
  milestone: m,
  user: user(by),
  createdAt: new Date(at),
});

/** Opened 11-02; Triage 11-02, then Ready 11-12; closed 11-13, reopened 11-16; milestone PAST 11-03, CURRENT 11-16. */
function history(): ResourceHistory {
  return {
    current: issue({
      labels: ["MktgOps::02: Ready for Assignment", "Priority::High"],
      milestone: CURRENT,
      state: "opened",
      createdAt: new Date("2026-11-02T14:00:00Z"),
    }),
    labelEvents: [
      labelEvent("MktgOps::00: Triage", "2026-11-02T14:01:00Z"),
      labelEvent("MktgOps::00: Triage", "2026-11-12T10:00:00Z", "remove"),
      labelEvent("MktgOps::02: Ready for Assignment", "2026-11-12T10:00:00Z"),
      // The live bot's own label in the window: the replay decides that itself.
      labelEvent("Priority::High", "2026-11-11T07:00:00Z", "add", BOT.username),
    ],
    stateEvents: [stateEvent("closed", "2026-11-13T12:00:00Z"), stateEvent("reopened", "2026-11-16T12:00:00Z")],
    milestoneEvents: [milestoneEvent("add", PAST, "2026-11-03T10:00:00Z"), milestoneEvent("add", CURRENT, "2026-11-16T13:00:00Z")],
    notes: [note("a question", "2026-11-05T10:00:00Z"), note("<!-- mops-bot:triage:x --> ping", "2026-11-11T07:00:00Z", BOT.username)],
  };
}

describe("rebuilding a resource at a past moment", () => {
  it("does not exist before it was created", () => {
    expect(rebuildAt(history(), noWrites(), new Date("2026-11-01T00:00:00Z"), options("2026-11-01"))).toBeNull();
  });

  it("undoes the label, state and milestone events that came later", () => {
    const s = rebuildAt(history(), noWrites(), new Date("2026-11-11T12:00:00Z"), options("2026-11-11"))!;
    expect(s.labels).toEqual(["MktgOps::00: Triage"]);
    expect(s.state).toBe("opened");
    expect(s.milestone?.id).toBe(PAST.id);
    // Timing is that day's, not today's: PAST (11-02 to 11-13) was current on 11-11.
    expect(s.milestone?.timing).toBe("current");
    // The live bot's note in the window is set aside; the person's note stays.
    expect(historyAt(history(), noWrites(), new Date("2026-11-11T12:00:00Z"), options("2026-11-11")).notes.map((n) => n.body)).toEqual(["a question"]);
    expect(s.userNotesCount).toBe(1);
  });

  it("sees the state between a closing and a reopening", () => {
    const s = rebuildAt(history(), noWrites(), new Date("2026-11-14T12:00:00Z"), options("2026-11-14"))!;
    expect(s.state).toBe("closed");
    expect(s.closedAt).toEqual(new Date("2026-11-13T12:00:00Z"));
    expect(s.labels).toEqual(["MktgOps::02: Ready for Assignment"]);
  });

  it("keeps the bot's own writes from before the window: they are part of the starting state", () => {
    const h = history();
    h.labelEvents.push(labelEvent("Old::Bot", "2026-11-04T07:00:00Z", "add", BOT.username));
    h.current.labels.push("Old::Bot");
    expect(rebuildAt(h, noWrites(), new Date("2026-11-05T00:00:00Z"), options("2026-11-05"))!.labels).toEqual(["Old::Bot", "MktgOps::00: Triage"]);
  });

  it("adds the replay's own writes, until a person's later change to the same label", () => {
    const writes = noWrites();
    writes.labelEvents.push(labelEvent("Priority::Low", "2026-11-11T07:00:00Z", "add", BOT.username));
    writes.labelEvents.push(labelEvent("MktgOps::00: Triage", "2026-11-11T07:00:00Z", "remove", BOT.username));
    writes.notes.push(note("<!-- mops-bot:triage:y --> replayed", "2026-11-11T07:00:00Z", BOT.username));
    const on11 = rebuildAt(history(), writes, new Date("2026-11-11T12:00:00Z"), options("2026-11-11"))!;
    expect(on11.labels).toEqual(["Priority::Low"]);
    expect(historyAt(history(), writes, new Date("2026-11-11T12:00:00Z"), options("2026-11-11")).notes.flatMap((n) => n.botMarkers)).toEqual(["triage:y"]);
    expect(on11.userNotesCount).toBe(2);

    // A person adds Triage back on 11-12 at 09:00: their change is later, so it wins.
    const h = history();
    h.labelEvents.push(labelEvent("MktgOps::00: Triage", "2026-11-12T09:00:00Z"));
    expect(rebuildAt(h, writes, new Date("2026-11-12T09:30:00Z"), options("2026-11-12"))!.labels).toEqual(["MktgOps::00: Triage", "Priority::Low"]);
  });

  it("without state events (GitLab before 13.2) takes the closing time", () => {
    const h: ResourceHistory = { ...history(), stateEvents: [], current: issue({ state: "closed", closedAt: new Date("2026-11-15T00:00:00Z"), createdAt: new Date("2026-11-02T00:00:00Z") }) };
    expect(rebuildAt(h, noWrites(), new Date("2026-11-14T00:00:00Z"), options("2026-11-14"))!.state).toBe("opened");
    expect(rebuildAt(h, noWrites(), new Date("2026-11-16T00:00:00Z"), options("2026-11-16"))!.state).toBe("closed");
  });

  it("before the first milestone event, the milestone is what that event changed", () => {
    const h = history();
    h.milestoneEvents = [milestoneEvent("remove", PAST, "2026-11-12T00:00:00Z")];
    h.current.milestone = null;
    expect(rebuildAt(h, noWrites(), new Date("2026-11-11T00:00:00Z"), options("2026-11-11"))!.milestone?.id).toBe(PAST.id);
    expect(rebuildAt(h, noWrites(), new Date("2026-11-13T00:00:00Z"), options("2026-11-13"))!.milestone).toBeNull();
  });
});
