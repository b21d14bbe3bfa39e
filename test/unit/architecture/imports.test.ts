/**
 * The shape of src/, as docs/architecture.md ("Layers") describes it: no import cycles, a module
 * imports only its own layer and the layers below it, and one feature never imports another (what
 * two features share moves down to domain/ or gitlab/). Type-only imports count: they tie the
 * modules together for a reader as much as any other.
 */
import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const srcDir = path.join(repoRoot, "src");

interface Layer {
  name: string;
  /** What the layer is for, as docs/architecture.md says it. */
  holds: string;
  /** Folders end with "/"; "*\/cli.ts" matches that file name in any folder. The most specific entry wins. */
  paths: string[];
  /** Folders of a feature layer may not import one another. */
  features?: boolean;
}

/** Lowest first. A module may import its own layer and the layers above it in this table, never one below. */
const LAYERS: Layer[] = [
  { name: "foundation", holds: "pure types and helpers", paths: ["domain/", "redact.ts", "dataDir.ts", "gitlabUrl.ts"] },
  { name: "policy", holds: "the YAML's schemas, loading and compiled model", paths: ["policy/"] },
  { name: "slack", holds: "Slack messages and their sending", paths: ["notify/"] },
  { name: "rule helpers", holds: "parsing that rules use (slash commands, intake forms)", paths: ["intake/", "commands/"] },
  // rules/commands.ts is the rule for slash commands, not a command line: it stays with the rules.
  { name: "rules", holds: "pure rules and the pure decisions jobs share (rules/sla/, rules/triage/, rules/tools/, rules/milestones/, rules/rollout/)", paths: ["rules/", "rules/commands.ts"] },
  { name: "engine", holds: "reconcile, plan, report, the Platform interface, scope plans, the attention budget", paths: ["engine/"] },
  { name: "stores", holds: "the durable inbox and the history cache", paths: ["queue/", "cache/"] },
  { name: "gitlab", holds: "the only code that talks to GitLab", paths: ["gitlab/"] },
  { name: "webhook", holds: "the HTTP edge", paths: ["webhook/"] },
  // What a job is (jobs/types.ts) and which exist (jobs/names.ts) sit below the jobs themselves,
  // which live in their features; jobs/registry.ts, the list of them, is composition.
  { name: "runtime", holds: "the configuration read once; policies + calendar + platform for a command; the job contract", paths: ["config.ts", "cliIo.ts", "runtime.ts", "jobs/types.ts", "jobs/names.ts"] },
  {
    name: "features",
    holds: "one job or report each; never import one another",
    features: true,
    paths: ["sla/", "digest/", "tools/", "triage/", "milestones/", "labels/", "rollout/", "report/"],
  },
  // plan/ shows what every job and rule would do, read-only: like jobs/, it puts the features together.
  {
    name: "composition",
    holds: "entry points that put features together",
    paths: ["jobs/", "server/", "plan/", "demo/", "cli.ts", "logging.ts", "*/cli.ts", "*/commands.ts"],
  },
];

/**
 * Imports that break the rules today, each with why it is still here. The list only shrinks: an
 * entry that no longer occurs fails the test too, so it is removed when its import goes.
 */
const KNOWN: Record<string, string> = {
};

/** Cycles still present, as their sorted member lists joined by ", ". */
const KNOWN_CYCLES: Record<string, string> = {
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.m?ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The src-relative file a relative specifier names (`./x.js` is written for `./x.ts`). */
function resolve(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), base, `${base}.ts`, path.join(base, "index.ts")];
  const found = candidates.find((c) => existsSync(c) && !c.endsWith(path.sep)) ?? base;
  return path.relative(srcDir, found).split(path.sep).join("/");
}

/**
 * The specifiers of a file's `import … from` and `export … from` statements. An `await import()`
 * inside a command's action is left out: it loads on demand, after every module is initialised,
 * which is how each area's cli.ts stays cheap to register.
 */
function staticSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  return source.statements.flatMap((statement) =>
    (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
    statement.moduleSpecifier !== undefined &&
    ts.isStringLiteral(statement.moduleSpecifier)
      ? [statement.moduleSpecifier.text]
      : [],
  );
}

/** src-relative file -> the src files it imports (static, type-only and `export … from` alike). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(srcDir)) {
    const targets = staticSpecifiers(file)
      .filter((s) => s.startsWith("."))
      .map((s) => resolve(file, s))
      .filter((t) => !t.startsWith("../"));
    graph.set(path.relative(srcDir, file).split(path.sep).join("/"), [...new Set(targets)]);
  }
  return graph;
}

/** The layer index of a file and, for a feature, its folder. */
function placeOf(file: string): { layer: number; feature?: string } {
  let best: { layer: number; score: number } | undefined;
  LAYERS.forEach((layer, index) => {
    for (const p of layer.paths) {
      let score = -1;
      if (p === file) score = 1000;
      else if (p.startsWith("*/") && file.includes("/") && file.endsWith(p.slice(1))) score = 500;
      else if (p.endsWith("/") && file.startsWith(p)) score = p.length;
      if (score >= 0 && (!best || score > best.score)) best = { layer: index, score };
    }
  });
  if (!best) throw new Error(`src/${file} is in no layer: add it to LAYERS in this test`);
  const layer = LAYERS[best.layer]!;
  return { layer: best.layer, feature: layer.features ? file.split("/")[0] : undefined };
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** "from -> to" for every import that goes up a layer or from one feature into another. */
function layerViolations(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    const a = placeOf(from);
    for (const to of targets) {
      if (!graph.has(to)) continue;
      const b = placeOf(to);
      const upward = b.layer > a.layer;
      const sideways = a.feature !== undefined && b.feature !== undefined && a.feature !== b.feature;
      if (upward || sideways) found.push(`${from} -> ${to}`);
    }
  }
  return found.sort();
}

describe("the import graph of src/", () => {
  const graph = importGraph();

  it("reads the imports it checks", () => {
    expect(graph.get("cli.ts")).toContain("jobs/cli.ts");
    expect(graph.size).toBeGreaterThan(200);
  });

  it("has no import cycles", () => {
    const found = cycles(graph).map((c) => c.join(", "));
    const fresh = found.filter((c) => !(c in KNOWN_CYCLES));
    expect(fresh, "these files import each other in a circle").toEqual([]);
    const gone = Object.keys(KNOWN_CYCLES).filter((c) => !found.includes(c));
    expect(gone, "these cycles are gone: remove them from KNOWN_CYCLES").toEqual([]);
  });

  it("places every file in a layer", () => {
    for (const file of graph.keys()) expect(() => placeOf(file)).not.toThrow();
  });

  it("docs/architecture.md shows the same layers, in the same order, as this test enforces", () => {
    const doc = readFileSync(path.join(repoRoot, "docs", "architecture.md"), "utf8");
    const rows = doc
      .split("\n")
      .filter((line) => /^\| [a-z]/.test(line) && !line.startsWith("| Layer"))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    expect(rows.map((r) => [r[1], r[2]])).toEqual(LAYERS.map((l) => [l.name, l.holds]));
    rows.forEach((row, i) => {
      const named = [...row[3]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      for (const p of LAYERS[i]!.paths.filter((p) => !p.startsWith("*/") && p !== "rules/commands.ts")) expect(named, `the ${row[1]} row`).toContain(p);
    });
  });

  it("imports only its own layer and lower ones, and no feature imports another", () => {
    const found = layerViolations(graph);
    const fresh = found.filter((v) => !(v in KNOWN));
    expect(fresh, `these imports go up a layer or across features (layers, lowest first: ${LAYERS.map((l) => l.name).join(" < ")})`).toEqual([]);
    const gone = Object.keys(KNOWN).filter((v) => !found.includes(v));
    expect(gone, "these imports are gone: remove them from KNOWN").toEqual([]);
  });
});
