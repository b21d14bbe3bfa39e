/**
 * What the property tests draw random boards from: a seeded generator (the same seed gives the
 * same board on every run) and the labels of the test policy set, in the handbook's spellings.
 */
import { seededRandom } from "./fakeGitlab/seededRandom.js";

export function generator(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const some = <T>(xs: readonly T[], p: number): T[] => xs.filter(() => next() < p);
  return { next, int, pick, some };
}

export const STAGES = ["00: Triage", "01: Needs More Information", "02: Ready for Assignment", "03: Assigned", "04: In Progress", "05: Business Owner Review", "06: Ready to Deploy", "07: Blocked", "08: Completed"].map(
  (v) => `MktgOps::${v}`,
);
export const PRIORITIES = ["00-Urgent", "01-High", "02-Medium", "03-Low"].map((v) => `MktgOpsPriority:: ${v}`);
export const SALES_STEPS = ["00: Requested", "01: In Approved", "02: In Queue - Mops", "03: In Queue - Systems", "04: Actioned", "05: Business Owner UAT", "06: Pending Release", "07: Complete"].map(
  (v) => `MktgOpsPrio::${v}`,
);
export const PEOPLE = ["mops.member1", "mops.member2", "amy.owner", "dan.fieldmktg", "erin.sdr"];
