import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveBase } from "../../../src/plan/baseSource.js";
import { changedFiles } from "../../../src/plan/plan.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let repo: string;
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });

beforeEach(async () => {
  repo = await mkdtemp(path.join(tmpdir(), "plan-base-"));
  git("init", "-q", "-b", "main");
  await mkdir(path.join(repo, "config"));
  await cp(TEST_POLICIES_DIR, path.join(repo, "config", "policies"), { recursive: true });
  await writeFile(path.join(repo, "README.md"), "outside the policies\n");
  git("add", ".");
  git("commit", "-q", "-m", "Policies as merged");
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe("resolveBase", () => {
  it("uses a directory as it is", async () => {
    const base = await resolveBase(TEST_POLICIES_DIR, TEST_POLICIES_DIR);
    expect(base).toMatchObject({ dir: TEST_POLICIES_DIR, label: TEST_POLICIES_DIR });
  });

  it("reads the policies folder at a commit without touching the working tree", async () => {
    const head = path.join(repo, "config", "policies");
    const hygiene = path.join(head, "hygiene.yml");
    const committed = await readFile(hygiene, "utf8");
    await writeFile(hygiene, `${committed}\n# edited in the working tree\n`);
    const base = await resolveBase("main", head);
    try {
      expect(base.label).toMatch(/^[0-9a-f]{7,} Policies as merged$/);
      expect(path.basename(base.dir!)).toBe("policies");
      expect(await readFile(path.join(base.dir!, "hygiene.yml"), "utf8")).toBe(committed);
      expect(existsSync(path.join(base.dir!, "workflows", "mktgops-stage.yml"))).toBe(true);
      expect(existsSync(path.join(base.dir!, "README.md"))).toBe(false);
      expect(await changedFiles(base.dir, head)).toEqual(["hygiene.yml"]);
      // The working tree keeps its edit and git sees no checkout.
      expect(await readFile(hygiene, "utf8")).toContain("edited in the working tree");
      expect(git("status", "--porcelain")).toBe(" M config/policies/hygiene.yml\n");
    } finally {
      await base.cleanup();
    }
    expect(existsSync(base.dir!)).toBe(false);
  });

  it("says the base had no policies when the folder did not exist at that commit", async () => {
    const first = git("rev-parse", "HEAD").trim();
    await cp(path.join(repo, "config", "policies"), path.join(repo, "new-policies"), { recursive: true });
    const base = await resolveBase(first, path.join(repo, "new-policies"));
    expect(base.dir).toBeNull();
  });

  it("explains a base that is neither a folder nor a known commit", async () => {
    await expect(resolveBase("no-such-branch", path.join(repo, "config", "policies"))).rejects.toThrow(
      /neither a directory nor a commit this clone knows.*GIT_DEPTH: 0/,
    );
  });
});
