/**
 * The digest's SLA section behind a small interface: which issues are at risk or breached, and
 * when each goal is (or was) due (or, while paused, how much of it is left). The default source recomputes the clocks of policies/sla.yml
 * (src/sla) for the issues carrying the SLA labels the `sla` job sets, so the digest and the SLA
 * report always agree; without sla.yml the section says SLAs are not configured.
 */
import type { BusinessCalendar } from "../domain/calendar.js";
import { byRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { formatRef } from "../domain/snapshot.js";
import type { Platform } from "../engine/platform.js";
import type { CompiledPolicy } from "../policy/model.js";
import { evaluateSlas, slaDefinitions } from "../rules/sla/evaluate.js";
import { describeDue, pauseOf } from "../rules/sla/report.js";
import type { DigestItem } from "./render.js";
import { disclosedTitle, mayDisclose } from "../domain/disclosure.js";

export interface SlaDigestSource {
  /** False when no SLA is configured (the section then says so instead of "none"). */
  readonly configured: boolean;
  /** At-risk and breached SLAs among the open issues, breached first. */
  atRiskAndBreached(openIssues: ResourceSnapshot[]): Promise<DigestItem[]>;
}

export function slaFromClocks(platform: Platform, policy: CompiledPolicy, calendar: BusinessCalendar, now: Date): SlaDigestSource {
  const defs = slaDefinitions(policy);
  const stateLabels = new Set(defs.flatMap((d) => [d.warning.label, d.breach.label]).filter((l): l is string => l !== null));
  return {
    configured: defs.length > 0,
    async atRiskAndBreached(openIssues) {
      const flagged = openIssues.filter((s) => s.labels.some((l) => stateLabels.has(policy.taxonomy.canonical(l) ?? l)));
      const items: { breached: boolean; item: DigestItem }[] = [];
      for (const s of flagged) {
        const withHistory = { ...s, labelEvents: s.labelEvents ?? (await platform.labelEvents(s)) };
        for (const { def, clock } of evaluateSlas(withHistory, policy, calendar, now)) {
          const breached = clock.state === "breached" || (clock.remainingMs !== null && clock.remainingMs < 0);
          if (!breached && !clock.atRisk) continue;
          // Written as the SLA report writes it: a paused clock by what is left, not by a due moment that moves on.
          // A confidential issue in the (public) digest: neither its SLA nor its labels are named.
          const open = mayDisclose(s, null);
          const due = describeDue({ state: breached ? "breached" : "at-risk", due: clock.due, pause: breached ? null : pauseOf(clock, calendar) }, calendar.timeZone, { labels: open });
          const detail = `${breached ? "breached" : "at risk"}${open ? ` (${def.id})` : ""}, ${due}`;
          items.push({ breached, item: { ref: formatRef(s.ref), url: s.webUrl, title: disclosedTitle(s, null), detail } });
        }
      }
      return items.sort((a, b) => Number(b.breached) - Number(a.breached) || byRef(a.item, b.item)).map((i) => i.item);
    },
  };
}
