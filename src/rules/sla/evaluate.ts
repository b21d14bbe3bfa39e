/**
 * Which SLAs cover a resource and where their clocks stand: the bridge between a snapshot and the
 * pure clock. Used by the SLA rules (labels, notes, due dates), the `sla` job's report and
 * `sla explain`, so all three always agree.
 */
import type { BusinessCalendar } from "../../domain/calendar.js";
import type { ResourceSnapshot } from "../../domain/snapshot.js";
import type { CompiledPolicy, SlaDef } from "../../policy/model.js";
import { slaCountsFrom } from "../rollout/adoption.js";
import { computeClock, type ClockHistory, type ClockResult, type LabelSpelling } from "./clock.js";

export interface SlaOutcome {
  def: SlaDef;
  clock: ClockResult;
}

export function slaDefinitions(policy: CompiledPolicy): SlaDef[] {
  return (policy.sla?.definitions ?? []).filter((d) => d.enabled);
}

/** The resource carries the policy's label (a canonical label also by its aliases). */
export function has(spelling: LabelSpelling, s: ResourceSnapshot, policyLabel: string): boolean {
  const isAlias = spelling.aliasTarget(policyLabel) !== undefined;
  return s.labels.some((l) => l === policyLabel || (!isAlias && spelling.canonical(l) === policyLabel));
}

/** The SLA's `applies_to` and `where` hold for the resource as it is now. */
export function slaCovers(def: SlaDef, s: ResourceSnapshot, spelling: LabelSpelling): boolean {
  if (!def.appliesTo.includes(s.kind)) return false;
  if (def.where.projectRoles.length > 0 && !def.where.projectRoles.some((r) => s.projectRoles.includes(r))) return false;
  if (!def.where.labels.every((l) => has(spelling, s, l))) return false;
  if (def.where.noLabel.some((l) => has(spelling, s, l))) return false;
  return def.where.anyLabel.length === 0 || def.where.anyLabel.some((l) => has(spelling, s, l));
}

/**
 * Whether the SLA's clock can be running: covered, not stopped by closing, and carrying a priority
 * with a goal (or, for an SLA with one goal, its start label). Only such resources have their label
 * history fetched, so a sweep does not read the history of every issue.
 */
export function clockMayRun(def: SlaDef, s: ResourceSnapshot, spelling: LabelSpelling): boolean {
  if (!slaCovers(def, s, spelling)) return false;
  if (s.state !== "opened" && def.stop.closed) return false;
  const single = def.goals.length === 1 && def.goals[0]!.label === null;
  if (!single) return def.goals.some((g) => g.label !== null && has(spelling, s, g.label));
  return def.start.on === "created" || has(spelling, s, def.start.label);
}

/**
 * The clock's input from a snapshot; null when its label events were not fetched. When the state
 * events were fetched too (another rule asked for them), closing and reopening are replayed
 * exactly; otherwise only the current close (`closedAt`) is known.
 */
export function clockHistory(s: ResourceSnapshot, countsFrom: Date | null = null): ClockHistory | null {
  if (s.labelEvents === undefined) return null;
  const history: ClockHistory = {
    ...(countsFrom !== null ? { countsFrom } : {}),
    createdAt: s.createdAt,
    labelEvents: s.labelEvents,
    closedAt: s.state === "opened" ? null : (s.closedAt ?? s.mergedAt ?? null),
    milestoneDue: s.milestone?.dueDate ?? null,
  };
  if (s.stateEvents !== undefined && s.stateEvents.length > 0) {
    history.stateChanges = s.stateEvents.map((e) => ({ at: e.createdAt, state: e.state === "closed" || e.state === "merged" ? ("closed" as const) : ("opened" as const) }));
  }
  return history;
}

/** The clocks of every SLA that may run on the resource (those whose history is at hand). */
export function evaluateSlas(s: ResourceSnapshot, policy: CompiledPolicy, calendar: BusinessCalendar, now: Date): SlaOutcome[] {
  const history = clockHistory(s, slaCountsFrom(policy));
  if (history === null) return [];
  return slaDefinitions(policy)
    .filter((def) => clockMayRun(def, s, policy.taxonomy))
    .map((def) => ({ def, clock: computeClock(def, history, calendar, now, policy.taxonomy) }));
}
