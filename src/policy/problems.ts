/** A problem found in a policy file, located precisely so a MOps editor can go straight to it. */
export interface PolicyProblem {
  /** Path of the file, relative to the policies directory's parent when possible. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  message: string;
}

export function formatProblem(p: PolicyProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/**
 * Something valid that will not do what a reader may expect (e.g. renewals that never fire):
 * located like a problem, printed as `warning: file:line:col: message`, and the policies still load.
 */
export type PolicyWarning = PolicyProblem;

export function formatWarning(w: PolicyWarning): string {
  return `warning: ${formatProblem(w)}`;
}

/** Thrown by loadPolicies when the policies cannot be used; carries every problem found. */
export class PolicyError extends Error {
  constructor(readonly problems: PolicyProblem[]) {
    super(`${problems.length} problem(s) in the policies:\n${problems.map(formatProblem).join("\n")}`);
    this.name = "PolicyError";
  }
}
