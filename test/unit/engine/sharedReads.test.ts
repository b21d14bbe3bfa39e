import { describe, expect, expectTypeOf, it } from "vitest";
import { formatRef, type ResourceSnapshot } from "../../../src/domain/snapshot.js";
import type { ListQuery, Platform, PlatformReader } from "../../../src/engine/platform.js";
import { createGitLabPlatform, RefusedWriteError } from "../../../src/gitlab/index.js";
import { planningPlatform } from "../../../src/plan/evaluate.js";
import { SharedReads, sideView, unionScope } from "../../../src/engine/sharedReads.js";
import { MOPS_PROJECT, NOW, SALES_PROJECT, issue, labelEvent, testPolicy } from "../../support/builders.js";

/** An in-memory source that counts what it is asked. */
function countingSource(items: ResourceSnapshot[]) {
  const calls = { list: 0, labelEvents: 0, notes: 0, milestones: 0 };
  const source: Platform = {
    async *list(_q: ListQuery) {
      calls.list++;
      yield* items;
    },
    get: async (ref) => items.find((i) => formatRef(i.ref) === formatRef(ref)) ?? null,
    labelEvents: async () => (calls.labelEvents++, [labelEvent("MktgOps::00: Triage", "2026-11-01T10:00:00Z")]),
    notes: async () => (calls.notes++, []),
    milestones: async () => (calls.milestones++, []),
    apply: async () => {
      throw new Error("the source must never be asked to apply");
    },
    requestStats: () => ({ total: 0, byRoute: {}, retries: 0 }),
  };
  return { source, calls };
}

const mops = issue({ iid: 1, ref: { kind: "issue", path: MOPS_PROJECT, iid: 1 }, projectPath: MOPS_PROJECT, projectRoles: ["mops"] });
const sales = issue({ iid: 2, ref: { kind: "issue", path: SALES_PROJECT, iid: 2 }, projectPath: SALES_PROJECT, projectRoles: ["sales-systems"] });

function fallback() {
  const policy = testPolicy();
  return createGitLabPlatform({ url: "http://127.0.0.1:9", token: "t", policy, dryRun: true, clock: () => NOW, today: () => "2026-11-18", readOnlyFor: "mops-bot plan" });
}

async function all(it: AsyncIterable<ResourceSnapshot>) {
  const out: ResourceSnapshot[] = [];
  for await (const s of it) out.push(s);
  return out;
}

describe("the plan's read-only GitLab", () => {
  it("lists once and fetches history once however many evaluations ask", async () => {
    const { source, calls } = countingSource([mops, sales]);
    const reads = new SharedReads(source);
    const q: ListQuery = { kind: "issue", state: "opened" };
    expect(await all(reads.list(q))).toHaveLength(2);
    expect(await all(reads.list(q))).toHaveLength(2);
    await Promise.all([reads.labelEvents(mops), reads.labelEvents(mops), reads.milestones(), reads.milestones()]);
    expect(calls).toEqual({ list: 1, labelEvents: 1, notes: 0, milestones: 1 });
  });

  it("shows each side only its own scope, with that scope's roles", async () => {
    const { source } = countingSource([mops, sales]);
    const reads = new SharedReads(source);
    const base = testPolicy().scope;
    const head = { ...base, projects: [{ path: MOPS_PROJECT, roles: ["mops", "handbook"] }] };
    expect(unionScope(head, base).projects.map((p) => p.path).sort()).toEqual([MOPS_PROJECT, SALES_PROJECT].sort());
    const seen = await all(sideView(reads, head, fallback()).list({ kind: "issue", state: "opened" }));
    expect(seen.map((s) => [s.projectPath, s.projectRoles])).toEqual([[MOPS_PROJECT, ["mops", "handbook"]]]);
    expect(await sideView(reads, head, fallback()).get(sales.ref)).toBeNull();
  });

  it("hands out reads only: a write on a side's view does not compile", () => {
    const { source } = countingSource([mops]);
    const view = sideView(new SharedReads(source), testPolicy().scope, fallback());
    expectTypeOf(view).toEqualTypeOf<PlatformReader>();
    // @ts-expect-error a PlatformReader has no apply()
    void view.apply;
    // @ts-expect-error nor the GitLab client
    void view.requester;
    expect("apply" in view).toBe(false);
    expect("requester" in view).toBe(false);
  });

  it("applies nothing and refuses any write a job sends past dry-run", async () => {
    const { source } = countingSource([mops]);
    const own = fallback();
    const jobs = planningPlatform(sideView(new SharedReads(source), testPolicy().scope, own), own);
    const plan = { ref: mops.ref, webUrl: "", title: "", projectId: 1, iid: 1, kind: "issue" as const, actions: [], update: { addLabels: ["X"], removeLabels: [] }, note: null, conflicts: [] };
    expect(await jobs.apply(plan)).toEqual({ writes: 0, dryRun: true, requests: [] });
    await expect(own.requester.api.post("projects/1/issues", {})).rejects.toThrow(RefusedWriteError);
    await expect(own.requester.api.put("projects/1/issues/1", {})).rejects.toThrow(/only reads GitLab/);
    await expect(own.requester.api.delete("projects/1/labels/1", {})).rejects.toThrow(RefusedWriteError);
  });
});
