/**
 * rollout.yml's dates: the adoption moment (the start of `adopted_on` in the team's zone), which
 * issues are the backlog (created before it), and from when SLA clocks count.
 */
import { TZDate } from "@date-fns/tz";
import type { CompiledPolicy, RolloutPolicy } from "../../policy/model.js";

const computed = new WeakMap<RolloutPolicy, Date>();

/** The first moment of the adoption day in the team's zone (asked for every action of a sweep, so computed once per policy). */
export function adoptedAt(rollout: RolloutPolicy): Date {
  let at = computed.get(rollout);
  if (at === undefined) {
    const [y, m, d] = rollout.adoptedOn.split("-").map(Number) as [number, number, number];
    at = new Date(new TZDate(y, m - 1, d, 0, 0, 0, 0, rollout.timeZone).getTime());
    computed.set(rollout, at);
  }
  return at;
}

/** Whether the resource was created before the bot was adopted (false without rollout.yml). */
export function isBacklog(createdAt: Date, policy: CompiledPolicy): boolean {
  return policy.rollout !== undefined && createdAt < adoptedAt(policy.rollout);
}

/**
 * From when SLA clocks count: the adoption moment, unless rollout.yml says clocks count earlier
 * time too (`sla.count_before_adoption: true`) or there is no rollout.yml (null: from the start).
 */
export function slaCountsFrom(policy: CompiledPolicy): Date | null {
  const r = policy.rollout;
  if (r === undefined || r.sla.countBeforeAdoption) return null;
  return adoptedAt(r);
}
