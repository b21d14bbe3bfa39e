/**
 * Audit periods: a month, a quarter or a half-year, as local calendar dates in the team's zone.
 * The period's key names it in issue titles and markers (`2026-11`, `2026-Q4`, `2026-H2`).
 */
import { daysInMonth, parseIsoDate } from "../../domain/calendar/dates.js";
import type { AuditCadence } from "../../policy/model.js";

export interface AuditPeriod {
  cadence: AuditCadence;
  key: string;
  /** First and last day, inclusive, `YYYY-MM-DD`. */
  start: string;
  end: string;
}

const MONTHS_PER_PERIOD: Record<AuditCadence, number> = { monthly: 1, quarterly: 3, "semi-annual": 6 };

const pad = (n: number) => String(n).padStart(2, "0");

/** The period of `cadence` that contains `date` (`YYYY-MM-DD`). */
export function auditPeriodOf(cadence: AuditCadence, date: string): AuditPeriod {
  const parsed = parseIsoDate(date);
  if (!parsed) throw new Error(`"${date}" is not a date written YYYY-MM-DD.`);
  const { year, month } = parsed;
  const size = MONTHS_PER_PERIOD[cadence];
  const index = Math.floor((month - 1) / size);
  const firstMonth = index * size + 1;
  const lastMonth = firstMonth + size - 1;
  const key = cadence === "monthly" ? `${year}-${pad(month)}` : cadence === "quarterly" ? `${year}-Q${index + 1}` : `${year}-H${index + 1}`;
  return {
    cadence,
    key,
    start: `${year}-${pad(firstMonth)}-01`,
    end: `${year}-${pad(lastMonth)}-${pad(daysInMonth(year, lastMonth))}`,
  };
}

/** The period a key names (`2026-11`, `2026-Q4`, `2026-H2`), or null when it names none. */
export function auditPeriodFromKey(key: string): AuditPeriod | null {
  const m = /^(\d{4})-(?:(\d{2})|Q([1-4])|H([12]))$/.exec(key);
  if (!m) return null;
  const year = m[1]!;
  if (m[2] !== undefined) return Number(m[2]) >= 1 && Number(m[2]) <= 12 ? auditPeriodOf("monthly", `${year}-${m[2]}-01`) : null;
  if (m[3] !== undefined) return auditPeriodOf("quarterly", `${year}-${pad((Number(m[3]) - 1) * 3 + 1)}-01`);
  return auditPeriodOf("semi-annual", `${year}-${m[4] === "1" ? "01" : "07"}-01`);
}
