/** What `mops-bot sla explain <ref>` does, loaded only when it runs. */
import type { CommandIo } from "../cliIo.js";
import { policiesDirOf, requireGitLab } from "../config.js";
import { createLogger } from "../logging.js";
import { PolicyError, formatProblem } from "../policy/problems.js";
import { parseRef } from "../domain/snapshot.js";
import { openRuntime, type Runtime } from "../runtime.js";
import { explainSla } from "./explain.js";

/** Reads the issue and its label history, and returns the explanation (or a message saying what is wrong). */
export async function explainRef(runtime: Pick<Runtime, "policy" | "calendar" | "platform" | "clock">, text: string): Promise<{ ok: boolean; text: string }> {
  const ref = parseRef(text);
  if (ref === undefined || ref.kind === "milestone") {
    return { ok: false, text: `"${text}" is not an issue or merge request reference: write it as group/project#123 (or group/project!45).` };
  }
  const snapshot = await runtime.platform.get(ref);
  if (snapshot === null) return { ok: false, text: `${text} was not found, or its project is not in policies/scope.yml.` };
  const [labelEvents, stateEvents] = await Promise.all([runtime.platform.labelEvents(snapshot), runtime.platform.stateEvents?.(snapshot)]);
  const withHistory = { ...snapshot, labelEvents, ...(stateEvents ? { stateEvents } : {}) };
  return { ok: true, text: explainSla(withHistory, runtime.policy, runtime.calendar, runtime.clock()) };
}

export async function explainSlaCommand(ref: string, opts: { dir?: string }, io: CommandIo): Promise<number> {
  try {
    const config = await io.config();
    const runtime = await openRuntime({ policiesDir: policiesDirOf(config, opts.dir), connection: requireGitLab(config), dryRun: true, logger: createLogger(config), config });
    const result = await explainRef(runtime, ref);
    if (result.ok) io.out(result.text);
    else io.err(result.text);
    return result.ok ? 0 : 1;
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    io.err(`The policies have problems, so nothing was done:\n${e.problems.map(formatProblem).join("\n")}`);
    return 1;
  }
}
