/**
 * Note pacing is measured in real time, not on the run's clock: a sweep with a fixed clock (tests,
 * `plan`, a replayed moment) must still post its notes once the pacing window has passed.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResourcePlan } from "../../../src/domain/plan.js";
import { createGitLabPlatform } from "../../../src/gitlab/platform.js";
import { startFakeGitlab, type FakeGitlab } from "../../support/fakeGitlab/index.js";
import { GROUP, PROJECT_A, testPolicy } from "./helpers.js";

const TOKEN = "glpat-pacing-0123456789";
let fake: FakeGitlab;

beforeEach(async () => {
  fake = await startFakeGitlab({ token: TOKEN });
  fake.addUser({ username: "alice" });
  fake.addGroup(GROUP);
  fake.addProject(PROJECT_A);
  for (let i = 0; i < 3; i++) fake.addIssue(PROJECT_A, { title: `Issue ${i}`, author: "alice" });
});
afterEach(async () => {
  await fake.close();
});

const notePlan = (iid: number): ResourcePlan => ({
  ref: { kind: "issue", path: PROJECT_A, iid },
  webUrl: "",
  title: "",
  projectId: 0,
  iid,
  kind: "issue",
  actions: [],
  update: { addLabels: [], removeLabels: [] },
  note: { body: `note ${iid}`, markers: [] },
  conflicts: [],
});

describe("note pacing", () => {
  it("waits on the pacing clock, not on the run's frozen clock", async () => {
    let pacingNow = Date.parse("2026-03-02T12:00:00Z");
    const slept: number[] = [];
    const platform = createGitLabPlatform({
      url: fake.url,
      token: TOKEN,
      policy: testPolicy(),
      dryRun: false,
      // The run's clock never moves; a pacer reading it would wait for ever.
      clock: () => new Date("2026-03-02T12:00:00Z"),
      today: () => "2026-03-02",
      pacingClock: () => new Date(pacingNow),
      sleep: async (ms) => {
        slept.push(ms);
        pacingNow += ms;
      },
      notesPerMinute: 2,
    });
    const outcome = await Promise.race([
      (async () => {
        for (const iid of [1, 2, 3]) await platform.apply(notePlan(iid));
        return "done";
      })(),
      new Promise((r) => setTimeout(() => r("stuck"), 3000)),
    ]);
    expect(outcome).toBe("done");
    expect(fake.issue(PROJECT_A, 3).notes.map((n) => n.body)).toEqual(["note 3"]);
    expect(slept.reduce((a, b) => a + b, 0)).toBe(60_000);
  });
});
