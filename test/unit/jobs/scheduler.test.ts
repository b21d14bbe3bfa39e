import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { findJob, jobNames } from "../../../src/jobs/registry.js";
import { createScheduler } from "../../../src/jobs/scheduler.js";

const silent = pino({ level: "silent" });

describe("in-process scheduler", () => {
  it("never runs a job while its previous run is still going", async () => {
    let release!: () => void;
    const runs: string[] = [];
    const scheduler = createScheduler({
      schedules: [{ job: "sweep", cron: "0 2 * * 1-5", timeZone: "America/New_York", description: "" }],
      logger: silent,
      runJob: (name) => {
        runs.push(name);
        return new Promise<void>((r) => (release = r));
      },
    });
    const first = scheduler.trigger("sweep");
    expect(await scheduler.trigger("sweep")).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(runs).toEqual(["sweep"]);
    // Once the run is over, the next tick runs the job again.
    const again = scheduler.trigger("sweep");
    expect(runs).toEqual(["sweep", "sweep"]);
    release();
    expect(await again).toBe(true);
  });

  it("keeps running after a job fails", async () => {
    let calls = 0;
    const scheduler = createScheduler({
      schedules: [],
      logger: silent,
      runJob: async () => {
        calls++;
        throw new Error("GitLab down");
      },
    });
    expect(await scheduler.trigger("sweep")).toBe(true);
    expect(await scheduler.trigger("sweep")).toBe(true);
    expect(calls).toBe(2);
  });

  it("computes the next run in the schedule's time zone", async () => {
    const scheduler = createScheduler({
      schedules: [{ job: "sweep", cron: "0 2 * * *", timeZone: "America/New_York", description: "" }],
      logger: silent,
      runJob: async () => {},
    });
    scheduler.start();
    const [next] = scheduler.nextRuns();
    expect(next!.job).toBe("sweep");
    const local = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "numeric", minute: "numeric", hour12: false }).format(next!.next!);
    expect(local).toBe("02:00");
    await scheduler.stop();
  });
});

describe("job registry", () => {
  it("finds jobs by name and names the known ones when asked for an unknown job", () => {
    expect(findJob("sweep").name).toBe("sweep");
    expect(jobNames()).toContain("sweep");
    expect(() => findJob("swep")).toThrow(/Unknown job "swep". Jobs: sweep/);
  });
});
