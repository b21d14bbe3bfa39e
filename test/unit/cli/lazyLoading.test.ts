/**
 * `mops-bot --help` loads commander and the command table, nothing else: every module src/cli.ts
 * reaches through static imports (type-only imports are erased and do not count) must be one of a
 * few small ones. A command's work is imported by its action, when it runs. Adding a static
 * import of, say, the runtime to a feature's cli.ts brings back seconds of start-up; this fails then.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import { JOB_NAMES } from "../../../src/jobs/names.js";
import { jobs } from "../../../src/jobs/registry.js";

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "src");

/** Module specifiers a file loads when it is imported: `import x from`, `import { a, type B } from`, `export … from`, bare `import "x"`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)([^;]*?)\s+from\s+"([^"]+)";/gms)) found.push(m[2]!);
  for (const m of text.matchAll(/^import\s+"([^"]+)";/gm)) found.push(m[1]!);
  return found;
}

/** Every module reached from `entry` by static imports: files under src/ by path, packages by name. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    const rel = path.relative(srcDir, file);
    if (seen.has(rel)) return;
    seen.add(rel);
    for (const spec of staticImports(file)) {
      if (spec.startsWith(".")) {
        const ts = path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts");
        visit(existsSync(ts) ? ts : path.resolve(path.dirname(file), spec));
      } else seen.add(spec);
    }
  };
  visit(entry);
  return seen;
}

describe("the command line's start-up", () => {
  it("loads only commander, the command table and the job names for --help", () => {
    const loaded = [...reachable(path.join(srcDir, "cli.ts"))].sort();
    const allowed = /^(commander|cli\.ts|[a-z]+\/cli\.ts|jobs\/names\.ts|queue\/types\.ts)$/;
    expect(loaded.filter((m) => !allowed.test(m))).toEqual([]);
    expect(loaded).toContain("commander");
  });

  it("finds static imports and ignores type-only ones", () => {
    const program = path.join(srcDir, "jobs", "commands.ts");
    expect(staticImports(program)).toEqual(expect.arrayContaining(["node:fs/promises", "./jobRuntime.js", "./registry.js"]));
    expect(staticImports(program)).not.toContain("../cli.js");
  });

  it("names in --help exactly the jobs the registry runs", async () => {
    expect([...JOB_NAMES]).toEqual(jobs.map((j) => j.name));
    let out = "";
    await main(["node", "mops-bot", "run", "--help"], { out: (t) => void (out += t), err: () => {} });
    expect(out.replace(/\s+/g, " ")).toContain(`the job to run once: ${JOB_NAMES.join(", ")}`);
  });
});
