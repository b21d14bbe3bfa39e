/**
 * Loading `policies/`: read every file with positions, validate each against its zod schema,
 * compile, then check references between files — collecting every problem in one pass so a MOps
 * editor sees the whole list at once. `loadPolicies` is what the bot calls before it acts;
 * `validatePolicies` is what `mops-bot policies validate` prints.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { checkHandbookQuotes } from "./handbookQuotes.js";
import { reportIssues } from "./issues.js";
import { POLICY_KINDS } from "./kinds/index.js";
import { compileKinds, compiledPolicy } from "./kinds/compileKinds.js";
import type { PolicyFile, PolicyKind } from "./kinds/kind.js";
import { labelsKind } from "./kinds/labels.js";
import { peopleKind } from "./kinds/people.js";
import { schedulesKind } from "./kinds/schedules.js";
import { workflowKind } from "./kinds/workflow.js";
import type { CompiledPolicy } from "./model.js";
import { PolicyError } from "./problems.js";
import type { PolicyProblem, PolicyWarning } from "./problems.js";
import { ProblemSink, readPolicySource, readPolicyText } from "./source.js";
import { didYouMean } from "./suggest.js";
import { loadTemplates } from "./templates.js";

export interface ValidateOptions {
  /** Names of the scheduled jobs the bot has; when given, schedules.yml may name only these. */
  knownJobs?: readonly string[];
}

export interface PolicySummary {
  files: number;
  labels: number;
  scopedSets: number;
  aliases: number;
  workflows: number;
  peopleGroups: number;
  schedules: number;
  templates: number;
}

export interface ValidationResult {
  /** Present only when there are no problems. */
  policy?: CompiledPolicy;
  problems: PolicyProblem[];
  /** Valid settings that will not do what a reader may expect; the policies still load. */
  warnings: PolicyWarning[];
  summary: PolicySummary;
}

/** Load, validate and compile `dir`; throws PolicyError listing every problem. */
export async function loadPolicies(dir: string, options: ValidateOptions = {}): Promise<CompiledPolicy> {
  const result = await validatePolicies(dir, options);
  if (!result.policy) throw new PolicyError(result.problems);
  return result.policy;
}

const SKIPPED_FOLDERS = new Set(["schema", "templates"]);

export async function validatePolicies(dir: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  const sink = new ProblemSink();
  const root = path.resolve(dir);
  const display = path.basename(root);
  const files = await listYamlFiles(root, display, sink);

  // 1. Read and validate every file against its kind's schema.
  const parsed = new Map<PolicyKind, PolicyFile<unknown>[]>();
  const texts: { file: string; text: string }[] = [];
  for (const { rel, kind } of files) {
    const file = path.join(display, rel);
    const text = await readPolicyText(path.join(root, rel), file, sink);
    if (text === undefined) continue;
    texts.push({ file, text });
    const source = readPolicySource(file, text, sink);
    if (!source.usable) continue;
    const result = kind.schema.safeParse(source.data);
    if (!result.success) {
      reportIssues(result.error.issues, kind.schema, source, sink);
      continue;
    }
    parsed.set(kind, [...(parsed.get(kind) ?? []), { source, data: result.data }]);
  }
  const templates = await loadTemplates(root, display, sink);

  // 2. Check references and compile, kind by kind (kinds/compileKinds.ts).
  const warningSink = new ProblemSink();
  const kinds = compileKinds({ parsed, found: files.map((f) => f.kind), templates, sink, warnings: warningSink, ...(options.knownJobs ? { knownJobs: options.knownJobs } : {}) });
  await checkHandbookQuotes(root, texts, warningSink);
  const warnings = [...warningSink.problems].sort(byPosition);

  const problems = [...sink.problems].sort(byPosition);
  const labels = kinds.get(labelsKind);
  const people = kinds.get(peopleKind);
  const summary: PolicySummary = {
    files: files.length + Object.keys(templates).length,
    labels: labels?.taxonomy.definitions.length ?? 0,
    scopedSets: labels?.taxonomy.scopedSets.length ?? 0,
    aliases: labels?.taxonomy.aliases.size ?? 0,
    workflows: kinds.get(workflowKind)?.length ?? 0,
    peopleGroups: people ? Object.keys(people).length : 0,
    schedules: kinds.get(schedulesKind)?.length ?? 0,
    templates: Object.keys(templates).length,
  };
  const policy = problems.length > 0 ? undefined : compiledPolicy(root, templates, kinds);
  return policy ? { policy, problems, warnings, summary } : { problems, warnings, summary };
}

function byPosition(a: PolicyProblem, b: PolicyProblem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col;
}

const isYaml = (name: string): boolean => name.endsWith(".yml") || name.endsWith(".yaml");

/** The YAML files of `root` with their kind; missing required files and unknown files are problems. */
async function listYamlFiles(root: string, display: string, sink: ProblemSink): Promise<{ rel: string; kind: PolicyKind }[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    sink.add(display, { line: 1, col: 1 }, `policies directory not found: ${root}`);
    return [];
  }
  const out: { rel: string; kind: PolicyKind }[] = [];
  const singles = POLICY_KINDS.filter((k) => !k.multiple);
  const known = singles.map((k) => k.location);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && isYaml(entry.name)) {
      const base = entry.name.replace(/\.yaml$/, ".yml");
      const kind = singles.find((k) => k.location === base);
      if (kind) out.push({ rel: entry.name, kind });
      else sink.add(path.join(display, entry.name), { line: 1, col: 1 }, `'${entry.name}' is not a known policy file${didYouMean(base, known) || ` — known files: ${known.join(", ")}, workflows/*.yml`}`);
    } else if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) {
      const folderKind = POLICY_KINDS.find((k) => k.multiple && k.location === `${entry.name}/`);
      const inner = (await readdir(path.join(root, entry.name))).filter(isYaml).sort();
      for (const name of inner) {
        const rel = path.join(entry.name, name);
        if (folderKind) out.push({ rel, kind: folderKind });
        else sink.add(path.join(display, rel), { line: 1, col: 1 }, `'${rel}' is not in a known policy folder (known: ${POLICY_KINDS.filter((k) => k.multiple).map((k) => k.location).join(", ")})`);
      }
    }
  }
  for (const kind of singles) {
    if (!kind.optional && !out.some((f) => f.kind === kind)) {
      sink.add(path.join(display, kind.location), { line: 1, col: 1 }, `${kind.location} is missing: the bot needs it (${kind.title})`);
    }
  }
  return out;
}
