/** A copy of the test policy set with rollout.yml changed, for tests of adoption and the attention budget. */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { TEST_POLICIES_DIR } from "./policies.js";

export interface PolicyCopy {
  dir: string;
  remove(): Promise<void>;
}

/** The test policies with `edit` applied to rollout.yml's text (e.g. another adopted_on). */
export async function policiesWithRollout(edit: (yaml: string) => string): Promise<PolicyCopy> {
  const root = await mkdtemp(path.join(tmpdir(), "mops-rollout-"));
  const dir = path.join(root, "policies");
  await cp(TEST_POLICIES_DIR, dir, { recursive: true });
  const file = path.join(dir, "rollout.yml");
  await writeFile(file, edit(await readFile(file, "utf8")));
  return { dir, remove: () => rm(root, { recursive: true, force: true }) };
}

/** `yaml` with the line `pattern` matches replaced; a rollout.yml without that line fails the test instead of leaving it unchanged. */
function setLine(yaml: string, pattern: RegExp, line: string): string {
  if (!pattern.test(yaml)) throw new Error(`rollout.yml has no line matching ${pattern}: the test would run on the unchanged file`);
  return yaml.replace(pattern, line);
}

export const adoptedOn = (date: string) => (yaml: string) => setLine(yaml, /^adopted_on: .*$/m, `adopted_on: "${date}"`);

/** The attention budget (the fixture set's is unlimited, so that each rule's notes can be tested alone). */
export const mentionsPerDay = (n: number | "unlimited") => (yaml: string) => setLine(yaml, /mentions_per_person_per_day: .*$/m, `mentions_per_person_per_day: ${n}`);

export const both = (...edits: ((yaml: string) => string)[]) => (yaml: string) => edits.reduce((y, e) => e(y), yaml);
