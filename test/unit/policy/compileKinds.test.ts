/**
 * The kinds compile once each, in list order, except that a kind asking for another's result
 * (ctx.compiled) gets it compiled first; a kind that ends up asking for itself is a programming
 * error, said with its name.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileKinds } from "../../../src/policy/kinds/compileKinds.js";
import { folderKind, type PolicyKind } from "../../../src/policy/kinds/kind.js";
import { ProblemSink } from "../../../src/policy/source.js";

const input = () => ({ parsed: new Map(), found: [], templates: {}, sink: new ProblemSink(), warnings: new ProblemSink() });

function kind(name: string, load: PolicyKind<unknown, string[]>["load"]): PolicyKind<unknown, string[]> {
  return folderKind({ name, title: name, folder: `${name}/`, schema: z.unknown(), load, toPolicy: () => ({}) });
}

describe("compileKinds", () => {
  it("compiles a kind another asks for first, and each kind once", () => {
    const order: string[] = [];
    const base = kind("base", () => (order.push("base"), ["base"]));
    const user = kind("user", (_files, ctx) => {
      const fromBase = ctx.compiled(base) ?? [];
      order.push("user");
      return [...fromBase, "user"];
    });
    const compiled = compileKinds(input(), [user, base]);
    expect(order).toEqual(["base", "user"]);
    expect(compiled.get(user)).toEqual(["base", "user"]);
  });

  it("names a kind that depends on itself", () => {
    const loop: PolicyKind<unknown, string[]> = kind("loop", (_files, ctx) => ctx.compiled(loop) ?? []);
    expect(() => compileKinds(input(), [loop])).toThrow("policy kind 'loop' depends on itself");
  });
});
