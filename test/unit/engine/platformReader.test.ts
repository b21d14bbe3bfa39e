import { describe, expect, it } from "vitest";
import { readerOf, type Platform } from "../../../src/engine/platform.js";
import { issue } from "../../support/builders.js";

describe("readerOf", () => {
  it("keeps only the reads a platform has, still answering as the platform does, and no write", async () => {
    const listed = issue({ iid: 3 });
    const platform = {
      prefix: "from the platform",
      async *list() {
        yield listed;
      },
      get: async () => listed,
      labelEvents: async () => [],
      notes: async () => [],
      milestones: async () => [],
      requestStats: () => ({ total: 2, byRoute: {}, retries: 0 }),
      apply: async () => ({ writes: 1 }),
      createIssue: async () => "written",
      userIdsByUsername(this: { prefix: string }, names: readonly string[]) {
        return Promise.resolve(new Map(names.map((n, i) => [`${this.prefix}: ${n}`, i])));
      },
    } satisfies Platform & Record<string, unknown>;
    const reader = readerOf(platform);
    expect(Object.keys(reader).sort()).toEqual(["get", "labelEvents", "list", "milestones", "notes", "requestStats", "userIdsByUsername"]);
    expect(reader.requestStats().total).toBe(2);
    expect(await reader.userIdsByUsername?.(["amy"])).toEqual(new Map([["from the platform: amy", 0]]));
    const seen = [];
    for await (const s of reader.list({ kind: "issue", state: "opened" })) seen.push(s.iid);
    expect(seen).toEqual([3]);
  });
});
