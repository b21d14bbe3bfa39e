/**
 * The names of the jobs `mops-bot run <job>` accepts, without loading the jobs themselves: the
 * command line lists them in its help, which must not pay for importing every job's code. The
 * registry (./registry.ts) holds the jobs; a test keeps the two lists equal.
 */
export const JOB_NAMES = ["sweep", "nightly", "sla", "tool-audits", "digest", "milestones", "handbook-updates"] as const;
