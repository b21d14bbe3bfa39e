/**
 * Test helpers for the GitLab adapter: the shared GitLab fixtures (loaded fresh each time so tests
 * can mutate copies), a hand-built CompiledPolicy, a fake clock whose sleep advances it, and strict
 * nock setup (no real network; every mock must be used).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { afterEach, beforeEach, expect } from "vitest";
import { Taxonomy, type LabelDefinition, type ScopedSet } from "../../../src/domain/labels.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { createGitLabPlatform, type GitLabPlatformOptions } from "../../../src/gitlab/platform.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const FIXTURES_DIR = resolve(repoRoot, "test/fixtures/gitlab/fixtures");

/**
 * A fresh, mutable copy of a shared fixture (never edit the files themselves). Typed loosely on
 * purpose: tests reach into GitLab's JSON to change a field or two.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(resolve(FIXTURES_DIR, name), "utf8")) as T;
}

export const GITLAB = "https://gitlab.example.com";
export const API = `${GITLAB}/api/v4`;
export const TOKEN = "glpat-TESTSECRETtoken1234567890";
export const GROUP = "mktg";
export const PROJECT_A = "mktg/marketing-operations";
export const PROJECT_B = "mktg/sales-systems";
export const PROJECT_A_ID = 101;
export const PROJECT_B_ID = 102;
export const OUTSIDE_PROJECT_ID = 999;
export const enc = (path: string): string => encodeURIComponent(path);

const MKTGOPS = ["MktgOps::00: Triage", "MktgOps::01: To Do", "MktgOps::02: In Progress", "MktgOps::03: Done"];

export function testTaxonomy(): Taxonomy {
  const sets: ScopedSet[] = [{ key: "MktgOps", description: "Team stage", ordered: true, labels: MKTGOPS }];
  const defs: LabelDefinition[] = [
    ...MKTGOPS.map((name) => ({ name, description: name, color: "#428bca", set: "MktgOps" })),
    { name: "mktgops-attention", description: "Needs attention", color: "#d9534f", set: null },
    { name: "bug", description: "Bug", color: "#d9534f", set: null },
  ];
  return new Taxonomy(defs, sets, { "MktgOps::In Progress": "MktgOps::02: In Progress" });
}

export function testPolicy(): CompiledPolicy {
  return {
    dir: "policies",
    scope: {
      group: GROUP,
      projects: [
        { path: PROJECT_A, roles: ["mops"] },
        { path: PROJECT_B, roles: ["sales-systems"] },
      ],
      botUsername: "mops-bot",
    },
    people: { "business-owners": ["alice"] },
    taxonomy: testTaxonomy(),
    hygiene: { repairAliases: true, explainRepairs: true, conflicts: [] },
    calendar: {
      timeZone: "UTC",
      workingDays: [1, 2, 3, 4, 5],
      workingHours: { start: "09:00", end: "17:00" },
      holidays: { region: null, types: ["public"], dates: [] },
    },
    schedules: [],
    workflows: [],
    templates: {},
  };
}

/** A clock that only moves when the code under test sleeps; every sleep is recorded. */
export function fakeTime(startIso = "2026-03-02T12:00:00.000Z") {
  let now = new Date(startIso).getTime();
  const sleeps: number[] = [];
  return {
    clock: (): Date => new Date(now),
    sleep: (ms: number): Promise<void> => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    advance: (ms: number): void => {
      now += ms;
    },
    sleeps,
    nowMs: (): number => now,
  };
}

export type FakeTime = ReturnType<typeof fakeTime>;

/** Strict HTTP mocking for a test file: unmocked requests fail, unused mocks fail the test. */
export function useStrictNock(): void {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(pending, "mocks that were never requested").toEqual([]);
  });
}

export function testPlatform(time: FakeTime, overrides: Partial<GitLabPlatformOptions> = {}) {
  return createGitLabPlatform({
    url: GITLAB,
    token: TOKEN,
    policy: testPolicy(),
    dryRun: false,
    clock: time.clock,
    today: (now) => now.toISOString().slice(0, 10),
    sleep: time.sleep,
    random: () => 0,
    retry: { attempts: 3, baseMs: 10, maxMs: 40 },
    ...overrides,
  });
}

/** Reply headers GitLab sends on a paged listing. */
export function pageHeaders(page: number, totalPages: number | undefined, nextPage?: number): Record<string, string> {
  const h: Record<string, string> = { "x-page": String(page), "x-per-page": "100" };
  if (totalPages !== undefined) h["x-total-pages"] = String(totalPages);
  const next = nextPage ?? (totalPages !== undefined && page < totalPages ? page + 1 : undefined);
  h["x-next-page"] = next === undefined ? "" : String(next);
  return h;
}
