/**
 * The note pace is a setting: MOPS_NOTES_PER_MINUTE, else `notes_per_minute` in scope.yml, else
 * GitLab.com's 60. It reaches the GitLab client the runtime opens.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { openRuntime } from "../../../src/runtime.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A copy of the test policies whose scope.yml has `extra` appended. */
async function policiesWithScope(extra: string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "mops-notepace-"));
  made.push(root);
  const dir = path.join(root, "policies");
  await cp(TEST_POLICIES_DIR, dir, { recursive: true });
  const scope = path.join(dir, "scope.yml");
  await writeFile(scope, `${await readFile(scope, "utf8")}\n${extra}\n`);
  return dir;
}

async function notePace(policiesDir: string, env: NodeJS.ProcessEnv): Promise<number> {
  const runtime = await openRuntime({
    policiesDir,
    // Nothing is requested: opening the runtime only builds the client.
    connection: { url: "http://127.0.0.1:9", token: "glpat-notepace-0123456789" },
    dryRun: true,
    logger: pino({ level: "silent" }),
    config: loadConfig(env),
  });
  return runtime.platform.requester.notePace();
}

describe("the note pace", () => {
  it("is GitLab.com's 60 a minute when nothing sets it", async () => {
    expect(await notePace(TEST_POLICIES_DIR, {})).toBe(60);
  });

  it("follows notes_per_minute in scope.yml, for a self-managed instance's limit", async () => {
    expect(await notePace(await policiesWithScope("notes_per_minute: 300"), {})).toBe(300);
  });

  it("MOPS_NOTES_PER_MINUTE overrides the policy", async () => {
    expect(await notePace(await policiesWithScope("notes_per_minute: 300"), { MOPS_NOTES_PER_MINUTE: "120" })).toBe(120);
  });

  it("says what to fix when MOPS_NOTES_PER_MINUTE is not a whole number of at least 1", async () => {
    await expect(notePace(TEST_POLICIES_DIR, { MOPS_NOTES_PER_MINUTE: "lots" })).rejects.toThrow(
      'MOPS_NOTES_PER_MINUTE must be a whole number of notes a minute, at least 1 (got "lots"): use your GitLab\'s note creation limit, 60 on GitLab.com.',
    );
    await expect(notePace(TEST_POLICIES_DIR, { MOPS_NOTES_PER_MINUTE: "0" })).rejects.toThrow("at least 1");
  });

  it("a notes_per_minute below 1 is a policy problem", async () => {
    await expect(notePace(await policiesWithScope("notes_per_minute: 0"), {})).rejects.toThrow(
      // The line and column of the value in scope.yml, like every policy problem.
      "policies/scope.yml:24:19: expected at least 1",
    );
  });
});
