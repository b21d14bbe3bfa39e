import type { BusinessCalendar } from "../domain/calendar.js";
import type { MilestoneInfo } from "../domain/snapshot.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { RuleContext } from "../rules/types.js";

export function createRuleContext(policy: CompiledPolicy, calendar: BusinessCalendar, now: Date, milestones: MilestoneInfo[]): RuleContext {
  return { policy, calendar, now, milestones };
}
