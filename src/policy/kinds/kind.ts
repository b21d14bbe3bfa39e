/**
 * What a kind of policy file is: where it lives, the zod schema that validates it, how its files
 * are checked against the others and compiled, and where the result goes in the compiled policy.
 * Every kind is declared once, in its own file in this folder, and listed in ./index.ts; the
 * loader, `policies validate` and `policies schema` walk that list.
 */
import type { z } from "zod";
import type { CrossrefContext } from "../crossref.js";
import type { CompiledPolicy } from "../model.js";
import type { PolicySource, ProblemSink } from "../source.js";

/** A policy file that passed its schema: its positions (for messages) and its data. */
export interface PolicyFile<F> {
  source: PolicySource;
  data: F;
}

/** What a kind sees while it loads: where to report, the names other files define, the other kinds. */
export interface KindContext {
  sink: ProblemSink;
  /** Valid settings that will not do what a reader may expect; the policies still load. */
  warnings: ProblemSink;
  /** Labels, people groups, templates and project roles the other files define. */
  refs: CrossrefContext;
  /** Names of the scheduled jobs the bot has, when the caller knows them. */
  knownJobs?: readonly string[];
  /**
   * Another kind's compiled value, loading that kind first if it has not been: undefined when
   * its file is absent or has problems. A kind asks for what it depends on; the list's order
   * does not have to follow the dependencies.
   */
  compiled<C>(kind: PolicyKind<unknown, C>): C | undefined;
  /** Another kind's files that passed their schema. */
  files<F>(kind: PolicyKind<F, unknown>): PolicyFile<F>[];
  /** Whether a file of the kind exists, even one with problems. */
  present(kind: PolicyKind): boolean;
}

export interface PolicyKind<F = unknown, C = unknown> {
  /** Also the name of the JSON Schema file, `<name>.schema.json`. */
  name: string;
  /** The JSON Schema's title, and what a missing required file is called. */
  title: string;
  schema: z.ZodType<F>;
  /** `labels.yml` for a single file; `workflows/` for a folder of files of this kind. */
  location: string;
  /** A folder of zero or more files, or a single file. */
  multiple: boolean;
  /** A single file the bot can do without (the features it configures are then off). */
  optional?: boolean;
  /**
   * Checks the files' references and compiles them, reporting problems to `ctx.sink`. Called
   * once per load: for a single file only when it exists and passed its schema; for a folder
   * always, with every file of it. Undefined: nothing to use (absent, or it had problems).
   */
  load(files: PolicyFile<F>[], ctx: KindContext): C | undefined;
  /** The part of the compiled policy this kind gives, e.g. `{ sla }`. */
  toPolicy(compiled: C): Partial<CompiledPolicy>;
}

type SingleFileDef<F, C> = Omit<PolicyKind<F, C>, "location" | "multiple" | "load"> & {
  file: string;
  load(file: PolicyFile<F>, ctx: KindContext): C | undefined;
};

/** A kind held in one file of policies/, e.g. `sla.yml`; a second spelling (`sla.yaml`) is ignored. */
export function singleFileKind<F, C>({ file, load, ...def }: SingleFileDef<F, C>): PolicyKind<F, C> {
  return { ...def, location: file, multiple: false, load: (files, ctx) => (files[0] ? load(files[0], ctx) : undefined) };
}

type FolderDef<F, C> = Omit<PolicyKind<F, C>, "location" | "multiple" | "optional"> & { folder: string };

/** A kind held in a folder of policies/, e.g. `workflows/`, of zero or more files. */
export function folderKind<F, C>({ folder, ...def }: FolderDef<F, C>): PolicyKind<F, C> {
  return { ...def, location: folder, multiple: true };
}
