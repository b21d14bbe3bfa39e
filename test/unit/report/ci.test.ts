/**
 * The `pages` job publishes the report from the nightly schedule (GitLab's schema check of the
 * whole file is in test/unit/ci/gitlabCi.test.ts).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { jobNames } from "../../../src/jobs/registry.js";

type Job = { stage?: string; script?: string[]; extends?: string; rules?: { if?: string; when?: string }[]; needs?: { job: string; artifacts?: boolean }[]; artifacts?: { paths?: string[] } };
const ci = parse(readFileSync(".gitlab-ci.yml", "utf8")) as Record<string, Job>;

describe("the pages job", () => {
  const pages = ci.pages!;

  it("runs in the nightly schedule only, after its sweep, even when the sweep reported a problem", () => {
    expect(pages.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule" && $MOPS_JOB == "nightly"', when: "always" }]);
    expect(jobNames()).toContain("nightly");
    expect(pages.needs).toEqual([{ job: "schedule", artifacts: false }]);
    expect(ci[pages.needs![0]!.job]).toBeDefined();
  });

  it("writes the report into public/, the folder GitLab Pages publishes", () => {
    expect(pages.extends).toBe(".mops-bot");
    expect(pages.script).toEqual(["node bin/mops-bot.js report --out public"]);
    expect(pages.artifacts?.paths).toEqual(["public"]);
  });
});
