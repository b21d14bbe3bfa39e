/**
 * `mops-bot sla explain <ref>`: how each SLA clock on one issue ran, in the team's time zone —
 * started, paused (and by which label), resumed, restarted, met, at risk, due. This is what a MOps
 * person asks for when they dispute a breach. Pure: the CLI reads GitLab and prints this text.
 */
import { slaCountsFrom } from "../rules/rollout/adoption.js";
import type { BusinessCalendar } from "../domain/calendar.js";
import { formatRef, type ResourceSnapshot } from "../domain/snapshot.js";
import type { CompiledPolicy, SlaDef } from "../policy/model.js";
import { computeClock, type ClockEpisode, type ClockResult, type EpisodeEnd } from "../rules/sla/clock.js";
import { clockHistory, slaCovers, slaDefinitions } from "../rules/sla/evaluate.js";
import { describeGoal, formatBusinessDuration, formatCalendarDuration, formatMoment } from "../rules/sla/time.js";

const END_TEXT: Record<EpisodeEnd, string> = {
  met: "met (a stop condition: closed, or a completing label)",
  "priority-changed": "restarted: the priority changed",
  "priority-removed": "stopped: the priority label was removed",
  "start-ended": "stopped: the start condition no longer holds",
};

function duration(ms: number, e: ClockEpisode, calendar: BusinessCalendar): string {
  return e.goal.kind === "calendar_days" ? formatCalendarDuration(ms) : formatBusinessDuration(ms, calendar.businessDayMillis);
}

function episodeLines(e: ClockEpisode, n: number, calendar: BusinessCalendar): string[] {
  const at = (d: Date) => formatMoment(d, calendar.timeZone);
  const lines = [`  Clock ${n}: ${e.priority ?? "one goal for every issue"} — goal ${describeGoal(e.goal)}`];
  lines.push(`    ${at(e.startedAt)}  started`);
  for (const p of e.pauses) {
    lines.push(`    ${at(p.start)}  paused (${p.label})`);
    if (p.end !== null && (e.endedAt === null || p.end < e.endedAt)) lines.push(`    ${at(p.end)}  resumed`);
  }
  if (e.endedAt !== null && e.endReason !== null) lines.push(`    ${at(e.endedAt)}  ${END_TEXT[e.endReason]}`);
  return lines;
}

function stateLines(clock: ClockResult, calendar: BusinessCalendar, now: Date): string[] {
  const e = clock.episode;
  if (clock.state === "waiting") return ["  State: waiting — the clock has not started (a label it waits on is present)."];
  if (e === null) return [`  State: no clock running${clock.episodes.length > 0 ? " (the last one ended without being met)" : ""}.`];
  const at = (d: Date) => formatMoment(d, calendar.timeZone);
  const elapsed = duration(clock.elapsedMs, e, calendar);
  const lines: string[] = [];
  const goal = describeGoal(e.goal);
  switch (clock.state) {
    case "met": {
      const late = clock.due !== null && e.endedAt !== null && e.endedAt > clock.due;
      lines.push(`  State: met ${late ? "LATE" : "in time"} — ${elapsed} counted of ${goal}.`);
      break;
    }
    case "breached":
      lines.push(`  State: BREACHED — ${elapsed} counted of ${goal}.`);
      break;
    case "paused":
      lines.push(`  State: paused — ${elapsed} counted of ${goal}.`);
      break;
    default:
      lines.push(`  State: running${clock.atRisk ? ", AT RISK" : ""} — ${elapsed} counted of ${goal}.`);
  }
  if (clock.warnAt !== null && clock.state !== "met") lines.push(`    at risk from ${at(clock.warnAt)}`);
  if (clock.due === null) lines.push("    due: no due moment (the issue's milestone has no due date)");
  else if (clock.state === "paused") lines.push(`    due ${at(clock.due)} if the clock resumed now`);
  else lines.push(`    ${clock.due <= now ? "was due" : "due"} ${at(clock.due)}`);
  return lines;
}

function definitionLines(def: SlaDef, s: ResourceSnapshot, policy: CompiledPolicy, calendar: BusinessCalendar, now: Date): string[] {
  const lines = [`SLA ${def.id}: ${def.description}`];
  const history = clockHistory(s, slaCountsFrom(policy));
  if (history === null) return [...lines, "  (label history not available)"];
  const clock = computeClock(def, history, calendar, now, policy.taxonomy);
  if (clock.episodes.length === 0 && clock.state !== "waiting") {
    const priorities = def.goals.filter((g) => g.label !== null).map((g) => g.label);
    const why = priorities.length > 0 ? `it has never had one of the priorities ${priorities.join(", ")} while the clock could run` : "the start condition never held";
    return [...lines, `  No clock: ${why}.`];
  }
  clock.episodes.forEach((e, i) => lines.push(...episodeLines(e, i + 1, calendar)));
  if (clock.readyAt !== null && def.waitWhile.length > 0) lines.push(`  Details complete since ${formatMoment(clock.readyAt, calendar.timeZone)} (nothing of ${def.waitWhile.join(", ")} present).`);
  return [...lines, ...stateLines(clock, calendar, now)];
}

export function explainSla(s: ResourceSnapshot, policy: CompiledPolicy, calendar: BusinessCalendar, now: Date): string {
  const lines = [`${formatRef(s.ref)}  ${s.title.replace(/\s*[\r\n]+\s*/g, " ")}`, `Times in ${calendar.timeZone}; now ${formatMoment(now, calendar.timeZone)}.`];
  const defs = slaDefinitions(policy).filter((d) => slaCovers(d, s, policy.taxonomy));
  if (defs.length === 0) {
    lines.push("", "No SLA in policies/sla.yml covers this issue (check where: project_roles / labels / any_label).");
    return lines.join("\n");
  }
  for (const def of defs) lines.push("", ...definitionLines(def, s, policy, calendar, now));
  return lines.join("\n");
}
