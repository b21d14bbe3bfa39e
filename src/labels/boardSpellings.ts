/**
 * Which label spellings the team's board already uses instead of labels.yml's, read once per run
 * (or per hour on the webhook path) from GitLab's label counts. The sweeps and webhooks give the
 * set to the rules (RuleContext.boardSpellings) so alias repair leaves the board's spelling alone
 * until the team decides in labels.yml, as `labels sync` proposes.
 */
import type { Logger } from "pino";
import type { Platform } from "../engine/platform.js";
import type { CompiledPolicy } from "../policy/model.js";
import { spellingsInUse } from "./spelling.js";

/** The spellings to leave alone; empty when the platform cannot list labels or the listing fails. */
export async function boardSpellings(platform: Platform, policy: CompiledPolicy, logger?: Logger): Promise<ReadonlySet<string>> {
  if (!platform.labelsInUse) return new Set();
  try {
    return new Set(spellingsInUse(policy.taxonomy, await platform.labelsInUse()).map((s) => s.gitlab));
  } catch (error) {
    logger?.warn({ err: error }, "could not list the labels in use; alias repairs follow labels.yml this run");
    return new Set();
  }
}
