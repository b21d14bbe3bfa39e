import type { BusinessCalendar } from "../domain/calendar.js";
import type { MilestoneInfo } from "../domain/snapshot.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { RuleContext } from "../rules/types.js";
import type { Platform } from "./platform.js";

export function createRuleContext(policy: CompiledPolicy, calendar: BusinessCalendar, now: Date, milestones: MilestoneInfo[]): RuleContext {
  return { policy, calendar, now, milestones };
}

/**
 * The bot's username as GitLab knows it (the token's user), which is what commands address and
 * what its own label events carry; scope.yml's bot_username when GitLab cannot say.
 */
export async function botUsernameFrom(platform: Platform, policy: CompiledPolicy): Promise<string> {
  if (!platform.currentUser) return policy.scope.botUsername;
  try {
    return (await platform.currentUser()).username;
  } catch {
    return policy.scope.botUsername;
  }
}
