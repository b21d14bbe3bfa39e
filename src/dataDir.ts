/** Where `serve` keeps its state (the webhook inbox) and runs keep the history cache. */

/** `MOPS_DATA_DIR` (blank counts as unset), else `./data`. */
export function dataDirFrom(env: NodeJS.ProcessEnv): string {
  return env.MOPS_DATA_DIR?.trim() || "./data";
}
