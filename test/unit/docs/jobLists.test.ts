/**
 * The places that list the scheduled jobs agree with the job registry (src/jobs/registry.ts), and
 * docs/schedules.md's table with the shipped policies/schedules.yml: a job added to the code, or
 * a schedule moved, shows up here until the documentation says so too.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { jobs } from "../../../src/jobs/registry.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");
/** The CI schedules call the sweep `nightly` (the pages job keys on that name); both are registered. */
const scheduleName = (job: string) => (job === "sweep" ? "nightly" : job);

const registered = jobs.map((j) => j.name).sort();
const scheduled = registered.filter((name) => name !== "sweep").sort();

function only<T>(items: T[], what: string): T {
  expect(items, what).toHaveLength(1);
  return items[0]!;
}

describe("the lists of scheduled jobs", () => {
  it("README: the run command's job list names every registered job", () => {
    const row = only(
      read("README.md")
        .split("\n")
        .filter((l) => l.startsWith("| `mops-bot run <job>")),
      "the README's `mops-bot run <job>` row",
    );
    const listed = row.slice(row.indexOf("run one scheduled job once:")).match(/`([a-z-]+)`/g)!.map((m) => m.slice(1, -1));
    expect(listed.sort()).toEqual(registered);
  });

  it("README: the MOPS_JOB values name every job a CI schedule can run", () => {
    const values = only([...read("README.md").matchAll(/`MOPS_JOB=([a-z|-]+)`/g)], "the README's MOPS_JOB list")[1]!.split("|");
    expect(values.sort()).toEqual(scheduled);
  });

  it(".gitlab-ci.yml: a schedule without MOPS_JOB is told every job it can name", () => {
    const message = only(
      read(".gitlab-ci.yml")
        .split("\n")
        .filter((l) => l.includes("This schedule has no MOPS_JOB variable")),
      "the missing-job message",
    );
    const named = /add MOPS_JOB \(([^)]*)\)/.exec(message)![1]!.split(/, | or /);
    expect(named.sort()).toEqual(scheduled);
  });

  it("docs/schedules.md: one schedule per job, at the times of policies/schedules.yml", () => {
    const rows = read("docs/schedules.md")
      .split("\n")
      .map((l) => /^\| [^|]+ \| `([^`]+)` \| ([^|]+) \| `MOPS_JOB` = `([a-z-]+)` \|$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => ({ job: m[3]!, cron: m[1]!, timeZone: m[2]!.trim() }));
    const file = parse(read("policies/schedules.yml")) as { schedules: { job: string; cron: string; time_zone: string }[] };
    const policy = file.schedules.map((s) => ({ job: scheduleName(s.job), cron: s.cron, timeZone: s.time_zone }));
    const byJob = (a: { job: string }, b: { job: string }) => a.job.localeCompare(b.job);
    expect(rows.sort(byJob)).toEqual(policy.sort(byJob));
    // A job the shipped schedules leave out is opt-in: the page still says how to schedule it.
    const optIn = scheduled.filter((job) => !rows.some((r) => r.job === job));
    expect(optIn).toEqual(["digest"]);
    for (const job of optIn) expect(read("docs/schedules.md")).toContain(`\`MOPS_JOB\` = \`${job}\``);
  });
});
