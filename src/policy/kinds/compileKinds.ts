/**
 * Step 2 of loading: every kind checks its references and compiles, once, in the order of
 * POLICY_KINDS. A kind that needs another's result asks for it (`ctx.compiled(labelsKind)`), which
 * compiles that kind first, so the list's order is the order files are named in, not a
 * dependency order. Problems are sorted by position afterwards, so the order kinds run in does not
 * show in what `policies validate` prints.
 */
import type { CrossrefContext } from "../crossref.js";
import type { CompiledPolicy } from "../model.js";
import type { ProblemSink } from "../source.js";
import { POLICY_KINDS } from "./index.js";
import type { KindContext, PolicyFile, PolicyKind } from "./kind.js";
import { labelsKind } from "./labels.js";
import { peopleKind } from "./people.js";
import { scopeKind } from "./scope.js";

export interface KindInput {
  /** The files of each kind that passed their schema. */
  parsed: ReadonlyMap<PolicyKind, PolicyFile<unknown>[]>;
  /** The kind of every policy file found, valid or not. */
  found: readonly PolicyKind[];
  templates: Record<string, string>;
  sink: ProblemSink;
  warnings: ProblemSink;
  knownJobs?: readonly string[];
}

/** Each kind's compiled value: undefined when its file is absent or has problems. */
export interface CompiledKinds {
  get<C>(kind: PolicyKind<unknown, C>): C | undefined;
}

export function compileKinds(input: KindInput, kinds: readonly PolicyKind[] = POLICY_KINDS): CompiledKinds {
  const compiled = new Map<PolicyKind, unknown>();
  const compiling = new Set<PolicyKind>();
  let refs: CrossrefContext | undefined;
  const ctx: KindContext = {
    sink: input.sink,
    warnings: input.warnings,
    get refs() {
      refs ??= crossrefContext(ctx, input.templates, input.sink);
      return refs;
    },
    ...(input.knownJobs ? { knownJobs: input.knownJobs } : {}),
    compiled: <C>(kind: PolicyKind<unknown, C>) => compile(kind) as C | undefined,
    files: <F>(kind: PolicyKind<F, unknown>) => (input.parsed.get(kind as PolicyKind) ?? []) as PolicyFile<F>[],
    present: (kind) => input.found.includes(kind),
  };
  function compile(kind: PolicyKind): unknown {
    if (compiled.has(kind)) return compiled.get(kind);
    if (compiling.has(kind)) throw new Error(`policy kind '${kind.name}' depends on itself`);
    compiling.add(kind);
    const files = input.parsed.get(kind) ?? [];
    const value = kind.multiple || files.length > 0 ? kind.load(files, ctx) : undefined;
    compiled.set(kind, value);
    return value;
  }
  for (const kind of kinds) compile(kind);
  return { get: <C>(kind: PolicyKind<unknown, C>) => compiled.get(kind) as C | undefined };
}

/** The compiled policy, or undefined when a required file is missing or has problems. */
export function compiledPolicy(dir: string, templates: Record<string, string>, kinds: CompiledKinds): CompiledPolicy | undefined {
  if (POLICY_KINDS.some((k) => !k.optional && kinds.get(k) === undefined)) return undefined;
  const policy = { dir, templates } as CompiledPolicy;
  for (const kind of POLICY_KINDS) {
    const value = kinds.get(kind);
    if (value !== undefined) Object.assign(policy, kind.toPolicy(value));
  }
  return policy;
}

/** The names the files define, for the checks of references between files. */
function crossrefContext(ctx: KindContext, templates: Record<string, string>, sink: ProblemSink): CrossrefContext {
  const labels = ctx.compiled(labelsKind);
  const people = ctx.compiled(peopleKind);
  const scope = ctx.compiled(scopeKind);
  return {
    ...(labels ? { taxonomy: labels.taxonomy } : {}),
    ...(people ? { people } : {}),
    templates: new Set(Object.keys(templates)),
    ...(scope ? { roles: new Set(scope.projects.flatMap((p) => p.roles)) } : {}),
    sink,
  };
}
