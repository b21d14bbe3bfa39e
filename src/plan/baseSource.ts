/**
 * Where the "before" policies of a plan come from: a directory as it is, or the policies folder as
 * it was at a git commit, read with `git ls-tree`/`git cat-file` into a temporary folder so the
 * working tree is never checked out or touched.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const GIT_BUFFER = 64 * 1024 * 1024;

export interface BaseSource {
  /** The policies folder to load, or null when the base has no policies folder at all. */
  dir: string | null;
  /** How the report names the base: the directory, or the commit's short id and subject. */
  label: string;
  /** Removes the temporary folder, if one was made. */
  cleanup(): Promise<void>;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, maxBuffer: GIT_BUFFER, encoding: "utf8" });
  return stdout;
}

async function gitBuffer(cwd: string, args: string[]): Promise<Buffer> {
  const { stdout } = await run("git", args, { cwd, maxBuffer: GIT_BUFFER, encoding: "buffer" });
  return stdout;
}

/** The commit a ref names, or undefined when git does not know it here. */
async function commitOf(cwd: string, ref: string): Promise<string | undefined> {
  try {
    return (await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * `base` is a directory when one exists at that path; otherwise a git ref (branch, tag, commit) of
 * the repository holding `headDir`, whose copy of the same folder is extracted.
 */
export async function resolveBase(base: string, headDir: string): Promise<BaseSource> {
  if (await isDirectory(base)) return { dir: base, label: base, cleanup: async () => {} };

  const head = await realpath(headDir).catch(() => path.resolve(headDir));
  let top: string;
  try {
    top = (await git(head, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    throw new Error(`--base "${base}" is not a directory, and ${headDir} is not inside a git repository, so it cannot be read as a git commit either.`);
  }
  const commit = await commitOf(top, base);
  if (commit === undefined) {
    throw new Error(
      `--base "${base}" is neither a directory nor a commit this clone knows. Give a folder of policies, or a branch, tag or commit id; in GitLab CI set GIT_DEPTH: 0 (or fetch the base commit) so the merge request's base is in the clone.`,
    );
  }
  const rel = path.relative(await realpath(top), head).split(path.sep).join("/");
  const subject = (await git(top, ["log", "-1", "--format=%h %s", commit])).trim();
  const files = (await git(top, ["ls-tree", "-r", "-z", "--name-only", commit, "--", rel === "" ? "." : rel]))
    .split("\0")
    .filter((f) => f !== "");
  if (files.length === 0) return { dir: null, label: subject, cleanup: async () => {} };

  const tmp = await mkdtemp(path.join(tmpdir(), "mops-bot-plan-"));
  // Same folder name as the working tree's, so problems read `policies/labels.yml:3:1` on both sides.
  const dir = path.join(tmp, path.basename(head));
  try {
    for (const file of files) {
      const target = path.join(dir, path.relative(rel, file));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, await gitBuffer(top, ["cat-file", "blob", `${commit}:${file}`]));
    }
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  return { dir, label: subject, cleanup: () => rm(tmp, { recursive: true, force: true }) };
}
