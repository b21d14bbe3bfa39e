/**
 * `.gitlab-ci.yml` against GitLab's own JSON Schema (a copy in test/fixtures/gitlab), plus
 * the promises the pipeline makes: the plan on policy merge requests, one scheduled job per
 * MOPS_JOB, and templates that exist.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { jobNames } from "../../../src/jobs/registry.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const SCHEMA = path.resolve(repoRoot, "test", "fixtures", "gitlab", "ci.schema.json");
// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

type Job = { script?: string[]; extends?: string | string[]; rules?: { if?: string; changes?: string[]; when?: string }[]; variables?: Record<string, string>; artifacts?: { paths?: string[] } };
const ci = parse(readFileSync(path.join(repoRoot, ".gitlab-ci.yml"), "utf8")) as Record<string, unknown>;
const job = (name: string) => ci[name] as Job;
const script = (name: string) => (job(name).script ?? []).join("\n");

let compiled: ReturnType<Ajv["compile"]> | undefined;
/** GitLab's schema, compiled once (it is large). */
function gitlabSchema(): ReturnType<Ajv["compile"]> {
  if (compiled === undefined) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA, "utf8")) as object);
  }
  return compiled;
}

describe(".gitlab-ci.yml", () => {
  it("is valid against GitLab's CI schema", () => {
    const validate = gitlabSchema();
    const ok = validate(ci);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the schema test can fail: a job with an unknown keyword is rejected", () => {
    const validate = gitlabSchema();
    expect(validate({ ...ci, broken: { script: ["true"], scirpt_typo: 1 } })).toBe(false);
    expect(validate({ ...ci, test: { ...job("test"), when: "sometimes" } })).toBe(false);
  });

  it("installs with npm ci from the lockfile, dev dependencies included, so prepare compiles dist/", () => {
    const installs = ["test", ".mops-bot"].map((name) => ((ci[name] as { before_script?: string[] }).before_script ?? []).filter((l) => /\bnpm (ci|install)\b/.test(l)));
    for (const lines of installs) {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^npm ci\b/);
      // --omit=dev would leave prepare without TypeScript; a fallback would hide a lockfile that npm ci refuses.
      expect(lines[0]).not.toMatch(/--omit=dev|\|\||npm install/);
    }
  });

  it("validates, then plans, on merge requests that touch policies/", () => {
    for (const name of ["policies:validate", "policies:plan"]) {
      const rule = job(name).rules?.[0];
      expect(rule?.if, name).toContain('$CI_PIPELINE_SOURCE == "merge_request_event"');
      expect(rule?.changes, name).toEqual(["policies/**/*"]);
    }
    expect(script("policies:validate")).toContain("mops-bot.js policies validate");
    expect(script("policies:plan")).toMatch(/mops-bot\.js plan\s+--base "\$CI_MERGE_REQUEST_DIFF_BASE_SHA"\s+--replay 30d\s+--comment-on-mr "\$CI_MERGE_REQUEST_IID"/);
    // The plan comment must also appear when validation failed.
    expect(job("policies:plan").rules?.[0]?.when).toBe("always");
    expect(job("policies:plan").variables?.GIT_DEPTH).toBe("0");
  });

  it("type checks, lints and tests on every pipeline except schedules", () => {
    expect(script("test")).toContain("npm run typecheck");
    expect(script("test")).toContain("npm run lint");
    expect(script("test")).toContain("vitest run");
    expect(job("test").rules?.[0]).toEqual({ if: '$CI_PIPELINE_SOURCE == "schedule"', when: "never" });
  });

  it("runs the scheduled jobs with the heap limit of the Docker image", () => {
    const image = /NODE_OPTIONS="([^"]*)"/.exec(readFileSync(path.join(repoRoot, "Dockerfile"), "utf8"))?.[1];
    expect(image).toMatch(/^--max-old-space-size=\d+$/);
    expect(script("schedule")).toContain(`node ${image} bin/mops-bot.js run "$MOPS_JOB"`);
  });

  it("runs the schedule's MOPS_JOB and keeps its JSON report", () => {
    expect(script("schedule")).toContain('run "$MOPS_JOB" --report mops-report.json');
    expect(job("schedule").artifacts?.paths).toEqual(["mops-report.json"]);
    expect(job("schedule:missing-job").rules?.[0]?.if).toContain("$MOPS_JOB == null");
    expect(jobNames()).toContain("nightly");
  });

  it("extends only templates that exist", () => {
    for (const [name, value] of Object.entries(ci)) {
      const ext = (value as Job | null)?.extends;
      for (const parent of ext === undefined ? [] : Array.isArray(ext) ? ext : [ext]) expect(ci[parent], `${name} extends ${parent}`).toBeDefined();
    }
  });
});
